import { describe, expect, it } from 'vitest';
import type { Connectivity, LabelGrid } from '../../../src/core/segmentation/grid';
import {
  findPieces,
  keepLargest,
  keepLargestIsland,
  keepPieceAt,
  labelIslands,
  labelPieces,
  pieceAt,
  removePieceAt,
  removeSmallPieces,
  splitPieces,
} from '../../../src/core/segmentation/islands';

describe('islands (6-connected)', () => {
  // 4 × 3 × 2, x fastest. k=0: row0 1100, row1 0001, row2 0000; k=1: row0 0100, row1 0000, row2 1001.
  const dims: [number, number, number] = [4, 3, 2];
  const mask = Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1]);

  it('labels face-connected pieces; diagonal contacts stay separate', () => {
    const { count, sizes, labels } = labelIslands(mask, dims);
    // Pieces: {(0,0,0),(1,0,0),(1,0,1)} = 3 voxels; {(3,1,0)} ; {(0,2,1)} ; {(3,2,1)} (touches (3,1,0) only by an edge).
    expect(count).toBe(4);
    expect([...sizes].slice(1).sort()).toEqual([1, 1, 1, 3]);
    expect(labels[0]).toBe(labels[13]);
    expect(labels[7]).not.toBe(labels[23]);
  });

  it('keeps only the largest piece', () => {
    expect(Array.from(keepLargestIsland(mask, dims)).map((v, i) => (v ? i : -1)).filter((i) => i >= 0)).toEqual([0, 1, 13]);
    expect(keepLargestIsland(new Uint8Array(24), dims).every((v) => v === 0)).toBe(true);
  });

  it('numbers pieces in the scan order of their first voxel', () => {
    const { labels, sizes } = labelIslands(mask, dims);
    expect([labels[0], labels[7], labels[20], labels[23]]).toEqual([1, 2, 3, 4]);
    expect(sizes).toEqual([0, 3, 1, 1, 1]);
  });
});

// ——— Fixtures on an anisotropic grid: 0.5 × 1 × 2.5 mm, one voxel = 1.25 mm³ ———

const SPACING = [0.5, 1, 2.5] as const;
const gridOf = (nx: number, ny: number, nz: number): LabelGrid => ({ dimensions: [nx, ny, nz], spacingMm: [...SPACING] });

function maskWith(grid: LabelGrid, boxes: [number, number, number, number, number, number][]): Uint8Array {
  const [nx, ny] = grid.dimensions;
  const m = new Uint8Array(grid.dimensions[0] * grid.dimensions[1] * grid.dimensions[2]);
  for (const [i0, j0, k0, i1, j1, k1] of boxes) for (let k = k0; k < k1; k++) for (let j = j0; j < j1; j++) for (let i = i0; i < i1; i++) m[i + j * nx + k * nx * ny] = 1;
  return m;
}

const onVoxels = (m: ArrayLike<number>): number[] => Array.from(m).flatMap((v, i) => (v ? [i] : []));
const sum = (m: ArrayLike<number>): number => Array.from(m).reduce((a, b) => a + b, 0);

/** Reference: breadth-first labelling voxel by voxel, pieces numbered in scan order. */
function bruteLabels(mask: Uint8Array, grid: LabelGrid, connectivity: Connectivity): { labels: Int32Array; count: number } {
  const [nx, ny, nz] = grid.dimensions;
  const labels = new Int32Array(mask.length);
  let count = 0;
  const offsets: [number, number, number][] = [];
  for (let dk = -1; dk <= 1; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const manhattan = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (manhattan === 0 || (connectivity === 6 && manhattan > 1)) continue;
        offsets.push([di, dj, dk]);
      }
  for (let s = 0; s < mask.length; s++) {
    if (!mask[s] || labels[s]) continue;
    labels[s] = ++count;
    const queue = [s];
    while (queue.length) {
      const v = queue.pop()!;
      const i = v % nx;
      const j = Math.floor(v / nx) % ny;
      const k = Math.floor(v / (nx * ny));
      for (const [di, dj, dk] of offsets) {
        const a = i + di;
        const b = j + dj;
        const c = k + dk;
        if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
        const w = a + b * nx + c * nx * ny;
        if (mask[w] && !labels[w]) {
          labels[w] = count;
          queue.push(w);
        }
      }
    }
  }
  return { labels, count };
}

/** A deterministic pseudo-random generator (LCG). */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) | 0) >>> 0) / 4294967296;
}

describe('connectivity 6 vs 26', () => {
  it('two boxes touching along an edge are one piece with 26 and two with 6', () => {
    const g = gridOf(6, 5, 4);
    // A: 2×2×2 at i 0–1, j 0–1, k 0–1 (8 voxels); B: 3×2×3 at i 2–4, j 2–3, k 0–2 (18 voxels). Voxels (1,1,k) and (2,2,k) share only the edge along k.
    const m = maskWith(g, [
      [0, 0, 0, 2, 2, 2],
      [2, 2, 0, 5, 4, 3],
    ]);
    const p6 = labelPieces(m, g, 6);
    expect(p6.count).toBe(2);
    expect(p6.voxelCounts).toEqual([0, 8, 18]);
    expect(p6.volumesMm3).toEqual([0, 10, 22.5]);
    const p26 = labelPieces(m, g, 26);
    expect(p26.count).toBe(1);
    expect(p26.voxelCounts).toEqual([0, 26]);
    expect(p26.volumesMm3[1]).toBe(32.5);
  });

  it('two boxes touching at a corner only (via the row j+1 of the slice before) are one piece with 26', () => {
    const g = gridOf(5, 5, 4);
    // A: i 0–1, j 2–3, k 0–1. B: i 2–3, j 0–1, k 2–3. Contact: (1,2,1) and (2,1,2), offset (+1, −1, +1).
    const m = maskWith(g, [
      [0, 2, 0, 2, 4, 2],
      [2, 0, 2, 4, 2, 4],
    ]);
    expect(findPieces(m, g, 6).count).toBe(2);
    expect(findPieces(m, g, 26).count).toBe(1);
    expect(sum(keepLargest(m, g, 26))).toBe(16);
  });

  it('every one of the 26 neighbour offsets joins two voxels with 26; only the 6 face offsets with 6', () => {
    const g = gridOf(3, 3, 3);
    for (let dk = -1; dk <= 1; dk++)
      for (let dj = -1; dj <= 1; dj++)
        for (let di = -1; di <= 1; di++) {
          if (!di && !dj && !dk) continue;
          const m = new Uint8Array(27);
          m[13] = 1;
          m[1 + di + (1 + dj) * 3 + (1 + dk) * 9] = 1;
          const face = Math.abs(di) + Math.abs(dj) + Math.abs(dk) === 1;
          expect(findPieces(m, g, 26).count, `offset ${di},${dj},${dk}`).toBe(1);
          expect(findPieces(m, g, 6).count, `offset ${di},${dj},${dk}`).toBe(face ? 1 : 2);
        }
  });

  it('voxels two columns apart in neighbouring rows are not 26-neighbours', () => {
    const g = gridOf(4, 2, 1);
    const m = Uint8Array.from([1, 0, 0, 0, 0, 0, 1, 0]); // (0,0,0) and (2,1,0)
    expect(findPieces(m, g, 26).count).toBe(2);
  });

  it('matches a voxel-by-voxel breadth-first labelling on random masks (odd sizes, unaligned views, non-0/1 values)', () => {
    const rnd = random(7);
    for (const [nx, ny, nz, density] of [
      [7, 5, 4, 0.45],
      [13, 6, 3, 0.3],
      [9, 9, 9, 0.55],
      [33, 4, 5, 0.6],
      [1, 8, 7, 0.5],
      [70, 5, 4, 0.04], // long background runs: whole words skipped
      [70, 5, 4, 0.97], // long inside runs
    ] as const) {
      const g = gridOf(nx, ny, nz);
      for (const shift of [0, 1, 2, 3]) {
        const buffer = new Uint8Array(nx * ny * nz + shift);
        const m = buffer.subarray(shift);
        for (let v = 0; v < m.length; v++) m[v] = rnd() < density ? (rnd() < 0.2 ? 255 : 1) : 0;
        for (const c of [6, 26] as const) {
          const ref = bruteLabels(m, g, c);
          const got = labelPieces(m, g, c);
          expect(got.count).toBe(ref.count);
          expect(Array.from(got.labels)).toEqual(Array.from(ref.labels));
        }
      }
    }
  });
});

describe('keep largest, remove small, pieces under a click', () => {
  // 7 × 4 × 3 grid. Pieces (6-connected): A = 2×2×2 at i 0–1, j 0–1, k 0–1 (8 voxels, 10 mm³);
  // B = 3×1×3 at i 4–6, j 3, k 0–2 (9 voxels, 11.25 mm³); C = the single voxel (3, 0, 2) (1.25 mm³).
  const g = gridOf(7, 4, 3);
  const m = maskWith(g, [
    [0, 0, 0, 2, 2, 2],
    [4, 3, 0, 7, 4, 3],
    [3, 0, 2, 4, 1, 3],
  ]);
  const idx = (i: number, j: number, k: number): number => i + j * 7 + k * 28;

  it('keeps the largest piece (B, by one voxel)', () => {
    const out = keepLargest(m, g);
    expect(sum(out)).toBe(9);
    expect(out[idx(5, 3, 1)]).toBe(1);
    expect(out[idx(0, 0, 0)]).toBe(0);
    expect(m[idx(0, 0, 0)]).toBe(1); // input untouched
  });

  it('breaks ties in favour of the first piece in scan order', () => {
    const tie = maskWith(g, [
      [0, 0, 0, 1, 1, 2],
      [5, 2, 0, 6, 3, 2],
    ]);
    expect(onVoxels(keepLargest(tie, g))).toEqual([idx(0, 0, 0), idx(0, 0, 1)]);
  });

  it('removes pieces below a volume; a piece exactly at the threshold stays', () => {
    expect(sum(removeSmallPieces(m, g, 10))).toBe(17); // A (10 mm³) kept, C (1.25) removed
    expect(sum(removeSmallPieces(m, g, 10.001))).toBe(9); // A removed
    expect(sum(removeSmallPieces(m, g, 1.25))).toBe(18); // nothing removed
    expect(sum(removeSmallPieces(m, g, 11.25))).toBe(9);
    expect(sum(removeSmallPieces(m, g, 11.26))).toBe(0);
    expect(sum(removeSmallPieces(m, g, 0))).toBe(18);
    expect(() => removeSmallPieces(m, g, -1)).toThrow(/minimum volume/);
    expect(() => removeSmallPieces(m, g, Number.NaN)).toThrow(/minimum volume/);
  });

  it('keeps a threshold typed from a rounded-off volume (relative tolerance)', () => {
    const fine: LabelGrid = { dimensions: [3, 1, 1], spacingMm: [0.1, 0.2, 0.3] };
    const three = Uint8Array.from([1, 1, 1]);
    // 3 × 0.1 × 0.2 × 0.3 is 0.018000000000000002 in floating point, but also 3 × 0.006: either way the piece stays.
    expect(sum(removeSmallPieces(three, fine, 0.018))).toBe(3);
    expect(sum(removeSmallPieces(three, fine, 0.0181))).toBe(0);
  });

  it('uses the connectivity: a voxel touching A at a corner is its own piece with 6, part of A with 26', () => {
    // A plus the voxel (2, 2, 2), which meets A's voxel (1, 1, 1) at a corner.
    const m2 = maskWith(g, [
      [0, 0, 0, 2, 2, 2],
      [2, 2, 2, 3, 3, 3],
    ]);
    expect(sum(removeSmallPieces(m2, g, 5, 6))).toBe(8);
    expect(sum(removeSmallPieces(m2, g, 5, 26))).toBe(9);
    expect(sum(removeSmallPieces(m2, g, 10.5, 26))).toBe(9); // 9 voxels = 11.25 mm³
    expect(sum(removeSmallPieces(m2, g, 10.5, 6))).toBe(0);
  });

  it('keeps or removes the piece under a clicked voxel', () => {
    expect(onVoxels(keepPieceAt(m, g, [3, 0, 2]))).toEqual([idx(3, 0, 2)]);
    const withoutA = removePieceAt(m, g, [1, 1, 1]);
    expect(sum(withoutA)).toBe(10);
    expect(withoutA[idx(0, 0, 0)]).toBe(0);
    expect(withoutA[idx(3, 0, 2)]).toBe(1);
    expect(sum(keepPieceAt(m, g, [6, 3, 0]))).toBe(9);
  });

  it('finds the piece under a voxel by binary search in its row', () => {
    const pieces = findPieces(m, g);
    expect(pieceAt(pieces, [0, 0, 0])).toBe(1); // A first in scan order
    expect(pieceAt(pieces, [4, 3, 0])).toBe(2);
    expect(pieceAt(pieces, [3, 0, 2])).toBe(3);
    expect(pieceAt(pieces, [3, 3, 0])).toBe(0);
    expect(pieces.voxelCounts[1]).toBe(8);
  });

  it('throws for a click outside the grid, off the mask, or not on a voxel', () => {
    expect(() => keepPieceAt(m, g, [7, 0, 0])).toThrow(/outside the grid/);
    expect(() => removePieceAt(m, g, [0, -1, 0])).toThrow(/outside the grid/);
    expect(() => keepPieceAt(m, g, [3, 3, 0])).toThrow(/not inside the mask/);
    expect(() => keepPieceAt(m, g, [0.5, 0, 0])).toThrow(/integer/);
  });

  it('throws for a mask that does not match the grid, or a bad connectivity', () => {
    expect(() => keepLargest(new Uint8Array(10), g)).toThrow(/mask has 10 voxels/);
    expect(() => keepLargest(m, g, 18 as Connectivity)).toThrow(/connectivity/);
  });

  it('writes into a given array, which may be the input (in place)', () => {
    const expected = keepLargest(m, g);
    const copy = m.slice();
    const out = keepLargest(copy, g, 6, copy);
    expect(out).toBe(copy);
    expect(Array.from(copy)).toEqual(Array.from(expected));
    const dirty = new Uint8Array(m.length).fill(9);
    expect(Array.from(removeSmallPieces(m, g, 2, 6, dirty))).toEqual(Array.from(removeSmallPieces(m, g, 2)));
    expect(() => keepLargest(m, g, 6, new Uint8Array(3))).toThrow(/output mask/);
  });
});

describe('split pieces', () => {
  const g = gridOf(7, 4, 3);
  const idx = (i: number, j: number, k: number): number => i + j * 7 + k * 28;
  // A 8 voxels (first in scan order), B 9 voxels, C 1 voxel, D 1 voxel (6, 0, 0).
  const m = maskWith(g, [
    [0, 0, 0, 2, 2, 2],
    [4, 3, 0, 7, 4, 3],
    [3, 0, 2, 4, 1, 3],
    [6, 0, 0, 7, 1, 1],
  ]);

  it('labels pieces largest first, equal sizes in scan order', () => {
    const s = splitPieces(m, g);
    expect(s.pieces).toBe(4);
    expect(s.labelled).toBe(4);
    expect(s.voxelCounts).toEqual([0, 9, 8, 1, 1]);
    expect(s.volumesMm3).toEqual([0, 11.25, 10, 1.25, 1.25]);
    expect(s.labels[idx(5, 3, 2)]).toBe(1);
    expect(s.labels[idx(1, 1, 1)]).toBe(2);
    expect(s.labels[idx(6, 0, 0)]).toBe(3); // D comes before C in scan order
    expect(s.labels[idx(3, 0, 2)]).toBe(4);
    expect(s.droppedPieces).toBe(0);
    expect(s.droppedVoxels).toBe(0);
  });

  it('beyond maxPieces, the smallest pieces stay background and are reported', () => {
    const s = splitPieces(m, g, 6, 3);
    expect(s.labelled).toBe(3);
    expect(s.droppedPieces).toBe(1);
    expect(s.droppedVoxels).toBe(1);
    expect(s.labels[idx(6, 0, 0)]).toBe(3);
    expect(s.labels[idx(3, 0, 2)]).toBe(0);
    const two = splitPieces(m, g, 6, 2);
    expect(two.droppedPieces).toBe(2);
    expect(two.droppedVoxels).toBe(2);
    expect(Math.max(...two.labels)).toBe(2);
  });

  it('caps at 255 labels on a mask of 300 single voxels', () => {
    const big = gridOf(20, 15, 2);
    const specks = new Uint8Array(600);
    // A 3D checkerboard: 300 voxels, no two sharing a face.
    for (let k = 0; k < 2; k++) for (let j = 0; j < 15; j++) for (let i = 0; i < 20; i++) specks[i + j * 20 + k * 300] = (i + j + k) % 2 === 0 ? 1 : 0;
    const s = splitPieces(specks, big);
    expect(s.pieces).toBe(300);
    expect(s.labelled).toBe(255);
    expect(s.droppedPieces).toBe(45);
    expect(s.droppedVoxels).toBe(45);
    expect(Math.max(...s.labels)).toBe(255);
    // Equal sizes: the first 255 in scan order get labels 1…255 in order.
    const labelled = onVoxels(s.labels);
    expect(labelled.length).toBe(255);
    expect(labelled.map((v) => s.labels[v])).toEqual(Array.from({ length: 255 }, (_, n) => n + 1));
    expect(() => splitPieces(specks, big, 6, 256)).toThrow(/maxPieces/);
  });

  it('with 26-connectivity, edge contacts merge pieces', () => {
    // C and D are 2+ voxels from everything: still 4 pieces with 26.
    expect(splitPieces(m, g, 26).pieces).toBe(4);
    // E = (2, 2, 1) touches A's (1, 1, 1) along an edge (offset +1, +1, 0).
    const e = m.slice();
    e[idx(2, 2, 1)] = 1;
    expect(splitPieces(e, g, 6).pieces).toBe(5);
    const s = splitPieces(e, g, 26);
    expect(s.pieces).toBe(4);
    expect(s.voxelCounts).toEqual([0, 9, 9, 1, 1]); // B and A+E tie at 9: A+E first in scan order
    expect(s.labels[idx(0, 0, 0)]).toBe(1);
    expect(s.labels[idx(2, 2, 1)]).toBe(1);
    expect(s.labels[idx(4, 3, 0)]).toBe(2);
  });
});
