import type { Connectivity, LabelGrid } from './grid';
import { nextNonZero, nextZero, wordsOf } from './bytes';
import { checkGrid, outputMask, voxelVolumeMm3 } from './grid';

/**
 * Connected pieces ("islands") of a binary mask, and the effects built on them: keep the largest,
 * remove small pieces, keep or remove the piece under a click, split pieces into labels.
 *
 * Algorithm: two-pass union–find over runs. Pass 1 cuts every row (fixed j, k) into runs of
 * consecutive inside voxels; pass 2 joins each run with the overlapping runs of the rows before
 * it (6-connectivity: row j−1 and slice k−1, runs sharing a column; 26-connectivity: also rows
 * (j−1, k−1) and (j+1, k−1), runs sharing or touching a column). Memory is O(runs), not
 * O(voxels): a 512 × 512 × 400 mask needs no per-voxel label array, and nothing grows per voxel.
 *
 * Conventions: masks are `Uint8Array`s, non-zero = inside (0/1 by convention), layout
 * `i + j*nx + k*nx*ny`. Pieces are numbered 1…count in the scan order of their first voxel (the
 * voxel with the lowest index), so results are deterministic; ties in size go to the lower
 * number. Every function returns a new 0/1 array and never mutates its input, unless given an
 * optional `into` array to write to (see `outputMask` in grid.ts). Connectivity defaults to 6 (voxels
 * sharing a face).
 */

/** Rows of voxels: A × B rows of L contiguous voxels; row (a, b) starts at base + a·sa + b·sb. */
export interface RowLayout {
  readonly L: number;
  readonly A: number;
  readonly B: number;
  readonly base: number;
  readonly sa: number;
  readonly sb: number;
}

/** The 3D layout of a grid: rows along i, a = j, b = k. */
export const gridRows = (g: Pick<LabelGrid, 'dimensions'>): RowLayout => {
  const [nx, ny, nz] = g.dimensions;
  return { L: nx, A: ny, B: nz, base: 0, sa: nx, sb: nx * ny };
};

/**
 * Connected runs of a row layout (see {@link RunLabeller}). Views into the labeller's buffers:
 * valid until its next `label` call.
 */
export interface RunComponents {
  /** Runs of row r = a + b·A are rowFirst[r] … rowFirst[r + 1] − 1. */
  readonly rowFirst: Int32Array;
  /** Per run: first position in the row and one past the last. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Per run: its component, 1…count, numbered in the order of each component's first run. */
  readonly component: Int32Array;
  readonly runCount: number;
  readonly count: number;
  /** Voxels per component (index 0 unused, 0). */
  readonly sizes: Float64Array;
  /** Per component (when asked): 1 when it touches the layout's border. */
  readonly border?: Uint8Array;
}

export interface RunLabelOptions {
  /** Label the non-zero voxels (true) or the zero voxels (false). */
  readonly inside: boolean;
  /**
   * Runs in neighbouring rows join when they touch diagonally too (26-connectivity in 3D,
   * 8 in a plane); otherwise only when they share a column (6 / 4), and diagonal rows are not
   * neighbours.
   */
  readonly full: boolean;
  /** Mark the components touching the border: first/last position, first/last a, and (when
   * `borderB`) first/last b. */
  readonly border?: boolean;
  readonly borderB?: boolean;
}

/**
 * Union–find connected-component labelling over runs, with buffers reused from call to call
 * (per-slice effects label hundreds of planes with one labeller).
 */
export class RunLabeller {
  private start = new Int32Array(1024);
  private end = new Int32Array(1024);
  private parent = new Int32Array(1024);
  private component = new Int32Array(1024);
  private rowFirst = new Int32Array(1);

  label(src: Uint8Array, layout: RowLayout, options: RunLabelOptions): RunComponents {
    const { L, A, B, base, sa, sb } = layout;
    const rows = A * B;
    if (this.rowFirst.length < rows + 1) this.rowFirst = new Int32Array(rows + 1);
    const rowFirst = this.rowFirst;
    const wantInside = options.inside;
    // Pass 1: runs, skipping whole 4-byte words of background (or of inside) at a time.
    const { words, wb } = wordsOf(src);
    let n = 0;
    let start = this.start;
    let end = this.end;
    let r = 0;
    for (let b = 0; b < B; b++) {
      for (let a = 0; a < A; a++, r++) {
        rowFirst[r] = n;
        const off = base + a * sa + b * sb;
        const stop = off + L;
        let x = off;
        while (x < stop) {
          x = wantInside ? nextNonZero(src, words, wb, x, stop) : nextZero(src, words, wb, x, stop);
          if (x >= stop) break;
          const s = x;
          x = wantInside ? nextZero(src, words, wb, x, stop) : nextNonZero(src, words, wb, x, stop);
          if (n === start.length) {
            const grownStart = new Int32Array(n * 2);
            grownStart.set(start);
            const grownEnd = new Int32Array(n * 2);
            grownEnd.set(end);
            start = this.start = grownStart;
            end = this.end = grownEnd;
          }
          start[n] = s - off;
          end[n] = x - off;
          n++;
        }
      }
    }
    rowFirst[rows] = n;
    if (this.parent.length < n) {
      this.parent = new Int32Array(start.length);
      this.component = new Int32Array(start.length);
    }
    const parent = this.parent;
    for (let q = 0; q < n; q++) parent[q] = q;
    // Pass 2: unions with the rows before (lower root wins, so a root is its component's first run).
    const full = options.full;
    const slack = full ? 1 : 0;
    r = 0;
    for (let b = 0; b < B; b++) {
      for (let a = 0; a < A; a++, r++) {
        const p0 = rowFirst[r];
        const p1 = rowFirst[r + 1];
        if (p0 === p1) continue;
        for (let nb = 0; nb < 4; nb++) {
          let other: number;
          if (nb === 0) {
            if (a === 0) continue;
            other = r - 1;
          } else if (nb === 1) {
            if (b === 0) continue;
            other = r - A;
          } else if (!full) {
            break;
          } else if (nb === 2) {
            if (b === 0 || a === 0) continue;
            other = r - A - 1;
          } else {
            if (b === 0 || a === A - 1) continue;
            other = r - A + 1;
          }
          let q = rowFirst[other];
          const q1 = rowFirst[other + 1];
          let p = p0;
          while (p < p1 && q < q1) {
            const ep = end[p];
            const eq = end[q];
            if (start[p] < eq + slack && start[q] < ep + slack) {
              // union(p, q)
              let x = p;
              while (parent[x] !== x) {
                const g = parent[parent[x]];
                parent[x] = g;
                x = g;
              }
              let y = q;
              while (parent[y] !== y) {
                const g = parent[parent[y]];
                parent[y] = g;
                y = g;
              }
              if (x < y) parent[y] = x;
              else if (y < x) parent[x] = y;
            }
            if (ep < eq) p++;
            else q++;
          }
        }
      }
    }
    // Pass 3: component numbers in order of first run, and sizes.
    const component = this.component;
    let count = 0;
    for (let q = 0; q < n; q++) {
      const pq = parent[q];
      if (pq === q) component[q] = ++count;
      else {
        let x = pq;
        while (parent[x] !== x) x = parent[x];
        parent[q] = x;
        component[q] = component[x];
      }
    }
    const sizes = new Float64Array(count + 1);
    for (let q = 0; q < n; q++) sizes[component[q]] += end[q] - start[q];
    let border: Uint8Array | undefined;
    if (options.border) {
      border = new Uint8Array(count + 1);
      const checkB = options.borderB ?? true;
      r = 0;
      for (let b = 0; b < B; b++) {
        const edgeB = checkB && (b === 0 || b === B - 1);
        for (let a = 0; a < A; a++, r++) {
          const edgeRow = edgeB || a === 0 || a === A - 1;
          for (let q = rowFirst[r]; q < rowFirst[r + 1]; q++) if (edgeRow || start[q] === 0 || end[q] === L) border[component[q]] = 1;
        }
      }
    }
    return {
      rowFirst: rowFirst.subarray(0, rows + 1),
      start: start.subarray(0, n),
      end: end.subarray(0, n),
      component: component.subarray(0, n),
      runCount: n,
      count,
      sizes,
      border,
    };
  }
}

/**
 * Writes `value` into `out` over every run whose component is selected (`select[component]`
 * non-zero). `out` has the layout the runs were taken from.
 */
export function paintRuns(runs: RunComponents, layout: RowLayout, select: Uint8Array, out: Uint8Array, value = 1): void {
  const { A, B, base, sa, sb } = layout;
  const { rowFirst, start, end, component } = runs;
  let r = 0;
  for (let b = 0; b < B; b++) {
    for (let a = 0; a < A; a++, r++) {
      const q1 = rowFirst[r + 1];
      let q = rowFirst[r];
      if (q === q1) continue;
      const off = base + a * sa + b * sb;
      for (; q < q1; q++) {
        if (!select[component[q]]) continue;
        const s = off + start[q];
        const e = off + end[q];
        if (e - s < 16) for (let v = s; v < e; v++) out[v] = value;
        else out.fill(value, s, e);
      }
    }
  }
}

/** The connected pieces of a mask, as runs (no per-voxel array). */
export interface Pieces {
  readonly grid: LabelGrid;
  readonly connectivity: Connectivity;
  /** Number of pieces; pieces are numbered 1…count in the scan order of their first voxel. */
  readonly count: number;
  /** Voxels per piece (index 0 unused, 0). */
  readonly voxelCounts: Float64Array;
  /** The runs behind the pieces (own copies, safe to keep). */
  readonly runs: RunComponents;
}

function checkConnectivity(c: number): asserts c is Connectivity {
  if (c !== 6 && c !== 26) throw new Error(`connectivity must be 6 or 26, got ${c}`);
}

function copyRuns(r: RunComponents): RunComponents {
  return {
    rowFirst: r.rowFirst.slice(),
    start: r.start.slice(),
    end: r.end.slice(),
    component: r.component.slice(),
    runCount: r.runCount,
    count: r.count,
    sizes: r.sizes,
    border: r.border,
  };
}

/** The connected pieces of `mask` (non-zero = inside) with 6 or 26 connectivity. */
export function findPieces(mask: Uint8Array, grid: LabelGrid, connectivity: Connectivity = 6): Pieces {
  checkGrid(mask, grid);
  checkConnectivity(connectivity);
  const runs = copyRuns(new RunLabeller().label(mask, gridRows(grid), { inside: true, full: connectivity === 26 }));
  return { grid, connectivity, count: runs.count, voxelCounts: runs.sizes, runs };
}


/** A 0/1 mask of the pieces with `select[piece]` non-zero (`select` indexed 0…count), new or in `into`. */
export function piecesMask(pieces: Pieces, select: Uint8Array, into?: Uint8Array): Uint8Array {
  const out = outputMask(pieces.grid, into, true);
  paintRuns(pieces.runs, gridRows(pieces.grid), select, out);
  return out;
}

/** Checks a voxel index triple against the grid; returns the linear index. */
export function checkVoxel(ijk: readonly [number, number, number], grid: Pick<LabelGrid, 'dimensions'>): number {
  const [nx, ny, nz] = grid.dimensions;
  const [i, j, k] = ijk;
  if (!Number.isInteger(i) || !Number.isInteger(j) || !Number.isInteger(k)) throw new Error(`voxel (${ijk.join(', ')}) is not an integer index`);
  if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) throw new Error(`voxel (${ijk.join(', ')}) is outside the grid ${nx}×${ny}×${nz}`);
  return i + j * nx + k * nx * ny;
}

/** The piece holding voxel `ijk` (1…count), or 0 when that voxel is outside the mask. Throws outside the grid. */
export function pieceAt(pieces: Pieces, ijk: readonly [number, number, number]): number {
  checkVoxel(ijk, pieces.grid);
  const ny = pieces.grid.dimensions[1];
  const r = ijk[1] + ijk[2] * ny;
  const { rowFirst, start, end, component } = pieces.runs;
  // Runs in a row are sorted: binary search for the last run starting at or before i.
  let lo = rowFirst[r];
  let hi = rowFirst[r + 1] - 1;
  const i = ijk[0];
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (start[mid] > i) hi = mid - 1;
    else if (end[mid] <= i) lo = mid + 1;
    else return component[mid];
  }
  return 0;
}

/** The largest piece (ties: the lower number, i.e. the first in scan order); 0 when there is none. */
export function largestPiece(pieces: Pieces): number {
  let best = 0;
  let bestSize = 0;
  const sizes = pieces.voxelCounts;
  for (let l = 1; l <= pieces.count; l++) {
    if (sizes[l] > bestSize) {
      best = l;
      bestSize = sizes[l];
    }
  }
  return best;
}

/** Per-voxel labelling of the pieces. */
export interface PieceLabels {
  /** 0 outside, 1…count per piece (scan order of each piece's first voxel). */
  readonly labels: Int32Array;
  readonly count: number;
  /** Voxels per piece (index 0 unused, 0). */
  readonly voxelCounts: readonly number[];
  /** Volume per piece in mm³ (voxels × voxel volume; index 0 unused, 0). */
  readonly volumesMm3: readonly number[];
}

/**
 * Labels every voxel with its piece number (an Int32Array the size of the grid: 4 bytes per
 * voxel; prefer {@link findPieces} on large grids).
 */
export function labelPieces(mask: Uint8Array, grid: LabelGrid, connectivity: Connectivity = 6): PieceLabels {
  const pieces = findPieces(mask, grid, connectivity);
  const labels = new Int32Array(mask.length);
  const { A, B, sa, sb } = gridRows(grid);
  const { rowFirst, start, end, component } = pieces.runs;
  let r = 0;
  for (let b = 0; b < B; b++) {
    for (let a = 0; a < A; a++, r++) {
      const off = a * sa + b * sb;
      for (let q = rowFirst[r]; q < rowFirst[r + 1]; q++) labels.fill(component[q], off + start[q], off + end[q]);
    }
  }
  const voxelCounts = Array.from(pieces.voxelCounts);
  const vv = voxelVolumeMm3(grid);
  return { labels, count: pieces.count, voxelCounts, volumesMm3: voxelCounts.map((c) => c * vv) };
}

/** A new mask holding only the largest piece (ties: the first in scan order); all zero when the mask is empty. */
export function keepLargest(mask: Uint8Array, grid: LabelGrid, connectivity: Connectivity = 6, into?: Uint8Array): Uint8Array {
  const pieces = findPieces(mask, grid, connectivity);
  const select = new Uint8Array(pieces.count + 1);
  select[largestPiece(pieces)] = 1;
  select[0] = 0;
  return piecesMask(pieces, select, into);
}

/** Relative tolerance of the volume comparison in {@link removeSmallPieces}. */
export const VOLUME_TOLERANCE = 1e-9;

/**
 * A new mask without the pieces whose volume (voxels × voxel volume, mm³) is below
 * `minVolumeMm3`. A piece of exactly `minVolumeMm3` stays (compared with a relative tolerance of
 * {@link VOLUME_TOLERANCE}, so a threshold typed from a displayed volume keeps that piece).
 */
export function removeSmallPieces(mask: Uint8Array, grid: LabelGrid, minVolumeMm3: number, connectivity: Connectivity = 6, into?: Uint8Array): Uint8Array {
  if (!Number.isFinite(minVolumeMm3) || minVolumeMm3 < 0) throw new Error(`minimum volume must be a finite number ≥ 0 mm³, got ${minVolumeMm3}`);
  const pieces = findPieces(mask, grid, connectivity);
  const vv = voxelVolumeMm3(grid);
  const limit = minVolumeMm3 * (1 - VOLUME_TOLERANCE);
  const select = new Uint8Array(pieces.count + 1);
  for (let l = 1; l <= pieces.count; l++) select[l] = pieces.voxelCounts[l] * vv >= limit ? 1 : 0;
  return piecesMask(pieces, select, into);
}

function pieceUnder(pieces: Pieces, ijk: readonly [number, number, number]): number {
  const piece = pieceAt(pieces, ijk);
  if (piece === 0) throw new Error(`voxel (${ijk.join(', ')}) is not inside the mask: no piece there`);
  return piece;
}

/** A new mask holding only the piece that contains voxel `ijk`. Throws when `ijk` is outside the grid or the mask. */
export function keepPieceAt(mask: Uint8Array, grid: LabelGrid, ijk: readonly [number, number, number], connectivity: Connectivity = 6, into?: Uint8Array): Uint8Array {
  checkGrid(mask, grid);
  checkVoxel(ijk, grid);
  const pieces = findPieces(mask, grid, connectivity);
  const select = new Uint8Array(pieces.count + 1);
  select[pieceUnder(pieces, ijk)] = 1;
  return piecesMask(pieces, select, into);
}

/** A new mask without the piece that contains voxel `ijk`. Throws when `ijk` is outside the grid or the mask. */
export function removePieceAt(mask: Uint8Array, grid: LabelGrid, ijk: readonly [number, number, number], connectivity: Connectivity = 6, into?: Uint8Array): Uint8Array {
  checkGrid(mask, grid);
  checkVoxel(ijk, grid);
  const pieces = findPieces(mask, grid, connectivity);
  const select = new Uint8Array(pieces.count + 1).fill(1);
  select[0] = 0;
  select[pieceUnder(pieces, ijk)] = 0;
  return piecesMask(pieces, select, into);
}

export interface SplitResult {
  /** Labelmap: 0 background, 1…labelled, label 1 the largest piece, then by decreasing size. */
  readonly labels: Uint8Array;
  /** Pieces found in the mask. */
  readonly pieces: number;
  /** Pieces given a label: min(pieces, maxPieces). */
  readonly labelled: number;
  /** Per label (index 0 unused, 0): voxels and volume in mm³. */
  readonly voxelCounts: readonly number[];
  readonly volumesMm3: readonly number[];
  /** Pieces beyond `maxPieces` (the smallest ones) are left out of `labels` (background): how many, and their voxels. */
  readonly droppedPieces: number;
  readonly droppedVoxels: number;
}

/**
 * Splits a mask into one label per piece, largest first (equal sizes: scan order of their first
 * voxel). A labelmap holds at most 255 labels: with more pieces than `maxPieces` (≤ 255) only the
 * `maxPieces` largest get a label; the rest stay background and are reported in
 * `droppedPieces`/`droppedVoxels` (they are typically specks: remove small pieces first).
 */
export function splitPieces(mask: Uint8Array, grid: LabelGrid, connectivity: Connectivity = 6, maxPieces = 255, into?: Uint8Array): SplitResult {
  if (!Number.isInteger(maxPieces) || maxPieces < 1 || maxPieces > 255) throw new Error(`maxPieces must be an integer in 1…255, got ${maxPieces}`);
  const pieces = findPieces(mask, grid, connectivity);
  const { count, voxelCounts: sizes } = pieces;
  let chosen: number[];
  if (count <= maxPieces) {
    chosen = Array.from({ length: count }, (_, l) => l + 1);
  } else {
    // The size of the maxPieces-th largest piece, then everything above it and ties in scan order.
    const sorted = sizes.slice(1).sort();
    const cut = sorted[count - maxPieces];
    chosen = [];
    for (let l = 1; l <= count; l++) if (sizes[l] > cut) chosen.push(l);
    for (let l = 1; l <= count && chosen.length < maxPieces; l++) if (sizes[l] === cut) chosen.push(l);
  }
  chosen.sort((x, y) => sizes[y] - sizes[x] || x - y);
  const newLabel = new Uint8Array(count + 1);
  const vv = voxelVolumeMm3(grid);
  const voxelCounts = [0];
  let kept = 0;
  chosen.forEach((piece, n) => {
    newLabel[piece] = n + 1;
    voxelCounts.push(sizes[piece]);
    kept += sizes[piece];
  });
  let total = 0;
  for (let l = 1; l <= count; l++) total += sizes[l];
  const labels = outputMask(grid, into, true);
  const { A, B, sa, sb } = gridRows(grid);
  const { rowFirst, start, end, component } = pieces.runs;
  let r = 0;
  for (let b = 0; b < B; b++) {
    for (let a = 0; a < A; a++, r++) {
      const off = a * sa + b * sb;
      for (let q = rowFirst[r]; q < rowFirst[r + 1]; q++) {
        const value = newLabel[component[q]];
        if (value) labels.fill(value, off + start[q], off + end[q]);
      }
    }
  }
  return {
    labels,
    pieces: count,
    labelled: chosen.length,
    voxelCounts,
    volumesMm3: voxelCounts.map((c) => c * vv),
    droppedPieces: count - chosen.length,
    droppedVoxels: total - kept,
  };
}

// ——— The original API (6-connectivity, dimensions only), kept for existing callers ———

/**
 * Connected pieces of a binary mask (6-connectivity: voxels sharing a face).
 * Layout `i + j*nx + k*nx*ny`.
 */
export interface Islands {
  /** 0 outside, 1..count for each piece (scan order of each piece's first voxel). */
  readonly labels: Int32Array;
  readonly count: number;
  /** Voxel count per label (index 0 unused). */
  readonly sizes: readonly number[];
}

const unitGrid = (dims: readonly [number, number, number]): LabelGrid => ({ dimensions: dims, spacingMm: [1, 1, 1] });

export function labelIslands(mask: Uint8Array, dims: readonly [number, number, number]): Islands {
  const { labels, count, voxelCounts } = labelPieces(mask, unitGrid(dims), 6);
  return { labels, count, sizes: voxelCounts };
}

/** A new mask holding only the largest 6-connected piece (ties: the first found). */
export function keepLargestIsland(mask: Uint8Array, dims: readonly [number, number, number]): Uint8Array {
  return keepLargest(mask, unitGrid(dims), 6);
}
