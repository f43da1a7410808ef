import { describe, expect, it } from 'vitest';
import { growFromSeeds } from '../../../src/core/segmentation/growCut';
import type { LabelGrid } from '../../../src/core/segmentation/grid';
import { rng } from '../../helpers/syntheticSeries';

const grid: LabelGrid = { dimensions: [48, 40, 32], spacingMm: [0.8, 0.8, 1.5] };
const [NX, NY, NZ] = grid.dimensions;
const N = NX * NY * NZ;
const idx = (i: number, j: number, k: number): number => i + j * NX + k * NX * NY;

/** An asymmetric blob: an ellipsoid with a smaller ball bulging out of one side. */
function inBlobA(i: number, j: number, k: number): boolean {
  const e = ((i - 20) / 10) ** 2 + ((j - 18) / 8) ** 2 + ((k - 16) / 7) ** 2 <= 1;
  const lobe = (i - 30) ** 2 + (j - 24) ** 2 + (k - 18) ** 2 <= 25;
  return e || lobe;
}
/** A second, separate ball in a corner. */
const inBlobB = (i: number, j: number, k: number): boolean => (i - 39) ** 2 + (j - 8) ** 2 + (k - 7) ** 2 <= 16;

function truth(pred: (i: number, j: number, k: number) => boolean): Uint8Array {
  const m = new Uint8Array(N);
  for (let k = 0; k < NZ; k++) for (let j = 0; j < NY; j++) for (let i = 0; i < NX; i++) m[idx(i, j, k)] = pred(i, j, k) ? 1 : 0;
  return m;
}

/** CT-like values: 40 HU background, `value(i,j,k)` elsewhere, optional Gaussian noise of σ HU. */
function volume(value: (i: number, j: number, k: number) => number, sigma: number, seed = 1): Int16Array {
  const r = rng(seed);
  const out = new Int16Array(N);
  for (let k = 0; k < NZ; k++) {
    for (let j = 0; j < NY; j++) {
      for (let i = 0; i < NX; i++) {
        const g = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
        out[idx(i, j, k)] = Math.round(value(i, j, k) + sigma * g);
      }
    }
  }
  return out;
}

const blobValues = (i: number, j: number, k: number): number => (inBlobA(i, j, k) || inBlobB(i, j, k) ? 1000 : 40);

/** Strokes: a line inside blob A (label 1); two lines along the volume's edges in the background (label 2). */
function baseSeeds(): Uint8Array {
  const s = new Uint8Array(N);
  for (let i = 14; i <= 26; i++) s[idx(i, 18, 16)] = 1;
  for (let i = 2; i < NX - 2; i++) {
    s[idx(i, 2, 2)] = 2;
    s[idx(i, NY - 3, NZ - 3)] = 2;
  }
  return s;
}

function dice(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let na = 0;
  let nb = 0;
  for (let v = 0; v < a.length; v++) {
    if (a[v]) na++;
    if (b[v]) nb++;
    if (a[v] && b[v]) inter++;
  }
  return (2 * inter) / (na + nb);
}

const labelMask = (labels: Uint8Array, l: number): Uint8Array => labels.map((x) => (x === l ? 1 : 0));

describe('growFromSeeds', () => {
  const blobA = truth(inBlobA);
  const blobB = truth(inBlobB);

  it('is exact on a noise-free blob: inside label where the blob is, background label elsewhere', () => {
    const result = growFromSeeds(volume(blobValues, 0), grid, baseSeeds());
    expect(result.incremental).toBe(false);
    // Seeds span i 2..45, j 2..37, k 2..29; 15 % padding reaches every border of this grid.
    expect(result.box).toEqual({ min: [0, 0, 0], max: [48, 40, 32] });
    // Blob B has no stroke of its own: the background seed reaches it across one edge, blob A's seed needs two.
    expect(result.labels).toEqual(blobA.map((x) => (x ? 1 : 2)));
  });

  it('segments a noisy blob with Dice ≥ 0.98 (σ = 20 HU, contrast 960 HU)', () => {
    const result = growFromSeeds(volume(blobValues, 20, 7), grid, baseSeeds());
    expect(dice(labelMask(result.labels, 1), blobA)).toBeGreaterThanOrEqual(0.98);
    // Every voxel of the region of interest (here the whole grid) gets a seed label.
    expect(result.labels.every((x) => x === 1 || x === 2)).toBe(true);
  });

  it('works on Float32 volumes the same as on Int16', () => {
    const v16 = volume(blobValues, 20, 3);
    const a = growFromSeeds(v16, grid, baseSeeds());
    const b = growFromSeeds(Float32Array.from(v16), grid, baseSeeds());
    // Int16 with integer step costs runs the bucket queue, Float32 the binary heap: both exact.
    expect(a.state.costs).toBeInstanceOf(Int32Array);
    expect(b.state.costs).toBeInstanceOf(Float32Array);
    let sameCosts = true;
    a.state.costs.forEach((c, p) => {
      if (c >= 0 && b.state.costs[p] !== c) sameCosts = false;
    });
    expect(sameCosts).toBe(true);
    expect(b.labels).toEqual(a.labels);
  });

  it('refines when a stroke is added: the unseeded blob switches label, the rest does not change', () => {
    const voxels = volume(blobValues, 0);
    const first = growFromSeeds(voxels, grid, baseSeeds());
    const seeds = baseSeeds();
    for (let i = 37; i <= 41; i++) seeds[idx(i, 8, 7)] = 3; // a stroke of a third label inside blob B
    const full = growFromSeeds(voxels, grid, seeds);
    const refined = growFromSeeds(voxels, grid, seeds, { previous: first });
    expect(refined.incremental).toBe(true);
    expect(refined.labels).toEqual(full.labels);
    expect(refined.visitedVoxels).toBeLessThan(full.visitedVoxels / 10);
    expect(full.labels).toEqual(first.labels.map((x, v) => (blobB[v] ? 3 : x)));
    // The refinement reused the first result's state (updated in place), not its labels.
    expect(refined.state).toBe(first.state);
    expect(first.labels).toEqual(growFromSeeds(voxels, grid, baseSeeds()).labels);
    // Refining again from either result stays correct: the shared state records the latest seeds.
    for (let i = 37; i <= 41; i++) seeds[idx(i, 8, 7)] = 0; // erasing a stroke forces a full rerun
    const again = growFromSeeds(voxels, grid, seeds, { previous: first });
    expect(again.incremental).toBe(false);
    expect(again.labels).toEqual(first.labels);
    seeds[idx(39, 8, 7)] = 3;
    const third = growFromSeeds(voxels, grid, seeds, { previous: again });
    expect(third.incremental).toBe(true);
    expect(third.labels).toEqual(full.labels);
  });

  it('incremental refinement gives the same costs as a full rerun on noisy data', () => {
    const voxels = volume(blobValues, 20, 11);
    const first = growFromSeeds(voxels, grid, baseSeeds());
    const seeds = baseSeeds();
    for (let j = 20; j <= 30; j++) seeds[idx(10, j, 10)] = 2; // one more background stroke near the blob
    const full = growFromSeeds(voxels, grid, seeds);
    const refined = growFromSeeds(voxels, grid, seeds, { previous: first });
    expect(refined.incremental).toBe(true);
    expect(refined.state.costs).toEqual(full.state.costs);
    let differ = 0;
    for (let v = 0; v < N; v++) if (refined.labels[v] !== full.labels[v]) differ++;
    expect(differ).toBeLessThan(N * 0.001); // only ties between equal-cost paths may differ
  });

  it('recomputes from scratch when a seed was erased, the box changed or the options changed', () => {
    const voxels = volume(blobValues, 0);
    const first = growFromSeeds(voxels, grid, baseSeeds());
    const erased = baseSeeds();
    erased[idx(14, 18, 16)] = 0;
    expect(growFromSeeds(voxels, grid, erased, { previous: first }).incremental).toBe(false);
    const relabelled = baseSeeds();
    relabelled[idx(14, 18, 16)] = 3;
    expect(growFromSeeds(voxels, grid, relabelled, { previous: first }).incremental).toBe(false);
    expect(growFromSeeds(voxels, grid, baseSeeds(), { previous: first, marginFraction: 0.3 }).incremental).toBe(false);
    expect(growFromSeeds(voxels, grid, baseSeeds(), { previous: first, distancePenaltyPerMm: 1 }).incremental).toBe(false);
    // The same seeds again: incremental, nothing to do.
    const same = growFromSeeds(voxels, grid, baseSeeds(), { previous: first });
    expect(same.incremental).toBe(true);
    expect(same.visitedVoxels).toBe(0);
    expect(same.labels).toEqual(first.labels);
  });

  it('grows three labels: two blobs of different intensity and the background', () => {
    const three = (i: number, j: number, k: number): number => (inBlobA(i, j, k) ? 1000 : inBlobB(i, j, k) ? 400 : 40);
    const seeds = baseSeeds();
    seeds[idx(39, 8, 7)] = 3;
    seeds[idx(40, 8, 7)] = 3;
    for (const sigma of [0, 15]) {
      const result = growFromSeeds(volume(three, sigma, 5), grid, seeds);
      if (sigma === 0) {
        expect(result.labels).toEqual(blobA.map((x, v) => (x ? 1 : blobB[v] ? 3 : 2)));
      } else {
        expect(dice(labelMask(result.labels, 1), blobA)).toBeGreaterThanOrEqual(0.98);
        expect(dice(labelMask(result.labels, 3), blobB)).toBeGreaterThanOrEqual(0.95);
      }
    }
  });

  it('computes only the seeds’ bounding box padded by the margin; outside stays 0', () => {
    const seeds = new Uint8Array(N);
    // Seeds span i 10..29 (extent 20), j 15..16 (extent 2), k 10 (extent 1).
    for (let i = 10; i < 20; i++) seeds[idx(i, 15, 10)] = 1;
    for (let i = 20; i < 30; i++) seeds[idx(i, 16, 10)] = 2;
    const result = growFromSeeds(volume(blobValues, 0), grid, seeds, { marginFraction: 0.2, minMarginVoxels: 2 });
    // Padding per side: max(2, ceil(0.2 × extent)) = 4 along i, 2 along j and k.
    expect(result.box).toEqual({ min: [6, 13, 8], max: [34, 19, 13] });
    const expected = new Uint8Array(N);
    for (let k = 0; k < NZ; k++) for (let j = 0; j < NY; j++) for (let i = 0; i < NX; i++) expected[idx(i, j, k)] = i >= 6 && i < 34 && j >= 13 && j < 19 && k >= 8 && k < 13 ? 1 : 0;
    expect(result.labels.map((x) => (x !== 0 ? 1 : 0))).toEqual(expected);
  });

  it('distance penalty: on a flat volume the nearer seed in millimetres wins (anisotropic spacing)', () => {
    const g: LabelGrid = { dimensions: [8, 4, 1], spacingMm: [1, 3, 1] };
    const flat = new Int16Array(32).fill(100);
    const seeds = new Uint8Array(32);
    seeds[0] = 1; // (0,0,0)
    seeds[4 + 2 * 8] = 2; // (4,2,0)
    // Penalty 1 gives integer step costs (bucket queue), 0.5 fractional ones (binary heap); the
    // Float32 volume always takes the heap.
    for (const [spacingMm, penalty, values] of [
      [[1, 3, 1], 1, flat],
      [[1, 1, 1], 1, flat],
      [[1, 3, 1], 0.5, flat],
      [[1, 1, 1], 0.5, Float32Array.from(flat)],
    ] as const) {
      const r = growFromSeeds(values, { ...g, spacingMm }, seeds, { distancePenaltyPerMm: penalty, marginFraction: 10 });
      for (let j = 0; j < 4; j++) {
        for (let i = 0; i < 8; i++) {
          // 6-connected paths on a flat volume cost the Manhattan distance in mm.
          const toA = i * spacingMm[0] + j * spacingMm[1];
          const toB = Math.abs(i - 4) * spacingMm[0] + Math.abs(j - 2) * spacingMm[1];
          if (toA !== toB) expect(r.labels[i + j * 8]).toBe(toA < toB ? 1 : 2);
        }
      }
      // (4,0,0): 4 mm from seed 1; from seed 2, 6 mm with 3 mm rows but 2 mm with 1 mm rows.
      expect(r.labels[4]).toBe(spacingMm[1] === 3 ? 1 : 2);
    }
  });

  it('writes into a given array; reads seeds at any byte offset', () => {
    const voxels = volume(blobValues, 10, 2);
    const fresh = growFromSeeds(voxels, grid, baseSeeds());
    const into = new Uint8Array(N).fill(7);
    const shifted = new Uint8Array(N + 3).subarray(3); // byteOffset 3: not word-aligned
    shifted.set(baseSeeds());
    const r = growFromSeeds(voxels, grid, shifted, { into, marginFraction: 0.15 });
    expect(r.labels).toBe(into);
    expect(into).toEqual(fresh.labels);
    // A small box: every voxel outside it is cleared in `into`.
    const few = new Uint8Array(N);
    few[idx(20, 18, 16)] = 1;
    few[idx(22, 18, 16)] = 2;
    growFromSeeds(voxels, grid, few, { into });
    expect(into.filter((x) => x !== 0).length).toBe(5 * 3 * 3); // 3 × 1 × 1 seeds box padded by 1
    expect(() => growFromSeeds(voxels, grid, few, { into: new Uint8Array(4) })).toThrow(/voxels/);
  });

  it('rejects fewer than two seeded labels and mismatched sizes', () => {
    const voxels = volume(blobValues, 0);
    expect(() => growFromSeeds(voxels, grid, new Uint8Array(N))).toThrow(/two labels/);
    const one = new Uint8Array(N);
    one[idx(5, 5, 5)] = 1;
    expect(() => growFromSeeds(voxels, grid, one)).toThrow(/two labels/);
    expect(() => growFromSeeds(voxels, grid, new Uint8Array(10))).toThrow(/voxels/);
  });
});
