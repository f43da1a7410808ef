/**
 * NIfTI-1 / NIfTI-2 single-file reader (.nii, .nii.gz). Bytes in, Volume out, no I/O.
 *
 * Geometry: sform when sform_code > 0, else qform when qform_code > 0, else pixdim only
 * (the spec's "method 1": diagonal voxel sizes, no offset). The RAS affine is converted to
 * LPS; direction vectors are the affine's normalised columns, kept as they are (a NIfTI sform
 * may be sheared: then the directions are not orthogonal).
 */
import { gunzipSync } from 'fflate';
import { VoxelprintError } from '../errors';
import type { Vec3 } from '../geometry/vec3';
import type { Volume, VoxelArray } from '../volume/volume';
import {
  type Affine,
  DATATYPE_BYTES,
  DATATYPE_NAMES,
  DT,
  N1,
  N2,
  NIFTI1_HEADER_SIZE,
  NIFTI2_HEADER_SIZE,
  column,
  flipXY,
  fromColumns,
  quaternToRotation,
} from './header';

export interface ReadNiftiOptions {
  /** Modality of the returned volume (NIfTI does not record one). Default 'MR'. */
  readonly modality?: string;
}

/** The fields of a NIfTI-1 or NIfTI-2 header the reader uses, widened to numbers. */
interface Header {
  readonly version: 1 | 2;
  readonly littleEndian: boolean;
  readonly dim: readonly number[];
  readonly datatype: number;
  readonly pixdim: readonly number[];
  readonly voxOffset: number;
  readonly sclSlope: number;
  readonly sclInter: number;
  readonly qformCode: number;
  readonly sformCode: number;
  /** quatern_b, c, d, qoffset_x, y, z */
  readonly quatern: readonly number[];
  /** srow_x, srow_y, srow_z (4 each) */
  readonly srow: readonly number[];
}

const GZIP_MAGIC = [0x1f, 0x8b];
/** Largest voxel count the reader accepts (a Float32Array of this many voxels is 8 GiB). */
const MAX_VOXELS = 2 ** 31 - 1;

const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === GZIP_MAGIC[0] && b[1] === GZIP_MAGIC[1];

function gunzip(bytes: Uint8Array, fileName: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new VoxelprintError('decode-failed', `gzip data could not be decompressed (${why})`, fileName);
  }
}

const ascii = (b: Uint8Array, start: number, length: number): string =>
  String.fromCharCode(...b.subarray(start, Math.min(b.length, start + length)));

/** Header version and byte order from sizeof_hdr (348 or 540, either byte order). */
function detectVersion(dv: DataView, fileName: string): { version: 1 | 2; littleEndian: boolean } {
  for (const littleEndian of [true, false]) {
    const size = dv.getInt32(0, littleEndian);
    if (size === NIFTI1_HEADER_SIZE) return { version: 1, littleEndian };
    if (size === NIFTI2_HEADER_SIZE) return { version: 2, littleEndian };
  }
  throw new VoxelprintError('malformed', 'not a NIfTI file (sizeof_hdr is neither 348 nor 540)', fileName);
}

function checkMagic(bytes: Uint8Array, version: 1 | 2, fileName: string): void {
  const magic = version === 1 ? ascii(bytes, N1.magic, 4) : ascii(bytes, N2.magic, 8);
  if (version === 1 && magic === 'ni1\0') {
    throw new VoxelprintError('malformed', 'two-file NIfTI (.hdr + .img) is not supported; save it as a single .nii file', fileName);
  }
  const ok = version === 1 ? magic === 'n+1\0' : magic === 'n+2\0\r\n\x1a\n';
  if (!ok) {
    const shown = JSON.stringify(magic.replace(/\0+$/, ''));
    throw new VoxelprintError('malformed', `bad NIfTI-${version} magic ${shown} (ANALYZE 7.5 files are not supported)`, fileName);
  }
}

function parseHeader1(dv: DataView, le: boolean): Omit<Header, 'version' | 'littleEndian'> {
  const i16 = (o: number): number => dv.getInt16(o, le);
  const f32 = (o: number): number => dv.getFloat32(o, le);
  const range = (start: number, n: number, step: number, get: (o: number) => number): number[] =>
    Array.from({ length: n }, (_, i) => get(start + i * step));
  return {
    dim: range(N1.dim, 8, 2, i16),
    datatype: i16(N1.datatype),
    pixdim: range(N1.pixdim, 8, 4, f32),
    voxOffset: f32(N1.voxOffset),
    sclSlope: f32(N1.sclSlope),
    sclInter: f32(N1.sclInter),
    qformCode: i16(N1.qformCode),
    sformCode: i16(N1.sformCode),
    quatern: range(N1.quatern, 6, 4, f32),
    srow: range(N1.srow, 12, 4, f32),
  };
}

function parseHeader2(dv: DataView, le: boolean): Omit<Header, 'version' | 'littleEndian'> {
  const i64 = (o: number): number => Number(dv.getBigInt64(o, le));
  const f64 = (o: number): number => dv.getFloat64(o, le);
  const range = (start: number, n: number, get: (o: number) => number): number[] =>
    Array.from({ length: n }, (_, i) => get(start + i * 8));
  return {
    dim: range(N2.dim, 8, i64),
    datatype: dv.getInt16(N2.datatype, le),
    pixdim: range(N2.pixdim, 8, f64),
    voxOffset: i64(N2.voxOffset),
    sclSlope: f64(N2.sclSlope),
    sclInter: f64(N2.sclInter),
    qformCode: dv.getInt32(N2.qformCode, le),
    sformCode: dv.getInt32(N2.sformCode, le),
    quatern: range(N2.quatern, 6, f64),
    srow: range(N2.srow, 12, f64),
  };
}

function parseHeader(bytes: Uint8Array, fileName: string): Header {
  if (bytes.length < 4) throw new VoxelprintError('truncated', `file too short for a NIfTI header (${bytes.length} bytes)`, fileName);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { version, littleEndian } = detectVersion(dv, fileName);
  const size = version === 1 ? NIFTI1_HEADER_SIZE : NIFTI2_HEADER_SIZE;
  if (bytes.length < size) {
    throw new VoxelprintError('truncated', `NIfTI-${version} header needs ${size} bytes, file has ${bytes.length}`, fileName);
  }
  checkMagic(bytes, version, fileName);
  const fields = version === 1 ? parseHeader1(dv, littleEndian) : parseHeader2(dv, littleEndian);
  return { version, littleEndian, ...fields };
}

/** [nx, ny, nz] after checking dim[]: 1–3 spatial dimensions, no 4th+ dimension beyond 1. */
function spatialDims(h: Header, fileName: string): [number, number, number] {
  const rank = h.dim[0];
  if (!Number.isInteger(rank) || rank < 1 || rank > 7) {
    throw new VoxelprintError('malformed', `invalid dim[0] = ${rank} (must be 1–7)`, fileName);
  }
  const dims = h.dim.slice(1, rank + 1);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new VoxelprintError('malformed', `invalid dimensions ${dims.join('×')}`, fileName);
  }
  const extra = dims.slice(3).reduce((a, b) => a * b, 1);
  if (extra > 1) {
    throw new VoxelprintError('not-a-volume', `${rank}D NIfTI with ${extra} volumes (dims ${dims.join('×')}); only single 3D volumes are supported`, fileName);
  }
  const [nx, ny = 1, nz = 1] = dims;
  return [nx, ny, nz];
}

/** Bytes per voxel, or a clear error for datatypes the reader does not handle. */
function bytesPerVoxel(datatype: number, fileName: string): number {
  const n = DATATYPE_BYTES.get(datatype);
  if (n !== undefined) return n;
  const name = DATATYPE_NAMES.get(datatype);
  throw new VoxelprintError('unsupported-pixel-format', `unsupported NIfTI datatype ${datatype}${name ? ` (${name})` : ''}`, fileName);
}

/** Offset and length of the voxel data, checked against the bytes actually present. */
function dataExtent(h: Header, count: number, bpv: number, fileLength: number, fileName: string): number {
  const minOffset = h.version === 1 ? NIFTI1_HEADER_SIZE : NIFTI2_HEADER_SIZE;
  const offset = h.voxOffset;
  if (!Number.isInteger(offset) || offset < minOffset) {
    throw new VoxelprintError('malformed', `invalid vox_offset ${offset}`, fileName);
  }
  if (count > MAX_VOXELS) {
    throw new VoxelprintError('too-large', `${count} voxels exceed the supported maximum of ${MAX_VOXELS}`, fileName);
  }
  const available = fileLength - offset;
  if (available < count * bpv) {
    throw new VoxelprintError('truncated', `voxel data needs ${count * bpv} bytes at offset ${offset}, file has ${Math.max(0, available)}`, fileName);
  }
  return offset;
}

const platformLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A typed-array view of the raw samples, copied to an aligned buffer in platform byte order. */
function rawSamples(bytes: Uint8Array, offset: number, count: number, datatype: number, bpv: number, le: boolean): ArrayLike<number> {
  const copy = bytes.slice(offset, offset + count * bpv);
  if (bpv > 1 && le !== platformLittleEndian) {
    for (let i = 0; i < copy.length; i += bpv) copy.subarray(i, i + bpv).reverse();
  }
  const buf = copy.buffer;
  switch (datatype) {
    case DT.UINT8: return new Uint8Array(buf);
    case DT.INT8: return new Int8Array(buf);
    case DT.INT16: return new Int16Array(buf);
    case DT.UINT16: return new Uint16Array(buf);
    case DT.INT32: return new Int32Array(buf);
    case DT.UINT32: return new Uint32Array(buf);
    case DT.FLOAT32: return new Float32Array(buf);
    default: return new Float64Array(buf);
  }
}

/** Whether every scaled value is an integer in the Int16 range. */
function fitsInt16(raw: ArrayLike<number>, slope: number, inter: number): boolean {
  for (let i = 0; i < raw.length; i++) {
    const x = raw[i] * slope + inter;
    if (!Number.isInteger(x) || x < -32768 || x > 32767) return false;
  }
  return true;
}

/** Applies scl_slope / scl_inter (ignored when the slope is 0 or not finite, as the spec says). */
function scaledVoxels(raw: ArrayLike<number>, h: Header): VoxelArray {
  const scaled = h.sclSlope !== 0 && Number.isFinite(h.sclSlope);
  const slope = scaled ? h.sclSlope : 1;
  const inter = scaled && Number.isFinite(h.sclInter) ? h.sclInter : 0;
  const out = fitsInt16(raw, slope, inter) ? new Int16Array(raw.length) : new Float32Array(raw.length);
  if (slope === 1 && inter === 0) out.set(raw);
  else for (let i = 0; i < raw.length; i++) out[i] = raw[i] * slope + inter;
  return out;
}

/** |pixdim[a]|, with 0 / non-finite read as 1 mm (nifti1_io does the same). */
const voxelSize = (h: Header, a: number): number => {
  const p = Math.abs(h.pixdim[a]);
  return Number.isFinite(p) && p > 0 ? p : 1;
};

function sformAffine(h: Header): Affine {
  const s = h.srow;
  return {
    linear: [
      [s[0], s[1], s[2]],
      [s[4], s[5], s[6]],
      [s[8], s[9], s[10]],
    ],
    translation: [s[3], s[7], s[11]],
  };
}

function qformAffine(h: Header): Affine {
  const [b, c, d, x, y, z] = h.quatern;
  const r = quaternToRotation(b, c, d);
  const qfac = h.pixdim[0] < 0 ? -1 : 1;
  const sizes = [voxelSize(h, 1), voxelSize(h, 2), voxelSize(h, 3) * qfac];
  const linear = r.map((row) => row.map((v, col) => v * sizes[col])) as unknown as Affine['linear'];
  return { linear, translation: [x, y, z] };
}

function pixdimAffine(h: Header): Affine {
  return {
    linear: fromColumns([voxelSize(h, 1), 0, 0], [0, voxelSize(h, 2), 0], [0, 0, voxelSize(h, 3)]),
    translation: [0, 0, 0],
  };
}

/** Finite, with three non-zero columns. */
function usable(a: Affine): boolean {
  const finite = [...a.linear.flat(), ...a.translation].every(Number.isFinite);
  return finite && [0, 1, 2].every((c) => Math.hypot(...column(a.linear, c)) > 0);
}

/** The voxel → RAS affine by the spec's precedence: sform, qform, pixdim. */
function chooseAffine(h: Header): Affine {
  if (h.sformCode > 0) {
    const a = sformAffine(h);
    if (usable(a)) return a;
  }
  if (h.qformCode > 0) {
    const a = qformAffine(h);
    if (usable(a)) return a;
  }
  return pixdimAffine(h);
}

function lpsGeometry(rasAffine: Affine): Pick<Volume, 'spacingMm' | 'originLps' | 'directionLps'> {
  const cols = [0, 1, 2].map((c) => flipXY(column(rasAffine.linear, c)));
  const spacing = cols.map((v) => Math.hypot(...v));
  const dirs = cols.map((v, a): Vec3 => [v[0] / spacing[a], v[1] / spacing[a], v[2] / spacing[a]]);
  return {
    spacingMm: [spacing[0], spacing[1], spacing[2]],
    originLps: flipXY(rasAffine.translation),
    directionLps: [dirs[0], dirs[1], dirs[2]],
  };
}

/**
 * A Volume from a single-file NIfTI-1 or NIfTI-2 image (optionally gzipped). Values have
 * scl_slope / scl_inter applied; voxels are Int16Array when every value is an integer that
 * fits, else Float32Array.
 */
export function readNifti(bytes: Uint8Array, fileName: string, opts: ReadNiftiOptions = {}): Volume {
  if (bytes.length === 0) throw new VoxelprintError('empty-file', 'file is empty', fileName);
  const data = isGzip(bytes) ? gunzip(bytes, fileName) : bytes;
  const h = parseHeader(data, fileName);
  const dimensions = spatialDims(h, fileName);
  const bpv = bytesPerVoxel(h.datatype, fileName);
  const count = dimensions[0] * dimensions[1] * dimensions[2];
  const offset = dataExtent(h, count, bpv, data.length, fileName);
  const voxels = scaledVoxels(rawSamples(data, offset, count, h.datatype, bpv, h.littleEndian), h);
  const modality = opts.modality ?? 'MR';
  return {
    dimensions,
    ...lpsGeometry(chooseAffine(h)),
    voxels,
    modality,
    unit: modality === 'CT' ? 'HU' : '',
    windowPresets: [],
    invertDisplay: false,
    seriesInstanceUid: '',
    warnings: [],
  };
}
