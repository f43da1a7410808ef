import type { Vec3 } from '../geometry/vec3';

/**
 * The lattice a mask or labelmap lives on: the volume's dimensions and voxel spacing. Masks and
 * labelmaps are `Uint8Array`s in the volume's layout, `index = i + j*nx + k*nx*ny`. A mask holds
 * 1 inside and 0 outside; a labelmap holds a segment number per voxel (0 = background).
 * Distances in effects are millimetres, converted per axis with `spacingMm` (grids are often
 * anisotropic: 0.5 × 0.5 × 2.5 mm CT is common).
 */
export interface LabelGrid {
  readonly dimensions: readonly [number, number, number];
  /** [between columns (i), between rows (j), between slices (k)] in mm. */
  readonly spacingMm: Vec3;
}

/**
 * Which neighbours are connected: 6 = voxels sharing a face, 26 = sharing a face, an edge or a
 * corner. Effects that find pieces state which one they used.
 */
export type Connectivity = 6 | 26;

/** An axis-aligned box of voxel indices, inclusive lower and exclusive upper bounds. */
export interface VoxelBox {
  readonly min: readonly [number, number, number];
  readonly max: readonly [number, number, number];
}

export const gridVoxels = (g: Pick<LabelGrid, 'dimensions'>): number => g.dimensions[0] * g.dimensions[1] * g.dimensions[2];

/** Volume of one voxel in mm³. */
export const voxelVolumeMm3 = (g: Pick<LabelGrid, 'spacingMm'>): number => g.spacingMm[0] * g.spacingMm[1] * g.spacingMm[2];

/** Throws when an array does not match the grid (a wrong size would silently corrupt results). */
export function checkGrid(array: ArrayLike<number>, g: Pick<LabelGrid, 'dimensions'>, what = 'mask'): void {
  const n = gridVoxels(g);
  if (array.length !== n) throw new Error(`${what} has ${array.length} voxels, the grid ${g.dimensions.join('×')} = ${n}`);
}

/** The smallest box holding every non-zero voxel (every voxel equal to `label` when given); undefined when none. */
export function boundingBox(labels: Uint8Array, g: Pick<LabelGrid, 'dimensions'>, label?: number): VoxelBox | undefined {
  const [nx, ny, nz] = g.dimensions;
  let x0 = nx;
  let y0 = ny;
  let z0 = nz;
  let x1 = -1;
  let y1 = -1;
  let z1 = -1;
  const any = label === undefined;
  const want = label ?? 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = j * nx + k * nx * ny;
      // The row's first and last voxel that counts (one comparison per voxel up to them).
      let i = 0;
      if (any) while (i < nx && labels[row + i] === 0) i++;
      else while (i < nx && labels[row + i] !== want) i++;
      if (i === nx) continue;
      let e = nx - 1;
      if (any) while (labels[row + e] === 0) e--;
      else while (labels[row + e] !== want) e--;
      if (i < x0) x0 = i;
      if (e > x1) x1 = e;
      if (j < y0) y0 = j;
      if (j > y1) y1 = j;
      if (k < z0) z0 = k;
      z1 = k;
    }
  }
  if (x1 < 0) return undefined;
  return { min: [x0, y0, z0], max: [x1 + 1, y1 + 1, z1 + 1] };
}
