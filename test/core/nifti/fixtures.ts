import type { Vec3 } from '../../../src/core/geometry/vec3';
import type { Volume, VoxelArray } from '../../../src/core/volume/volume';
import { ijkToLps } from '../../../src/core/volume/volume';

const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Rz(a)·Rx(b)·Ry(c) applied to a vector. */
function rotate(v: Vec3, a: number, b: number, c: number): Vec3 {
  const [x0, y0, z0] = v;
  // Ry(c)
  const x1 = Math.cos(c) * x0 + Math.sin(c) * z0;
  const z1 = -Math.sin(c) * x0 + Math.cos(c) * z0;
  // Rx(b)
  const y2 = Math.cos(b) * y0 - Math.sin(b) * z1;
  const z2 = Math.sin(b) * y0 + Math.cos(b) * z1;
  // Rz(a)
  return [Math.cos(a) * x1 - Math.sin(a) * y2, Math.sin(a) * x1 + Math.cos(a) * y2, z2];
}

export interface ObliqueOptions {
  /** Negate the slice direction so the direction matrix has det −1 (NIfTI qfac −1). */
  readonly leftHanded?: boolean;
  readonly float?: boolean;
}

/** A 7×5×3 asymmetric, oblique, anisotropic test volume. */
export function obliqueVolume(opts: ObliqueOptions = {}): Volume {
  const dimensions = [7, 5, 3] as const;
  const [a, b, c] = [rad(25), rad(-15), rad(10)];
  const row = rotate([1, 0, 0], a, b, c);
  const col = rotate([0, 1, 0], a, b, c);
  const slice = rotate([0, 0, opts.leftHanded ? -1 : 1], a, b, c);
  const n = dimensions[0] * dimensions[1] * dimensions[2];
  const voxels: VoxelArray = opts.float ? new Float32Array(n) : new Int16Array(n);
  let idx = 0;
  for (let k = 0; k < dimensions[2]; k++)
    for (let j = 0; j < dimensions[1]; j++)
      for (let i = 0; i < dimensions[0]; i++, idx++) {
        const base = i + 10 * j + 100 * k - 123 + (i === 6 && j === 0 && k === 0 ? 31000 : 0);
        voxels[idx] = opts.float ? base * 0.25 + 0.1 : base;
      }
  return {
    dimensions,
    spacingMm: [0.7, 1.3, 2.9],
    originLps: [-12.5, 33.25, 101.75],
    directionLps: [row, col, slice],
    voxels,
    modality: 'CT',
    unit: 'HU',
    windowPresets: [],
    invertDisplay: false,
    seriesInstanceUid: '1.2.3',
    warnings: [],
  };
}

/** LPS → RAS */
export const toRas = (p: Vec3): Vec3 => [-p[0], -p[1], p[2]];

/**
 * The voxel → RAS affine computed independently of the writer: from voxel centre positions.
 * Returns rows [r0, r1, r2] of a 3×4 matrix.
 */
export function rasAffineFromPositions(v: Volume): number[][] {
  const o = toRas(ijkToLps(v, [0, 0, 0]));
  const cols = ([[1, 0, 0], [0, 1, 0], [0, 0, 1]] as Vec3[]).map((e) => {
    const p = toRas(ijkToLps(v, e));
    return [p[0] - o[0], p[1] - o[1], p[2] - o[2]];
  });
  return [0, 1, 2].map((r) => [cols[0][r], cols[1][r], cols[2][r], o[r]]);
}

export const corners = (v: Volume): Vec3[] => {
  const [nx, ny, nz] = v.dimensions;
  const out: Vec3[] = [];
  for (const k of [0, nz - 1]) for (const j of [0, ny - 1]) for (const i of [0, nx - 1]) out.push([i, j, k]);
  return out;
};
