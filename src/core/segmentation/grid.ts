import type { Vec3 } from '../geometry/vec3';
import { byteRepeat, nextEqual, nextNonZero, prevEqual, prevNonZero, wordsOf } from './bytes';

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
  const { words, wb } = wordsOf(labels);
  const any = label === undefined;
  const want = label ?? 0;
  const rep = byteRepeat(want);
  let x0 = nx;
  let y0 = ny;
  let z0 = nz;
  let x1 = -1;
  let y1 = -1;
  let z1 = -1;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = j * nx + k * nx * ny;
      const stop = row + nx;
      // The row's first voxel that counts, then its last one, but only beyond x1 (whole words
      // that cannot hold it are skipped both ways).
      const a = any ? nextNonZero(labels, words, wb, row, stop) : nextEqual(labels, words, wb, row, stop, want, rep);
      if (a === stop) continue;
      if (a - row < x0) x0 = a - row;
      const from = Math.max(a, row + x1 + 1);
      const b = any ? prevNonZero(labels, words, wb, stop - 1, from) : prevEqual(labels, words, wb, stop - 1, from, want, rep);
      if (b >= from && b - row > x1) x1 = b - row;
      if (j < y0) y0 = j;
      if (j > y1) y1 = j;
      if (k < z0) z0 = k;
      z1 = k;
    }
  }
  if (x1 < 0) return undefined;
  return { min: [x0, y0, z0], max: [x1 + 1, y1 + 1, z1 + 1] };
}

/**
 * An effect's output: `into` (checked against the grid, then cleared when `clear`) or a new
 * zeroed array. Effects take an optional `into` because fresh memory costs ~3–5 ms/MB the first
 * time it is written on these machines (~0.4 s for a 512 × 512 × 400 mask); a reused one only
 * its clearing. Pass the `input` of an effect that cannot work in place: sharing memory with it
 * is refused.
 */
export function outputMask(grid: Pick<LabelGrid, 'dimensions'>, into: Uint8Array | undefined, clear: boolean, input?: Uint8Array): Uint8Array {
  if (!into) return new Uint8Array(gridVoxels(grid));
  checkGrid(into, grid, 'output mask');
  if (input && into.buffer === input.buffer && into.byteOffset < input.byteOffset + input.length && input.byteOffset < into.byteOffset + into.length)
    throw new Error('this effect cannot write its result over its input');
  if (clear) into.fill(0);
  return into;
}

/** `box` grown by `r[a]` voxels along each axis a, clipped to the grid (lo inclusive, hi exclusive). */
export const padBox = (box: VoxelBox, r: readonly number[], grid: Pick<LabelGrid, 'dimensions'>): { lo: number[]; hi: number[] } => ({
  lo: [0, 1, 2].map((a) => Math.max(0, box.min[a] - r[a])),
  hi: [0, 1, 2].map((a) => Math.min(grid.dimensions[a], box.max[a] + r[a])),
});
