/**
 * Binary little-endian PLY 1.0. Header comments state frame and units (`comment SPACE=LPS
 * UNITS=mm`) and one `comment segment …` line per segment (name, colour, vertex and face ranges).
 * Vertices are float x y z, optionally uchar red green blue (the segment colour); faces are
 * `property list uchar uint vertex_indices`. Output size is computed first and written once.
 */
import { VoxelprintError } from '../errors';
import type { MeshFrame, SegmentMesh } from '../mesh/mesh';
import { ensureFrame, frameLabel } from './frames';
import { tokenName, uniqueNames } from './text';

export interface PlyOptions {
  /** Frame to write in (default LPS). */
  readonly frame?: MeshFrame;
  /** Write per-vertex uchar red/green/blue from the segment colour (default true). */
  readonly vertexColors?: boolean;
}

const byte = (v: number): number => Math.min(255, Math.max(0, Math.round(v)));

export const plyHeaderText = (meshes: readonly SegmentMesh[], frame: MeshFrame, vertexColors: boolean): string => {
  const names = uniqueNames(meshes.map((s) => tokenName(s.name, 'segment')));
  let vertices = 0;
  let faces = 0;
  const lines = ['ply', 'format binary_little_endian 1.0', 'comment Voxelprint', `comment ${frameLabel(frame)}`];
  meshes.forEach((s, k) => {
    const nv = s.mesh.positionsMm.length / 3;
    const nf = s.mesh.indices.length / 3;
    const [r, g, b] = s.colorRgb.map(byte);
    lines.push(`comment segment ${names[k]} rgb ${r} ${g} ${b} vertices ${vertices}-${vertices + nv} faces ${faces}-${faces + nf}`);
    vertices += nv;
    faces += nf;
  });
  lines.push(`element vertex ${vertices}`, 'property float x', 'property float y', 'property float z');
  if (vertexColors) lines.push('property uchar red', 'property uchar green', 'property uchar blue');
  lines.push(`element face ${faces}`, 'property list uchar uint vertex_indices', 'end_header');
  return lines.join('\n') + '\n';
};

export const writePly = (meshes: readonly SegmentMesh[], opts: PlyOptions = {}): Uint8Array => {
  const frame = opts.frame ?? 'LPS';
  const colors = opts.vertexColors ?? true;
  const segs = ensureFrame(meshes, frame);
  const header = new TextEncoder().encode(plyHeaderText(segs, frame, colors));
  let vertices = 0;
  let faces = 0;
  for (const s of segs) {
    vertices += s.mesh.positionsMm.length / 3;
    faces += s.mesh.indices.length / 3;
  }
  const vstride = colors ? 15 : 12;
  const size = header.length + vertices * vstride + faces * 13;
  if (size > 2 ** 31 - 1) throw new VoxelprintError('too-large', `PLY of ${faces} faces is too large for one buffer`);
  const out = new Uint8Array(size);
  out.set(header, 0);
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = header.length;
  for (const s of segs) {
    const p = s.mesh.positionsMm;
    const r = byte(s.colorRgb[0]), g = byte(s.colorRgb[1]), b = byte(s.colorRgb[2]);
    for (let i = 0; i < p.length; i += 3) {
      dv.setFloat32(at, p[i], true);
      dv.setFloat32(at + 4, p[i + 1], true);
      dv.setFloat32(at + 8, p[i + 2], true);
      if (colors) {
        out[at + 12] = r;
        out[at + 13] = g;
        out[at + 14] = b;
      }
      at += vstride;
    }
  }
  let base = 0;
  for (const s of segs) {
    const idx = s.mesh.indices;
    for (let t = 0; t < idx.length; t += 3) {
      out[at] = 3;
      dv.setUint32(at + 1, idx[t] + base, true);
      dv.setUint32(at + 5, idx[t + 1] + base, true);
      dv.setUint32(at + 9, idx[t + 2] + base, true);
      at += 13;
    }
    base += s.mesh.positionsMm.length / 3;
  }
  return out;
};
