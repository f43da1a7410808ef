/**
 * STL writers (binary and ASCII). STL has no units, no frame and no colour; we state frame and
 * units in the binary 80-byte header (`VOXELPRINT SPACE=LPS UNITS=mm`, never patient text) and
 * always write millimetres 1:1. Normals are computed from the written float32 vertices (unit
 * length; zero for a degenerate triangle). Several segments in one binary file are simply
 * concatenated triangles; ASCII writes one `solid <name>` per segment.
 */
import { VoxelprintError } from '../errors';
import type { MeshFrame, SegmentMesh } from '../mesh/mesh';
import { ensureFrame, frameLabel } from './frames';
import { buildText, formatMm, tokenName, uniqueNames } from './text';

export interface StlOptions {
  /** Frame to write in (default LPS); meshes are converted when needed. */
  readonly frame?: MeshFrame;
}

/** The 80-byte binary STL header text (before space padding). Must not start with "solid". */
export const stlHeaderText = (frame: MeshFrame): string => `VOXELPRINT ${frameLabel(frame)}`;

const MAX_TRIANGLES = Math.floor((2 ** 31 - 1 - 84) / 50);

/** Writes the unit normal of triangle (a, b, c) of `p` into `n`. */
const triangleNormal = (p: Float32Array, a: number, b: number, c: number, n: Float64Array): void => {
  const ax = p[a * 3], ay = p[a * 3 + 1], az = p[a * 3 + 2];
  const ux = p[b * 3] - ax, uy = p[b * 3 + 1] - ay, uz = p[b * 3 + 2] - az;
  const vx = p[c * 3] - ax, vy = p[c * 3 + 1] - ay, vz = p[c * 3 + 2] - az;
  const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
  const len = Math.hypot(nx, ny, nz);
  if (len > 0 && Number.isFinite(len)) {
    n[0] = nx / len;
    n[1] = ny / len;
    n[2] = nz / len;
  } else {
    n[0] = n[1] = n[2] = 0;
  }
};

/**
 * Binary STL: 80-byte ASCII header, uint32 LE triangle count, then per triangle 12 float32 LE
 * (normal, v1, v2, v3) and a uint16 attribute (0). Output size is exactly 84 + 50 × triangles,
 * allocated once.
 */
export const writeBinaryStl = (meshes: readonly SegmentMesh[], opts: StlOptions = {}): Uint8Array => {
  const frame = opts.frame ?? 'LPS';
  const segs = ensureFrame(meshes, frame);
  let triangles = 0;
  for (const s of segs) triangles += s.mesh.indices.length / 3;
  if (triangles > MAX_TRIANGLES) {
    throw new VoxelprintError('too-large', `${triangles} triangles do not fit in one binary STL buffer`);
  }
  const out = new Uint8Array(84 + 50 * triangles);
  const header = stlHeaderText(frame);
  for (let i = 0; i < 80; i++) out[i] = i < header.length ? header.charCodeAt(i) & 0x7f : 0x20;
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  dv.setUint32(80, triangles, true);
  const n = new Float64Array(3);
  let at = 84;
  for (const s of segs) {
    const p = s.mesh.positionsMm;
    const idx = s.mesh.indices;
    for (let t = 0; t < idx.length; t += 3) {
      const a = idx[t], b = idx[t + 1], c = idx[t + 2];
      triangleNormal(p, a, b, c, n);
      dv.setFloat32(at, n[0], true);
      dv.setFloat32(at + 4, n[1], true);
      dv.setFloat32(at + 8, n[2], true);
      dv.setFloat32(at + 12, p[a * 3], true);
      dv.setFloat32(at + 16, p[a * 3 + 1], true);
      dv.setFloat32(at + 20, p[a * 3 + 2], true);
      dv.setFloat32(at + 24, p[b * 3], true);
      dv.setFloat32(at + 28, p[b * 3 + 1], true);
      dv.setFloat32(at + 32, p[b * 3 + 2], true);
      dv.setFloat32(at + 36, p[c * 3], true);
      dv.setFloat32(at + 40, p[c * 3 + 1], true);
      dv.setFloat32(at + 44, p[c * 3 + 2], true);
      // attribute byte count stays 0 (buffer is zero-filled)
      at += 50;
    }
  }
  return out;
};

/**
 * ASCII STL, one `solid <name>` … `endsolid <name>` per segment (names with whitespace become
 * "_"), coordinates in fixed-point millimetres. ASCII STL has no header or comment syntax, so the
 * frame is carried only by the file name (see fileNames.ts) and documentation.
 * Text is built in ~1 MB chunks and concatenated once.
 */
export const writeAsciiStl = (meshes: readonly SegmentMesh[], opts: StlOptions = {}): Uint8Array => {
  const frame = opts.frame ?? 'LPS';
  const segs = ensureFrame(meshes, frame);
  const names = uniqueNames(segs.map((s) => tokenName(s.name, 'segment')));
  const n = new Float64Array(3);
  return buildText((w) => {
    segs.forEach((s, k) => {
      const p = s.mesh.positionsMm;
      const idx = s.mesh.indices;
      w.write(`solid ${names[k]}\n`);
      for (let t = 0; t < idx.length; t += 3) {
        const a = idx[t] * 3, b = idx[t + 1] * 3, c = idx[t + 2] * 3;
        triangleNormal(p, idx[t], idx[t + 1], idx[t + 2], n);
        w.write(
          `facet normal ${formatMm(n[0])} ${formatMm(n[1])} ${formatMm(n[2])}\n` +
            ` outer loop\n` +
            `  vertex ${formatMm(p[a])} ${formatMm(p[a + 1])} ${formatMm(p[a + 2])}\n` +
            `  vertex ${formatMm(p[b])} ${formatMm(p[b + 1])} ${formatMm(p[b + 2])}\n` +
            `  vertex ${formatMm(p[c])} ${formatMm(p[c + 1])} ${formatMm(p[c + 2])}\n` +
            ` endloop\n` +
            `endfacet\n`,
        );
      }
      w.write(`endsolid ${names[k]}\n`);
    });
  });
};
