import { checkMm, checkSpacing, nonZeroBox } from './distance';
import { checkGrid, type LabelGrid } from './grid';
import { binaryCopy, growMask, shrinkMask } from './margin';

/** Where the wall of a hollowed mask lies relative to the original surface. */
export type HollowSide = 'inside' | 'centred' | 'outside';

export interface HollowOptions {
  /** Wall thickness in mm (> 0). */
  readonly thicknessMm: number;
  /** `'inside'` (default): the wall is inside the original surface, which keeps the outer size. */
  readonly side?: HollowSide;
}

/**
 * Turns a solid mask into a closed shell of `thicknessMm` (the Hollow effect), built from the
 * exact margins of margin.ts:
 *
 * - `'inside'`: mask voxels within t of the outside, i.e. mask − shrink(mask, t);
 * - `'outside'`: grow(mask, t) − mask;
 * - `'centred'`: grow(mask, t/2) − shrink(mask, t/2).
 *
 * Distances are voxel centre to voxel centre, so along an axis with spacing s the wall is
 * ⌊t / s⌋ voxels (for inside and outside). The wall is always closed: no cavity voxel touches the
 * exterior even by a corner (26-neighbours), so where t is less than a spacing (2 mm on 2.5 mm
 * slices) the wall is one voxel there. For `'inside'` the space beyond the grid is exterior, so
 * a mask cut by the grid's edge gets a wall along the cut; for `'outside'` and `'centred'` the
 * cavity never reaches the grid's edge either. A mask thinner than the wall stays solid.
 */
export function hollowMask(mask: Uint8Array, grid: LabelGrid, options: HollowOptions): Uint8Array {
  checkGrid(mask, grid);
  checkSpacing(grid);
  const t = options?.thicknessMm;
  checkMm(t, 'thicknessMm');
  if (t === 0) throw new Error('thicknessMm must be greater than 0 mm');
  const side = options.side ?? 'inside';
  if (side !== 'inside' && side !== 'centred' && side !== 'outside') throw new Error(`side must be 'inside', 'centred' or 'outside', got ${String(side)}`);

  let outer: Uint8Array;
  let cavity: Uint8Array;
  if (side === 'inside') {
    outer = binaryCopy(mask);
    cavity = shrinkMask(mask, grid, t);
    // Cavity voxels with a 26-neighbour outside `outer` (or beyond the grid) join the wall.
    removeTouching(cavity, outer, grid);
  } else {
    const half = side === 'outside' ? 0 : t / 2;
    outer = growMask(mask, grid, side === 'outside' ? t : half);
    cavity = half === 0 ? binaryCopy(mask) : shrinkMask(mask, grid, half);
    // The wall covers every 26-neighbour of the cavity; cavity voxels on the grid's faces join it.
    extendAround(cavity, outer, grid);
  }
  for (let v = 0; v < outer.length; v++) if (cavity[v] !== 0) outer[v] = 0;
  return outer;
}

/** Clears cavity voxels on the grid's faces or with a 26-neighbour where `outer` is 0. */
function removeTouching(cavity: Uint8Array, outer: Uint8Array, grid: LabelGrid): void {
  const box = nonZeroBox(cavity, grid);
  if (!box) return;
  const [nx, ny, nz] = grid.dimensions;
  const nxy = nx * ny;
  const [x0, y0, z0] = box.min;
  const [x1, y1, z1] = box.max;
  for (let k = z0; k < z1; k++) {
    for (let j = y0; j < y1; j++) {
      const row = j * nx + k * nxy;
      for (let i = x0; i < x1; i++) {
        const v = row + i;
        if (cavity[v] === 0) continue;
        if (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1) {
          cavity[v] = 0;
          continue;
        }
        let touch = false;
        for (let dk = -nxy; dk <= nxy && !touch; dk += nxy)
          for (let dj = -nx; dj <= nx && !touch; dj += nx) {
            const w = v + dk + dj;
            if (outer[w - 1] === 0 || outer[w] === 0 || outer[w + 1] === 0) touch = true;
          }
        if (touch) cavity[v] = 0;
      }
    }
  }
}

/** Sets `outer` on every 26-neighbour of the cavity and clears cavity voxels on the grid's faces. */
function extendAround(cavity: Uint8Array, outer: Uint8Array, grid: LabelGrid): void {
  const box = nonZeroBox(cavity, grid);
  if (!box) return;
  const [nx, ny, nz] = grid.dimensions;
  const nxy = nx * ny;
  const [x0, y0, z0] = box.min;
  const [x1, y1, z1] = box.max;
  for (let k = z0; k < z1; k++) {
    for (let j = y0; j < y1; j++) {
      const row = j * nx + k * nxy;
      for (let i = x0; i < x1; i++) {
        const v = row + i;
        if (cavity[v] === 0) continue;
        const a = Math.max(i - 1, 0);
        const b = Math.min(i + 1, nx - 1);
        for (let kk = Math.max(k - 1, 0); kk <= Math.min(k + 1, nz - 1); kk++)
          for (let jj = Math.max(j - 1, 0); jj <= Math.min(j + 1, ny - 1); jj++) {
            const r = jj * nx + kk * nxy;
            for (let ii = a; ii <= b; ii++) if (outer[r + ii] === 0) outer[r + ii] = 1;
          }
        if (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1) cavity[v] = 0;
      }
    }
  }
}
