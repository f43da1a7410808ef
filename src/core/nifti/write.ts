/**
 * NIfTI-1 single-file (.nii / .nii.gz) writer. Bytes out, no I/O.
 *
 * The header carries the same geometry twice: the sform (srow_x/y/z) is the exact voxel → RAS
 * affine; the qform is its rotation as a quaternion (the nearest orthogonal matrix when the
 * volume's directions are not orthogonal). Both codes are 1 (scanner anatomical).
 */
import { gzipSync } from 'fflate';
import { VoxelprintError } from '../errors';
import type { Volume } from '../volume/volume';
import { voxelCount } from '../volume/volume';
import type { Vec3 } from '../geometry/vec3';
import {
  type Affine,
  DT,
  N1,
  NIFTI1_HEADER_SIZE,
  NIFTI1_VOX_OFFSET,
  UNITS_MM,
  XFORM_SCANNER_ANAT,
  det3,
  flipXY,
  fromColumns,
  matrixToQuatern,
} from './header';

export interface WriteNiftiOptions {
  /** Gzip the result (.nii.gz). */
  readonly gzip?: boolean;
  /**
   * Header `descrip` (ASCII, at most 79 characters). Default 'Voxelprint'. Callers must never
   * pass patient-identifying text here.
   */
  readonly description?: string;
}

const DESCRIP_MAX = 79;

/** The voxel (i, j, k) → RAS mm affine of a volume (voxel centres). */
export function volumeToRasAffine(v: Volume): Affine {
  const [di, dj, dk] = v.directionLps;
  const [si, sj, sk] = v.spacingMm;
  const col = (d: Vec3, s: number): Vec3 => flipXY([d[0] * s, d[1] * s, d[2] * s]);
  return { linear: fromColumns(col(di, si), col(dj, sj), col(dk, sk)), translation: flipXY(v.originLps) };
}

function checkVolume(v: Volume): void {
  const [nx, ny, nz] = v.dimensions;
  const ok = [nx, ny, nz].every((n) => Number.isInteger(n) && n >= 1 && n <= 32767);
  if (!ok) throw new VoxelprintError('malformed', `NIfTI-1 cannot hold dimensions ${v.dimensions.join('×')}`);
  if (voxelCount(v) !== v.voxels.length) {
    throw new VoxelprintError('malformed', `volume has ${v.voxels.length} voxels, dimensions say ${voxelCount(v)}`);
  }
  if (!v.spacingMm.every((s) => Number.isFinite(s) && s > 0)) {
    throw new VoxelprintError('malformed', `invalid voxel spacing ${v.spacingMm.join(', ')}`);
  }
  const [di, dj, dk] = v.directionLps;
  if (!(Math.abs(det3(fromColumns(di, dj, dk))) > 1e-6)) {
    throw new VoxelprintError('malformed', 'volume directions are degenerate (not three independent axes)');
  }
}

function dataRange(voxels: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < voxels.length; i++) {
    const x = voxels[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/** Printable ASCII only, truncated to 79 characters. */
const sanitizeDescrip = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?').slice(0, DESCRIP_MAX);

function writeHeader(dv: DataView, v: Volume, description: string): void {
  const le = true;
  const float = v.voxels instanceof Float32Array;
  const [nx, ny, nz] = v.dimensions;
  const affine = volumeToRasAffine(v);
  const q = matrixToQuatern(affine.linear);
  const [lo, hi] = dataRange(v.voxels);

  dv.setInt32(N1.sizeofHdr, NIFTI1_HEADER_SIZE, le);
  dv.setUint8(N1.regular, 0x72); // 'r'
  [3, nx, ny, nz, 1, 1, 1, 1].forEach((d, i) => dv.setInt16(N1.dim + 2 * i, d, le));
  dv.setInt16(N1.datatype, float ? DT.FLOAT32 : DT.INT16, le);
  dv.setInt16(N1.bitpix, float ? 32 : 16, le);
  [q.qfac, ...v.spacingMm, 1, 1, 1, 1].forEach((p, i) => dv.setFloat32(N1.pixdim + 4 * i, p, le));
  dv.setFloat32(N1.voxOffset, NIFTI1_VOX_OFFSET, le);
  dv.setFloat32(N1.sclSlope, 1, le);
  dv.setFloat32(N1.sclInter, 0, le);
  dv.setUint8(N1.xyztUnits, UNITS_MM);
  dv.setFloat32(N1.calMax, hi, le);
  dv.setFloat32(N1.calMin, lo, le);
  const text = sanitizeDescrip(description);
  for (let i = 0; i < text.length; i++) dv.setUint8(N1.descrip + i, text.charCodeAt(i));
  dv.setInt16(N1.qformCode, XFORM_SCANNER_ANAT, le);
  dv.setInt16(N1.sformCode, XFORM_SCANNER_ANAT, le);
  [q.b, q.c, q.d, ...affine.translation].forEach((x, i) => dv.setFloat32(N1.quatern + 4 * i, x, le));
  for (let r = 0; r < 3; r++) {
    const row = [...affine.linear[r], affine.translation[r]];
    row.forEach((x, c) => dv.setFloat32(N1.srow + 16 * r + 4 * c, x, le));
  }
  'n+1\0'.split('').forEach((ch, i) => dv.setUint8(N1.magic + i, ch.charCodeAt(0)));
  // Bytes 348..351 (extension flag) stay zero: no extensions.
}

function writeVoxels(dv: DataView, voxels: Int16Array | Float32Array): void {
  let o = NIFTI1_VOX_OFFSET;
  if (voxels instanceof Float32Array) {
    for (let i = 0; i < voxels.length; i++, o += 4) dv.setFloat32(o, voxels[i], true);
  } else {
    for (let i = 0; i < voxels.length; i++, o += 2) dv.setInt16(o, voxels[i], true);
  }
}

/**
 * A single-file NIfTI-1 image of the volume: INT16 for Int16Array voxels, FLOAT32 for
 * Float32Array, little endian, values as stored (scl_slope 1, scl_inter 0), world = RAS mm.
 */
export function writeNifti(volume: Volume, opts: WriteNiftiOptions = {}): Uint8Array {
  checkVolume(volume);
  const bytesPerVoxel = volume.voxels instanceof Float32Array ? 4 : 2;
  const out = new Uint8Array(NIFTI1_VOX_OFFSET + volume.voxels.length * bytesPerVoxel);
  const dv = new DataView(out.buffer);
  writeHeader(dv, volume, opts.description ?? 'Voxelprint');
  writeVoxels(dv, volume.voxels);
  return opts.gzip ? gzipSync(out, { mtime: 0 }) : out;
}
