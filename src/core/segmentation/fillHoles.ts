import type { Connectivity, LabelGrid } from './grid';
import { checkGrid } from './grid';
import type { RowLayout } from './islands';
import { outputMask } from './grid';
import { RunLabeller, gridRows, paintRuns } from './islands';

/**
 * Hole filling: background that cannot reach the border of the grid (3D) or of its slice (2D)
 * becomes inside.
 *
 * Connectivity is the object's; the background uses the complementary one, so that an object
 * wall and the background can never cross each other: with a 6-connected object the background
 * is 26-connected (a cavity that touches the outside through an edge or corner gap is not
 * closed, and is not filled); with a 26-connected object the background is 6-connected (walls
 * closed only diagonally still hold). In a plane: object 4 ↔ background 8, object 8 ↔
 * background 4.
 *
 * Masks: `Uint8Array`, non-zero = inside, layout `i + j*nx + k*nx*ny`. Both functions return a
 * new mask (a copy of the input with the holes set to 1) and never mutate their input, unless
 * given `into` (which may be the input itself, for an in-place fill without fresh memory).
 * Algorithm: union–find over runs of background (see islands.ts), components touching the
 * border kept, the rest painted.
 */

function copyInto(mask: Uint8Array, grid: LabelGrid, into: Uint8Array | undefined): Uint8Array {
  if (!into) return mask.slice();
  const out = outputMask(grid, into, false);
  if (out !== mask) out.set(mask);
  return out;
}

/** Fills the 3D cavities of `mask`: background components that do not touch the grid border. */
export function fillCavities(mask: Uint8Array, grid: LabelGrid, connectivity: Connectivity = 6, into?: Uint8Array): Uint8Array {
  checkGrid(mask, grid);
  if (connectivity !== 6 && connectivity !== 26) throw new Error(`connectivity must be 6 or 26, got ${connectivity}`);
  const layout = gridRows(grid);
  const runs = new RunLabeller().label(mask, layout, { inside: false, full: connectivity === 6, border: true });
  const out = copyInto(mask, grid, into);
  const select = new Uint8Array(runs.count + 1);
  for (let c = 1; c <= runs.count; c++) select[c] = runs.border![c] ? 0 : 1;
  paintRuns(runs, layout, select, out);
  return out;
}

/** A slice axis: slices of constant i (sagittal planes j–k), j (coronal, i–k) or k (axial, i–j). */
export type SliceAxis = 'i' | 'j' | 'k';

/** In-plane connectivity: 4 = sharing an edge, 8 = sharing an edge or a corner. */
export type PlaneConnectivity = 4 | 8;

/**
 * Fills the holes of every slice along `axis` independently: in each slice, background not
 * connected (in that slice) to the slice's border. `connectivity` is the object's in-plane
 * connectivity (default 4; the background is then 8-connected, so a ring with a diagonal gap is
 * open).
 */
export function fillHolesPerSlice(mask: Uint8Array, grid: LabelGrid, axis: SliceAxis, connectivity: PlaneConnectivity = 4, into?: Uint8Array): Uint8Array {
  checkGrid(mask, grid);
  if (axis !== 'i' && axis !== 'j' && axis !== 'k') throw new Error(`slice axis must be 'i', 'j' or 'k', got ${String(axis)}`);
  if (connectivity !== 4 && connectivity !== 8) throw new Error(`in-plane connectivity must be 4 or 8, got ${connectivity}`);
  const [nx, ny, nz] = grid.dimensions;
  const out = copyInto(mask, grid, into);
  const labeller = new RunLabeller();
  const options = { inside: false, full: connectivity === 4, border: true, borderB: false };
  let selectBuf = new Uint8Array(256);
  /**
   * Labels one plane's background and paints its holes into `target`: at the runs' own positions
   * by default, or at `tBase + a·tSa + x·tStride` for position x of row a.
   */
  const fillPlane = (src: Uint8Array, layout: RowLayout, target: Uint8Array, tBase = -1, tSa = 0, tStride = 1): void => {
    const runs = labeller.label(src, layout, options);
    if (runs.count === 0) return;
    if (selectBuf.length < runs.count + 1) selectBuf = new Uint8Array(runs.count * 2 + 1);
    let any = false;
    for (let c = 1; c <= runs.count; c++) {
      const hole = runs.border![c] ? 0 : 1;
      selectBuf[c] = hole;
      if (hole) any = true;
    }
    selectBuf[0] = 0;
    if (!any) return;
    if (tBase < 0) {
      paintRuns(runs, layout, selectBuf, target);
      return;
    }
    const { rowFirst, start, end, component } = runs;
    for (let a = 0; a < layout.A; a++) {
      for (let q = rowFirst[a]; q < rowFirst[a + 1]; q++) {
        if (!selectBuf[component[q]]) continue;
        const row = tBase + a * tSa;
        for (let x = start[q]; x < end[q]; x++) target[row + x * tStride] = 1;
      }
    }
  };
  if (axis === 'k') {
    // Plane k: rows along i (a = j), contiguous.
    for (let k = 0; k < nz; k++) fillPlane(mask, { L: nx, A: ny, B: 1, base: k * nx * ny, sa: nx, sb: 0 }, out);
  } else if (axis === 'j') {
    // Plane j: rows along i (a = k), one per slice.
    for (let j = 0; j < ny; j++) fillPlane(mask, { L: nx, A: nz, B: 1, base: j * nx, sa: nx * ny, sb: 0 }, out);
  } else {
    // Plane i has no contiguous rows: gather blocks of G planes i0…i0+G−1 into `block` (plane g
    // at g·ny·nz, layout j + k·ny; G = 64 reads whole cache lines of the mask once), label each
    // there and paint its holes straight into `out` (i + j·nx + k·nx·ny).
    const planeSize = ny * nz;
    const G = Math.min(nx, 64);
    const T = 64;
    const block = new Uint8Array(G * planeSize);
    const slice = nx * ny;
    for (let i0 = 0; i0 < nx; i0 += G) {
      const g1 = Math.min(G, nx - i0);
      // Tiles of T rows (j) × g1 columns (i) per slice, so reads and writes both stay in cache.
      for (let k = 0; k < nz; k++) {
        for (let j0 = 0; j0 < ny; j0 += T) {
          const j1 = Math.min(ny, j0 + T);
          for (let g = 0; g < g1; g++) {
            const dst = k * ny + g * planeSize;
            const src = i0 + g + k * slice;
            for (let j = j0; j < j1; j++) block[dst + j] = mask[src + j * nx];
          }
        }
      }
      for (let g = 0; g < g1; g++) fillPlane(block, { L: ny, A: nz, B: 1, base: g * planeSize, sa: ny, sb: 0 }, out, i0 + g, slice, nx);
    }
  }
  return out;
}
