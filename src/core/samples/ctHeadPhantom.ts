/**
 * A synthetic CT head phantom with exactly known geometry (pure: no I/O).
 *
 * Analytic description (LPS millimetres, all shapes axis-aligned in patient space, centred on
 * `CT_HEAD_PHANTOM.centerLps`):
 * - skull: ellipsoidal shell, outer semi-axes 80 (L) × 95 (P) × 70 (S), 6 mm thick (inner
 *   semi-axes 74 × 89 × 64), 1000 HU;
 * - brain: inside the inner ellipsoid, 40 HU;
 * - inserts in the brain: a sphere (Ø 20 mm, 300 HU), a cylinder along S (Ø 12 mm, 30 mm
 *   long, 700 HU) and a cube (10 mm, −100 HU);
 * - air elsewhere, −1000 HU.
 *
 * The voxel grid is deliberately awkward: non-square (256 columns × 236 rows × 120 slices),
 * anisotropic (0.8 mm between columns, 0.9 mm between rows, 1.5 mm between slices) and oblique
 * (rotated 5° about S and then 3° about L), with the phantom slightly off the grid centre.
 *
 * Voxelization samples `ctHeadPhantomHuAtLps` at each voxel centre (no partial volume), so a
 * threshold count × voxel volume converges to the analytic volumes in `ctHeadPhantomVolumesMm3`.
 */
import { type Vec3, add, addScaled, cross, scale } from '../geometry/vec3';
import type { VolumeGeometry } from '../volume/volume';

/** Bump when the phantom or its DICOM rendering changes (the sample generator checks it). */
export const CT_HEAD_PHANTOM_VERSION = 1;

export const HU = {
  air: -1000,
  bone: 1000,
  brain: 40,
  sphere: 300,
  cylinder: 700,
  cube: -100,
} as const;

export interface CtHeadPhantomDescription {
  readonly centerLps: Vec3;
  /** Outer semi-axes of the skull along L, P, S (mm). */
  readonly skullOuterSemiAxesMm: Vec3;
  readonly skullThicknessMm: number;
  readonly sphere: { readonly centerLps: Vec3; readonly radiusMm: number; readonly hu: number };
  /** Axis along S (LPS z). */
  readonly cylinder: { readonly centerLps: Vec3; readonly radiusMm: number; readonly lengthMm: number; readonly hu: number };
  /** Axis-aligned in LPS. */
  readonly cube: { readonly centerLps: Vec3; readonly sideMm: number; readonly hu: number };
  /** Grid rotation: degrees about S (applied first), then about L. */
  readonly rotationDeg: { readonly aboutS: number; readonly aboutL: number };
}

const C: Vec3 = [2.5, -18, 41];

export const CT_HEAD_PHANTOM: CtHeadPhantomDescription = {
  centerLps: C,
  skullOuterSemiAxesMm: [80, 95, 70],
  skullThicknessMm: 6,
  sphere: { centerLps: add(C, [-30, 10, 15]), radiusMm: 10, hu: HU.sphere },
  cylinder: { centerLps: add(C, [25, -20, 0]), radiusMm: 6, lengthMm: 30, hu: HU.cylinder },
  cube: { centerLps: add(C, [0, 35, -20]), sideMm: 10, hu: HU.cube },
  rotationDeg: { aboutS: 5, aboutL: 3 },
};

const innerSemiAxes = (d: CtHeadPhantomDescription): Vec3 => {
  const t = d.skullThicknessMm;
  const [a, b, c] = d.skullOuterSemiAxesMm;
  return [a - t, b - t, c - t];
};

/** Ground-truth HU at an LPS point. */
export function ctHeadPhantomHuAtLps(p: Vec3, d: CtHeadPhantomDescription = CT_HEAD_PHANTOM): number {
  const [cx, cy, cz] = d.centerLps;
  const x = p[0] - cx;
  const y = p[1] - cy;
  const z = p[2] - cz;
  const [a, b, c] = d.skullOuterSemiAxesMm;
  if ((x / a) ** 2 + (y / b) ** 2 + (z / c) ** 2 > 1) return HU.air;
  const [ai, bi, ci] = innerSemiAxes(d);
  if ((x / ai) ** 2 + (y / bi) ** 2 + (z / ci) ** 2 > 1) return HU.bone;
  const s = d.sphere;
  if ((p[0] - s.centerLps[0]) ** 2 + (p[1] - s.centerLps[1]) ** 2 + (p[2] - s.centerLps[2]) ** 2 <= s.radiusMm ** 2) return s.hu;
  const cy_ = d.cylinder;
  if (
    Math.abs(p[2] - cy_.centerLps[2]) <= cy_.lengthMm / 2 &&
    (p[0] - cy_.centerLps[0]) ** 2 + (p[1] - cy_.centerLps[1]) ** 2 <= cy_.radiusMm ** 2
  ) {
    return cy_.hu;
  }
  const q = d.cube;
  const h = q.sideMm / 2;
  if (Math.abs(p[0] - q.centerLps[0]) <= h && Math.abs(p[1] - q.centerLps[1]) <= h && Math.abs(p[2] - q.centerLps[2]) <= h) return q.hu;
  return HU.brain;
}

export interface CtHeadPhantomVolumes {
  /** Outer ellipsoid (whole head). */
  readonly headMm3: number;
  /** Shell between the outer and inner ellipsoids. */
  readonly skullMm3: number;
  /** Inner ellipsoid minus the inserts. */
  readonly brainMm3: number;
  readonly sphereMm3: number;
  readonly cylinderMm3: number;
  readonly cubeMm3: number;
  /** Everything ≥ 300 HU: skull + sphere + cylinder. */
  readonly above300HuMm3: number;
}

/** Analytic volumes (mm³) of each structure. */
export function ctHeadPhantomVolumes(d: CtHeadPhantomDescription = CT_HEAD_PHANTOM): CtHeadPhantomVolumes {
  const ell = (s: Vec3): number => (4 / 3) * Math.PI * s[0] * s[1] * s[2];
  const head = ell(d.skullOuterSemiAxesMm);
  const inner = ell(innerSemiAxes(d));
  const sphere = (4 / 3) * Math.PI * d.sphere.radiusMm ** 3;
  const cylinder = Math.PI * d.cylinder.radiusMm ** 2 * d.cylinder.lengthMm;
  const cube = d.cube.sideMm ** 3;
  return {
    headMm3: head,
    skullMm3: head - inner,
    brainMm3: inner - sphere - cylinder - cube,
    sphereMm3: sphere,
    cylinderMm3: cylinder,
    cubeMm3: cube,
    above300HuMm3: head - inner + sphere + cylinder,
  };
}

export const ctHeadPhantomVolumesMm3: CtHeadPhantomVolumes = ctHeadPhantomVolumes();

const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Rotation of the LPS axes: first `aboutS` degrees about z, then `aboutL` degrees about x. */
function rotate(v: Vec3, d: CtHeadPhantomDescription): Vec3 {
  const a = rad(d.rotationDeg.aboutS);
  const b = rad(d.rotationDeg.aboutL);
  const x1 = Math.cos(a) * v[0] - Math.sin(a) * v[1];
  const y1 = Math.sin(a) * v[0] + Math.cos(a) * v[1];
  const z1 = v[2];
  return [x1, Math.cos(b) * y1 - Math.sin(b) * z1, Math.sin(b) * y1 + Math.cos(b) * z1];
}

/** Grid centre offset from the phantom centre (so nothing is symmetric about the grid). */
const GRID_CENTER_OFFSET: Vec3 = [1.3, -2.1, 0.7];

/** The phantom's voxel grid (also the geometry of its DICOM rendering). */
export function ctHeadPhantomGeometry(d: CtHeadPhantomDescription = CT_HEAD_PHANTOM): VolumeGeometry {
  const dimensions: [number, number, number] = [256, 236, 120];
  const spacingMm: Vec3 = [0.8, 0.9, 1.5];
  const row = rotate([1, 0, 0], d);
  const col = rotate([0, 1, 0], d);
  const slice = cross(row, col);
  const center = add(d.centerLps, GRID_CENTER_OFFSET);
  let origin = center;
  origin = addScaled(origin, row, (-(dimensions[0] - 1) / 2) * spacingMm[0]);
  origin = addScaled(origin, col, (-(dimensions[1] - 1) / 2) * spacingMm[1]);
  origin = addScaled(origin, slice, (-(dimensions[2] - 1) / 2) * spacingMm[2]);
  return { dimensions, spacingMm, originLps: origin, directionLps: [row, col, slice] };
}

export const CT_HEAD_PHANTOM_GEOMETRY: VolumeGeometry = ctHeadPhantomGeometry();

/**
 * HU of every voxel (index i + j·nx + k·nx·ny), sampled at voxel centres. Optionally only
 * slices [kStart, kEnd) (the array then holds just those slices).
 */
export function voxelizeCtHeadPhantom(
  g: VolumeGeometry = CT_HEAD_PHANTOM_GEOMETRY,
  d: CtHeadPhantomDescription = CT_HEAD_PHANTOM,
  kStart = 0,
  kEnd = g.dimensions[2],
): Int16Array {
  const [nx, ny] = g.dimensions;
  const [r, c, s] = g.directionLps;
  const out = new Int16Array(nx * ny * (kEnd - kStart));
  const dr = scale(r, g.spacingMm[0]);
  const dc = scale(c, g.spacingMm[1]);
  let o = 0;
  for (let k = kStart; k < kEnd; k++) {
    const sliceOrigin = addScaled(g.originLps, s, k * g.spacingMm[2]);
    for (let j = 0; j < ny; j++) {
      const rowOrigin = addScaled(sliceOrigin, dc, j);
      for (let i = 0; i < nx; i++) {
        out[o++] = ctHeadPhantomHuAtLps([rowOrigin[0] + i * dr[0], rowOrigin[1] + i * dr[1], rowOrigin[2] + i * dr[2]], d);
      }
    }
  }
  return out;
}
