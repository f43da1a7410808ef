/**
 * Wavefront OBJ + MTL. One `o <name>` / `usemtl <name>` per segment, vertices 1-based and global
 * across the file, `Kd r g b` colours in 0–1. A leading comment states frame and units
 * (`# SPACE=LPS UNITS=mm`); OBJ itself has neither. Text is built in chunks.
 */
import type { MeshFrame, SegmentMesh } from '../mesh/mesh';
import { ensureFrame, frameLabel } from './frames';
import { buildText, formatMm, tokenName, uniqueNames } from './text';

export interface ObjOptions {
  /** Frame to write in (default LPS). */
  readonly frame?: MeshFrame;
  /** File name the OBJ refers to in `mtllib` (default `voxelprint.mtl`); keep it free of patient text. */
  readonly mtlFileName?: string;
}

export interface ObjFiles {
  readonly obj: Uint8Array;
  readonly mtl: Uint8Array;
}

const colour01 = (v: number): string => formatMm(Math.min(255, Math.max(0, v)) / 255);

export const writeObj = (meshes: readonly SegmentMesh[], opts: ObjOptions = {}): ObjFiles => {
  const frame = opts.frame ?? 'LPS';
  const segs = ensureFrame(meshes, frame);
  const names = uniqueNames(segs.map((s) => tokenName(s.name, 'segment')));
  const mtlFileName = tokenName(opts.mtlFileName ?? 'voxelprint.mtl', 'voxelprint.mtl');

  const obj = buildText((w) => {
    w.write(`# Voxelprint OBJ ${frameLabel(frame)}\n`);
    w.write(`mtllib ${mtlFileName}\n`);
    let base = 1;
    segs.forEach((s, k) => {
      const p = s.mesh.positionsMm;
      const idx = s.mesh.indices;
      w.write(`o ${names[k]}\nusemtl ${names[k]}\n`);
      for (let i = 0; i < p.length; i += 3) {
        w.write(`v ${formatMm(p[i])} ${formatMm(p[i + 1])} ${formatMm(p[i + 2])}\n`);
      }
      for (let t = 0; t < idx.length; t += 3) {
        w.write(`f ${idx[t] + base} ${idx[t + 1] + base} ${idx[t + 2] + base}\n`);
      }
      base += p.length / 3;
    });
  });

  const mtl = buildText((w) => {
    w.write(`# Voxelprint MTL\n`);
    segs.forEach((s, k) => {
      const [r, g, b] = s.colorRgb;
      w.write(`newmtl ${names[k]}\nKa 0 0 0\nKd ${colour01(r)} ${colour01(g)} ${colour01(b)}\nKs 0 0 0\nd 1\nillum 1\n`);
    });
  });
  return { obj, mtl };
};
