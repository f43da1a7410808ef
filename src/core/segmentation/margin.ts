import { checkMm, checkSpacing, reachVoxels } from './distance';
import { withinDistance, type WithinOptions } from './within';
import { boundingBox, checkGrid, outputMask, type LabelGrid, type VoxelBox } from './grid';
import { stampCostRatio, stampWithin } from './stamp';

/**
 * Margins: grow or shrink a binary mask by a distance in millimetres, exactly (Euclidean
 * distance between voxel centres on the anisotropic grid, see distance.ts), not by counting
 * voxels. Inputs are never modified; results are new masks of 0/1 (any non-zero input voxel is
 * in the mask).
 */

/** How the grid's edge counts when shrinking. */
export type EdgeMode = 'outside' | 'ignore';

/**
 * Which exact engine computes the distances (both give the same voxels): `'auto'` (default)
 * estimates their costs from the mask's runs and box; tests and benchmarks pick one.
 */
export type WithinMethod = 'auto' | 'stamp' | 'envelope';

export interface MarginOptions {
  /** Write the result here instead of a new array (the grid's size, not the input; cleared first). */
  readonly into?: Uint8Array;
  readonly method?: WithinMethod;
}

export interface ShrinkOptions extends MarginOptions {
  /**
   * `'outside'` (default): the space beyond the grid is outside the mask, as for the mesh,
   * which closes a model at the grid's edge; a mask voxel on the edge is `s` mm from the outside
   * along that axis. `'ignore'`: only voxels of the grid count, so a mask cut by the grid's edge
   * is not eaten from there (used by opening and closing).
   */
  readonly edge?: EdgeMode;
}

/** A 0/1 copy of the mask, writing only where it is non-zero (fresh pages stay untouched). */
export function binaryCopy(mask: Uint8Array, into?: Uint8Array): Uint8Array {
  const out = into ?? new Uint8Array(mask.length);
  for (let v = 0; v < mask.length; v++) if (mask[v] !== 0) out[v] = 1;
  return out;
}


/** Runs the cheaper of the two exact engines (see stamp.ts) for a grow or a shrink. */
function within(mask: Uint8Array, grid: LabelGrid, rMm: number, options: WithinOptions, out: Uint8Array, combine: 'grow' | 'shrink', method: WithinMethod = 'auto'): void {
  if (method !== 'auto' && method !== 'stamp' && method !== 'envelope') throw new Error(`method must be 'auto', 'stamp' or 'envelope', got ${String(method)}`);
  let stamp = method === 'stamp';
  let box: VoxelBox | undefined;
  if (method === 'auto') {
    box = boundingBox(mask, grid);
    // An empty mask: nothing grows, nothing is left to shrink.
    if (!box) return;
    const pad = combine === 'grow' ? reachVoxels(grid, rMm) : [0, 0, 0];
    let voxels = 1;
    for (let a = 0; a < 3; a++) voxels *= Math.min(grid.dimensions[a], box.max[a] + pad[a]) - Math.max(0, box.min[a] - pad[a]);
    stamp = stampCostRatio(mask, grid, rMm, voxels) < 1;
  }
  if (stamp) stampWithin(mask, grid, rMm, options, out, combine);
  else withinDistance(mask, grid, rMm, options, out, combine, box);
}

/**
 * Grow by `mm`: the mask plus every voxel whose centre is within `mm` (≤, with a 1e-9 relative
 * tolerance) of the centre of a mask voxel. Growing by less than the smallest spacing changes
 * nothing. Growth stops at the grid's edge.
 */
export function growMask(mask: Uint8Array, grid: LabelGrid, mm: number, options: MarginOptions = {}): Uint8Array {
  checkGrid(mask, grid);
  checkSpacing(grid);
  checkMm(mm, 'grow distance');
  const out = outputMask(grid, options.into, true, mask);
  if (mm === 0) return binaryCopy(mask, out);
  within(mask, grid, mm, { sourceValue: 1, edgeIsSource: false }, out, 'grow', options.method);
  return out;
}

/**
 * Shrink by `mm`: removes every mask voxel whose centre is within `mm` (≤, same tolerance) of
 * the centre of a voxel outside the mask; keeps mask voxels farther than `mm` from the outside.
 * The outside includes the space beyond the grid unless `edge: 'ignore'`. Shrinking by less than
 * the smallest spacing changes nothing. Exactly the complement of growing the complement.
 */
export function shrinkMask(mask: Uint8Array, grid: LabelGrid, mm: number, options: ShrinkOptions = {}): Uint8Array {
  checkGrid(mask, grid);
  checkSpacing(grid);
  checkMm(mm, 'shrink distance');
  const edge = options.edge ?? 'outside';
  if (edge !== 'outside' && edge !== 'ignore') throw new Error(`edge must be 'outside' or 'ignore', got ${String(edge)}`);
  const out = outputMask(grid, options.into, true, mask);
  if (mm === 0) return binaryCopy(mask, out);
  within(mask, grid, mm, { sourceValue: 0, edgeIsSource: edge === 'outside' }, out, 'shrink', options.method);
  return out;
}

/** Grow by `mm` when positive, shrink by −`mm` when negative (the Margin effect). */
export function marginMask(mask: Uint8Array, grid: LabelGrid, mm: number, options: ShrinkOptions = {}): Uint8Array {
  if (typeof mm !== 'number' || !Number.isFinite(mm)) throw new Error(`margin must be a finite number of mm, got ${mm}`);
  return mm >= 0 ? growMask(mask, grid, mm, options) : shrinkMask(mask, grid, -mm, options);
}
