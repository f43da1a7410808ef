import { checkMm, checkSpacing, squaredLimit } from './distance';
import { boundingBox, checkGrid, type LabelGrid } from './grid';
import { forEachRowRun } from './bytes';
import { growMask, shrinkMask, type WithinMethod } from './margin';

/** Where the wall of a hollowed mask lies relative to the original surface. */
export type HollowSide = 'inside' | 'centred' | 'outside';

export interface HollowOptions {
  /** Wall thickness in mm (> 0). */
  readonly thicknessMm: number;
  /** `'inside'` (default): the wall is inside the original surface, which keeps the outer size. */
  readonly side?: HollowSide;
  /** Write the shell here instead of a new array (the grid's size, not the input; cleared first). */
  readonly into?: Uint8Array;
  /** The distance engine (see margin.ts); both give the same shell. */
  readonly method?: WithinMethod;
}

/**
 * Turns a solid mask into a closed shell of `thicknessMm` (the Hollow effect), with the exact
 * distances of margin.ts (voxel centre to voxel centre, anisotropic spacing):
 *
 * - `'inside'`: mask voxels within t of the outside, i.e. mask − shrink(mask, t);
 * - `'outside'`: voxels outside the mask within t of it, i.e. grow(mask, t) − mask;
 * - `'centred'`: both at t/2, i.e. grow(mask, t/2) − shrink(mask, t/2).
 *
 * Along an axis with spacing s the wall is ⌊t / s⌋ voxels (inside or outside). The wall is
 * always closed: no cavity voxel touches the exterior even by a corner (26-neighbours), so where
 * t is less than a spacing (2 mm on 2.5 mm slices) the wall is one voxel there (outward for
 * `'outside'` and `'centred'`, inward for `'inside'`). For `'inside'` the space beyond the grid is
 * exterior, so a mask cut by the grid's edge gets a wall along the cut; for the other sides mask
 * voxels on the grid's faces join the wall. A mask thinner than the wall stays solid.
 */
export function hollowMask(mask: Uint8Array, grid: LabelGrid, options: HollowOptions): Uint8Array {
  checkGrid(mask, grid);
  checkSpacing(grid);
  const t = options?.thicknessMm;
  checkMm(t, 'thicknessMm');
  if (t === 0) throw new Error('thicknessMm must be greater than 0 mm');
  const side = options.side ?? 'inside';
  if (side !== 'inside' && side !== 'centred' && side !== 'outside') throw new Error(`side must be 'inside', 'centred' or 'outside', got ${String(side)}`);

  const inner = side === 'inside' ? t : side === 'centred' ? t / 2 : 0;
  const outer = side === 'outside' ? t : side === 'centred' ? t / 2 : 0;
  const { into, method } = options;
  // The wall is grown − shrunk: mask − shrink(mask, inner) inside, grow(mask, outer) − mask outside.
  let shell: Uint8Array;
  if (side === 'inside') {
    shell = shrinkMask(mask, grid, inner, { edge: 'outside', into, method });
    forEachRowRun(mask, grid.dimensions, (_j, _k, s, x) => {
      for (let v = s; v < x; v++) shell[v] ^= 1;
    });
  } else if (side === 'outside') {
    shell = growMask(mask, grid, outer, { into, method });
    forEachRowRun(mask, grid.dimensions, (_j, _k, s, x) => shell.fill(0, s, x));
  } else {
    shell = growMask(mask, grid, outer, { into, method });
    const core = shrinkMask(mask, grid, inner, { edge: 'outside', method });
    forEachRowRun(core, grid.dimensions, (_j, _k, s, x) => shell.fill(0, s, x));
  }
  // Corner neighbours are √(sx² + sy² + sz²) apart: a wall at least that thick is closed already.
  const [sx, sy, sz] = grid.spacingMm;
  const diagonal2 = sx * sx + sy * sy + sz * sz;
  if (side === 'inside') {
    if (squaredLimit(inner) < diagonal2) closeInward(mask, shell, grid);
  } else {
    closeOutward(mask, shell, grid, squaredLimit(outer) < diagonal2);
  }
  return shell;
}

const onFace = (i: number, j: number, k: number, [nx, ny, nz]: readonly number[]): boolean =>
  i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1;

/** Cavity voxels (mask, not wall) on the grid's faces or with a 26-neighbour outside the mask join the wall. */
function closeInward(mask: Uint8Array, shell: Uint8Array, grid: LabelGrid): void {
  const box = boundingBox(mask, grid);
  if (!box) return;
  const dims = grid.dimensions;
  const [nx] = dims;
  const nxy = dims[0] * dims[1];
  for (let k = box.min[2]; k < box.max[2]; k++)
    for (let j = box.min[1]; j < box.max[1]; j++) {
      const row = j * nx + k * nxy;
      for (let i = box.min[0]; i < box.max[0]; i++) {
        const v = row + i;
        if (mask[v] === 0 || shell[v] !== 0) continue;
        if (onFace(i, j, k, dims)) {
          shell[v] = 1;
          continue;
        }
        let touch = false;
        for (let dk = -nxy; dk <= nxy && !touch; dk += nxy)
          for (let dj = -nx; dj <= nx && !touch; dj += nx) {
            const w = v + dk + dj;
            if (mask[w - 1] === 0 || mask[w] === 0 || mask[w + 1] === 0) touch = true;
          }
        if (touch) shell[v] = 1;
      }
    }
}

/**
 * Cavity voxels (mask, not wall) on the grid's faces join the wall; when `around`, so does every
 * voxel outside the mask that is a 26-neighbour of the cavity.
 */
function closeOutward(mask: Uint8Array, shell: Uint8Array, grid: LabelGrid, around: boolean): void {
  const box = boundingBox(mask, grid);
  if (!box) return;
  const dims = grid.dimensions;
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const edge = box.min.some((m) => m === 0) || box.max[0] === nx || box.max[1] === ny || box.max[2] === nz;
  if (!around && !edge) return;
  for (let k = box.min[2]; k < box.max[2]; k++)
    for (let j = box.min[1]; j < box.max[1]; j++) {
      const row = j * nx + k * nxy;
      for (let i = box.min[0]; i < box.max[0]; i++) {
        const v = row + i;
        if (mask[v] === 0 || shell[v] !== 0) continue;
        if (onFace(i, j, k, dims)) shell[v] = 1;
        if (!around) continue;
        const a = Math.max(i - 1, 0);
        const b = Math.min(i + 1, nx - 1);
        for (let kk = Math.max(k - 1, 0); kk <= Math.min(k + 1, nz - 1); kk++)
          for (let jj = Math.max(j - 1, 0); jj <= Math.min(j + 1, ny - 1); jj++) {
            const r = jj * nx + kk * nxy;
            for (let ii = a; ii <= b; ii++) if (mask[r + ii] === 0) shell[r + ii] = 1;
          }
      }
    }
}
