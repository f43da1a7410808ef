/**
 * NIfTI-1 / NIfTI-2 header layout and the affine arithmetic shared by the reader and the writer.
 *
 * NIfTI world coordinates are RAS+ (x increases toward the patient's right, y anterior, z
 * superior); DICOM patient coordinates are LPS+. RAS = diag(-1, -1, 1) · LPS.
 */
import type { Vec3 } from '../geometry/vec3';

export const NIFTI1_HEADER_SIZE = 348;
export const NIFTI2_HEADER_SIZE = 540;
/** Header + the 4 "extension" bytes of a single-file .nii. */
export const NIFTI1_VOX_OFFSET = 352;

/** Byte offsets of the NIfTI-1 header fields (nifti1.h). */
export const N1 = {
  sizeofHdr: 0,
  regular: 38,
  dimInfo: 39,
  dim: 40, // int16[8]
  intentCode: 68,
  datatype: 70,
  bitpix: 72,
  sliceStart: 74,
  pixdim: 76, // float32[8]
  voxOffset: 108,
  sclSlope: 112,
  sclInter: 116,
  sliceEnd: 120,
  sliceCode: 122,
  xyztUnits: 123,
  calMax: 124,
  calMin: 128,
  descrip: 148, // char[80]
  auxFile: 228,
  qformCode: 252,
  sformCode: 254,
  quatern: 256, // b, c, d, qoffset x, y, z: float32[6]
  srow: 280, // srow_x, srow_y, srow_z: float32[4] each
  intentName: 328,
  magic: 344,
} as const;

/** Byte offsets of the NIfTI-2 header fields (nifti2.h). */
export const N2 = {
  sizeofHdr: 0,
  magic: 4, // char[8]
  datatype: 12,
  bitpix: 14,
  dim: 16, // int64[8]
  pixdim: 104, // float64[8]
  voxOffset: 168, // int64
  sclSlope: 176,
  sclInter: 184,
  calMax: 192,
  calMin: 200,
  descrip: 240,
  qformCode: 344, // int32
  sformCode: 348,
  quatern: 352, // float64[6]
  srow: 400, // float64[4] × 3
  xyztUnits: 500,
} as const;

export const DT = {
  UINT8: 2,
  INT16: 4,
  INT32: 8,
  FLOAT32: 16,
  FLOAT64: 64,
  INT8: 256,
  UINT16: 512,
  UINT32: 768,
} as const;

/** Bytes per voxel of the datatypes the reader accepts. */
export const DATATYPE_BYTES: ReadonlyMap<number, number> = new Map([
  [DT.UINT8, 1],
  [DT.INT8, 1],
  [DT.INT16, 2],
  [DT.UINT16, 2],
  [DT.INT32, 4],
  [DT.UINT32, 4],
  [DT.FLOAT32, 4],
  [DT.FLOAT64, 8],
]);

export const DATATYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'binary'],
  [32, 'complex64'],
  [128, 'rgb24'],
  [1024, 'int64'],
  [1280, 'uint64'],
  [1536, 'float128'],
  [1792, 'complex128'],
  [2048, 'complex256'],
  [2304, 'rgba32'],
]);

/** NIFTI_XFORM_SCANNER_ANAT */
export const XFORM_SCANNER_ANAT = 1;
/** NIFTI_UNITS_MM */
export const UNITS_MM = 2;

/** Row-major 3×3 matrix: m[r][c]. */
export type Mat3 = readonly [Vec3, Vec3, Vec3];

/** A voxel → world affine: world = linear · (i, j, k) + translation. */
export interface Affine {
  /** Row-major; column a is the world step of one voxel along axis a. */
  readonly linear: Mat3;
  readonly translation: Vec3;
}

/** LPS ↔ RAS: negate x and y (the map is its own inverse). `0 - x` keeps zeros positive. */
export const flipXY = (v: Vec3): Vec3 => [0 - v[0], 0 - v[1], v[2]];

export const column = (m: Mat3, c: number): Vec3 => [m[0][c], m[1][c], m[2][c]];

export const fromColumns = (a: Vec3, b: Vec3, c: Vec3): Mat3 => [
  [a[0], b[0], c[0]],
  [a[1], b[1], c[1]],
  [a[2], b[2], c[2]],
];

export const det3 = (m: Mat3): number =>
  m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
  m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
  m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);

const transpose = (m: Mat3): Mat3 => fromColumns(m[0], m[1], m[2]);

function inverse3(m: Mat3): Mat3 {
  const d = det3(m);
  const [[a, b, c], [e, f, g], [h, i, j]] = m;
  return [
    [(f * j - g * i) / d, (c * i - b * j) / d, (b * g - c * f) / d],
    [(g * h - e * j) / d, (a * j - c * h) / d, (c * e - a * g) / d],
    [(e * i - f * h) / d, (b * h - a * i) / d, (a * f - b * e) / d],
  ];
}

const frobenius = (m: Mat3): number => Math.hypot(...m[0], ...m[1], ...m[2]);

/**
 * The orthogonal matrix nearest to `m` (polar decomposition by the scaled Newton iteration
 * X ← (γX + X⁻ᵀ/γ)/2, as nifti1_io's nifti_mat33_polar).
 */
export function nearestOrthogonal(m: Mat3): Mat3 {
  let x = m;
  for (let it = 0; it < 100; it++) {
    const inv = inverse3(x);
    const gamma = Math.sqrt(frobenius(inv) / frobenius(x));
    const invT = transpose(inv);
    const next = x.map((row, r) => row.map((v, c) => 0.5 * (gamma * v + invT[r][c] / gamma))) as unknown as Mat3;
    let delta = 0;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) delta = Math.max(delta, Math.abs(next[r][c] - x[r][c]));
    x = next;
    if (delta < 1e-14) break;
  }
  return x;
}

export interface Quatern {
  /** Quaternion b, c, d (a = sqrt(1 - b² - c² - d²) ≥ 0). */
  readonly b: number;
  readonly c: number;
  readonly d: number;
  /** ±1: −1 when the rotation's third column was negated to make det = +1. */
  readonly qfac: 1 | -1;
}

/**
 * Quaternion of the rotation part of `linear` (columns are normalised, then the nearest
 * orthogonal matrix is taken; det < 0 is handled by negating the third column and qfac = −1),
 * following nifti1_io's nifti_mat44_to_quatern.
 */
export function matrixToQuatern(linear: Mat3): Quatern {
  const cols = [0, 1, 2].map((a) => {
    const v = column(linear, a);
    const n = Math.hypot(v[0], v[1], v[2]) || 1;
    return [v[0] / n, v[1] / n, v[2] / n] as Vec3;
  });
  let r = nearestOrthogonal(fromColumns(cols[0], cols[1], cols[2]));
  let qfac: 1 | -1 = 1;
  if (det3(r) < 0) {
    qfac = -1;
    r = fromColumns(column(r, 0), column(r, 1), flipSign(column(r, 2)));
  }
  return { ...rotationToQuaternion(r), qfac };
}

const flipSign = (v: Vec3): Vec3 => [-v[0], -v[1], -v[2]];

function rotationToQuaternion(r: Mat3): { b: number; c: number; d: number } {
  const [[r11, r12, r13], [r21, r22, r23], [r31, r32, r33]] = r;
  let a = r11 + r22 + r33 + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b, c, d };
}

/**
 * Rotation matrix of quaternion (b, c, d) as nifti1_io's nifti_quatern_to_mat44 (including its
 * renormalisation when b² + c² + d² > 1), without qfac or voxel sizes.
 */
export function quaternToRotation(b: number, c: number, d: number): Mat3 {
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    a = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= a;
    c *= a;
    d *= a;
    a = 0;
  } else a = Math.sqrt(a);
  return [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
}
