import { checkMm, checkSpacing, reachVoxels } from './distance';
import { boundingBox, checkGrid, outputMask, type LabelGrid } from './grid';
import { growMask, shrinkMask } from './margin';

/**
 * Opening by `radiusMm`: shrink then grow by the same radius (exact, see margin.ts). Removes
 * every part that no ball of that radius fits in: specks, spurs and bridges at most 2r thick
 * (a bridge w voxels wide along an axis of spacing s goes when w·s ≤ 2r). The result is a subset
 * of the mask; the grid's edge does not count as outside.
 */
export function openMask(mask: Uint8Array, grid: LabelGrid, radiusMm: number, buffers: MorphologyBuffers = {}): Uint8Array {
  checkMm(radiusMm, 'opening radius');
  const { into, temp } = buffers;
  return growMask(shrinkMask(mask, grid, radiusMm, { edge: 'ignore', into: temp }), grid, radiusMm, { into });
}

/** Where opening and closing write (see `outputMask`): the result and the intermediate mask. */
export interface MorphologyBuffers {
  readonly into?: Uint8Array;
  readonly temp?: Uint8Array;
}

/**
 * Closing by `radiusMm`: grow then shrink by the same radius (exact). Fills gaps, cracks and
 * holes that a ball of that radius cannot enter (gaps up to about 2r). The result contains the
 * mask. The grid's edge adds nothing: the closing is computed as if the grid went on (a "safe
 * border", padding the grid where the mask comes within 2r of its edge), so a mask near the edge
 * is not joined to it.
 */
export function closeMask(mask: Uint8Array, grid: LabelGrid, radiusMm: number, buffers: MorphologyBuffers = {}): Uint8Array {
  const { into, temp } = buffers;
  checkGrid(mask, grid);
  checkSpacing(grid);
  checkMm(radiusMm, 'closing radius');
  const box = boundingBox(mask, grid);
  if (!box || radiusMm === 0) return growMask(mask, grid, 0, { into });
  const R = reachVoxels(grid, radiusMm);
  const n = grid.dimensions;
  const padLo = [0, 1, 2].map((a) => Math.max(0, 2 * R[a] + 1 - box.min[a]));
  const padHi = [0, 1, 2].map((a) => Math.max(0, 2 * R[a] + 1 - (n[a] - box.max[a])));
  if (padLo.every((p) => p === 0) && padHi.every((p) => p === 0)) return shrinkMask(growMask(mask, grid, radiusMm, { into: temp }), grid, radiusMm, { into });
  const dims = [0, 1, 2].map((a) => n[a] + padLo[a] + padHi[a]) as [number, number, number];
  const big: LabelGrid = { dimensions: dims, spacingMm: grid.spacingMm };
  const padded = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const at = (i: number, j: number, k: number): number => i + padLo[0] + (j + padLo[1]) * dims[0] + (k + padLo[2]) * dims[0] * dims[1];
  for (let k = 0; k < n[2]; k++) for (let j = 0; j < n[1]; j++) padded.set(mask.subarray(j * n[0] + k * n[0] * n[1], (j + 1) * n[0] + k * n[0] * n[1]), at(0, j, k));
  const closed = shrinkMask(growMask(padded, big, radiusMm), big, radiusMm);
  const out = outputMask(grid, into, true, mask);
  for (let k = 0; k < n[2]; k++) for (let j = 0; j < n[1]; j++) out.set(closed.subarray(at(0, j, k), at(0, j, k) + n[0]), j * n[0] + k * n[0] * n[1]);
  return out;
}
