import { describe, expect, it } from 'vitest';
import { fillBetweenSlices, type SliceAxis } from '../../../src/core/segmentation/interpolate';
import type { LabelGrid } from '../../../src/core/segmentation/grid';
import { rng } from '../../helpers/syntheticSeries';

type Dims = [number, number, number];
const at = (d: Dims, i: number, j: number, k: number): number => i + j * d[0] + k * d[0] * d[1];

/** Paints `label` on slice k where pred(i, j) holds. */
function paintK(labels: Uint8Array, d: Dims, k: number, label: number, pred: (i: number, j: number) => boolean): void {
  for (let j = 0; j < d[1]; j++) for (let i = 0; i < d[0]; i++) if (pred(i, j)) labels[at(d, i, j, k)] = label;
}

/** The pixels of slice k holding `label`, as a 0/1 array of d[0] × d[1]. */
function sliceK(labels: Uint8Array, d: Dims, k: number, label: number): Uint8Array {
  const out = new Uint8Array(d[0] * d[1]);
  for (let j = 0; j < d[1]; j++) for (let i = 0; i < d[0]; i++) out[i + j * d[0]] = labels[at(d, i, j, k)] === label ? 1 : 0;
  return out;
}

const count = (a: Uint8Array): number => a.reduce((s, x) => s + x, 0);
const disc = (ci: number, cj: number, r: number) => (i: number, j: number) => (i - ci) ** 2 + (j - cj) ** 2 <= r * r;

/** Brute-force signed distance (mm) of a w × h binary image: O(n²), the reference for the EDT. */
function bruteSigned(img: Uint8Array, w: number, h: number, su: number, sv: number): Float64Array {
  const out = new Float64Array(w * h);
  for (let p = 0; p < w * h; p++) {
    let best = Infinity;
    for (let q = 0; q < w * h; q++) {
      if (img[q] === img[p]) continue;
      const dx = ((p % w) - (q % w)) * su;
      const dy = (Math.floor(p / w) - Math.floor(q / w)) * sv;
      best = Math.min(best, dx * dx + dy * dy);
    }
    out[p] = img[p] ? -Math.sqrt(best) : Math.sqrt(best);
  }
  return out;
}

/** Reference interpolation of two key slices at fraction alpha: d ≤ 0 (with a tiny tolerance for ties). */
function bruteInterpolate(a: Uint8Array, b: Uint8Array, alpha: number, w: number, h: number, su: number, sv: number): Uint8Array {
  const da = bruteSigned(a, w, h, su, sv);
  const db = bruteSigned(b, w, h, su, sv);
  return da.map((x, p) => ((1 - alpha) * x + alpha * db[p] <= 1e-5 * Math.min(su, sv) ? 1 : 0)) as unknown as Uint8Array;
}

describe('fillBetweenSlices', () => {
  it('circles of radius 4 and 8 four slices apart give radii ≈ 5, 6, 7 in between', () => {
    const d: Dims = [32, 32, 7];
    const grid: LabelGrid = { dimensions: d, spacingMm: [1, 1, 2] };
    const labels = new Uint8Array(32 * 32 * 7);
    paintK(labels, d, 1, 1, disc(15, 16, 4));
    paintK(labels, d, 5, 1, disc(15, 16, 8));
    const { labels: out, filledVoxels, filledSlices } = fillBetweenSlices(labels, grid, { axis: 2 });
    expect(filledSlices.get(1)).toEqual([2, 3, 4]);
    let total = 0;
    for (const [k, r] of [
      [2, 5],
      [3, 6],
      [4, 7],
    ]) {
      const s = sliceK(out, d, k, 1);
      total += count(s);
      // The signed distances are measured between pixel centres, so the zero level is placed to
      // within half a pixel of the true circle: every pixel within r − 0.5 is filled, none
      // beyond r + 0.5.
      for (let j = 0; j < 32; j++) {
        for (let i = 0; i < 32; i++) {
          const rho = Math.hypot(i - 15, j - 16);
          if (rho <= r - 0.5) expect(s[i + j * 32]).toBe(1);
          if (rho > r + 0.5) expect(s[i + j * 32]).toBe(0);
        }
      }
      // Area within 10 % of π r² (a one-pixel-wide ring at radius r is 2πr ≈ 30–45 pixels, i.e. ±0.5 px ≈ ±10 %).
      expect(Math.abs(count(s) - Math.PI * r * r)).toBeLessThan(0.1 * Math.PI * r * r);
      expect(count(s)).toEqual(count(sliceK(out, d, k, 1))); // symmetric shape, no stray label
    }
    expect(filledVoxels).toBe(total);
    // Slices outside the first and last segmented ones stay empty; key slices are unchanged.
    expect(count(sliceK(out, d, 0, 1))).toBe(0);
    expect(count(sliceK(out, d, 6, 1))).toBe(0);
    expect(sliceK(out, d, 1, 1)).toEqual(sliceK(labels, d, 1, 1));
    expect(sliceK(out, d, 5, 1)).toEqual(sliceK(labels, d, 5, 1));
    // Areas grow monotonically.
    const areas = [1, 2, 3, 4, 5].map((k) => count(sliceK(out, d, k, 1)));
    for (let a = 1; a < areas.length; a++) expect(areas[a]).toBeGreaterThan(areas[a - 1]);
  });

  it('a shape shifted across slices moves linearly', () => {
    const d: Dims = [44, 24, 5];
    const grid: LabelGrid = { dimensions: d, spacingMm: [0.7, 0.7, 1] };
    const centroid = (img: Uint8Array): [number, number] => {
      let si = 0;
      let sj = 0;
      let n = 0;
      img.forEach((x, p) => {
        if (x) {
          si += p % 44;
          sj += Math.floor(p / 44);
          n++;
        }
      });
      return [si / n, sj / n];
    };
    // A disc of radius 6 and a 12 × 12 square, each moving 4 (then 8) pixels along i over 4 slices.
    const shapes = [
      (i0: number) => disc(i0, 11, 6),
      (i0: number) => (i: number, j: number) => i >= i0 - 6 && i < i0 + 6 && j >= 5 && j < 17,
    ];
    for (const shift of [4, 8]) {
      const perSlice = shift / 4;
      for (const [n, shape] of shapes.entries()) {
        const labels = new Uint8Array(44 * 24 * 5);
        paintK(labels, d, 0, 1, shape(12));
        paintK(labels, d, 4, 1, shape(12 + shift));
        const { labels: out } = fillBetweenSlices(labels, grid, { axis: 2 });
        const keyArea = count(sliceK(labels, d, 0, 1));
        const keyCentroid = centroid(sliceK(labels, d, 0, 1))[0];
        for (const k of [1, 2, 3]) {
          const s = sliceK(out, d, k, 1);
          const what = `shift ${shift}, shape ${n}, slice ${k}`;
          // The row through the centre moves exactly linearly (there the signed distances are 1D).
          const row = [...Array(44).keys()].filter((i) => s[i + 11 * 44]);
          expect([row[0], row[row.length - 1]], what).toEqual([6 + perSlice * k, (n === 0 ? 18 : 17) + perSlice * k]);
          // The outline is slightly egg-shaped toward the nearer key: the centroid trails the
          // linear motion by under 0.35 pixel at 1 pixel per slice (exact mid-way, by symmetry).
          const [ci, cj] = centroid(s);
          expect(Math.abs(ci - (keyCentroid + perSlice * k)), what).toBeLessThan(k === 2 ? 1e-9 : 0.2 * perSlice + 0.15);
          expect(cj, what).toBeCloseTo(n === 0 ? 11 : 10.5, 9);
          // Area: within 6 % at 1 pixel per slice; a shape moving by 2/3 of its radius per slice
          // thins mid-way (here by up to 25 %: a known property of distance-based interpolation).
          expect(count(s) / keyArea, what).toBeGreaterThan(shift === 4 ? 0.94 : 0.74);
          expect(count(s) / keyArea, what).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('matches a brute-force signed-distance interpolation, anisotropic pixels in mm', () => {
    // Keys on slices 0 and 3: a small disc and a wide rectangle; pixels 0.5 mm × 2 mm.
    const d: Dims = [30, 12, 4];
    const su = 0.5;
    const sv = 2;
    const grid: LabelGrid = { dimensions: d, spacingMm: [su, sv, 1] };
    const labels = new Uint8Array(30 * 12 * 4);
    const a = (i: number, j: number) => ((i - 14) * su) ** 2 + ((j - 6) * sv) ** 2 <= 9;
    const b = (i: number, j: number) => i >= 3 && i <= 26 && j >= 4 && j <= 7;
    paintK(labels, d, 0, 1, a);
    paintK(labels, d, 3, 1, b);
    const { labels: out } = fillBetweenSlices(labels, grid, { axis: 2 });
    const ka = sliceK(labels, d, 0, 1);
    const kb = sliceK(labels, d, 3, 1);
    let differsFromPixels = 0;
    for (const k of [1, 2]) {
      const expected = bruteInterpolate(ka, kb, k / 3, 30, 12, su, sv);
      expect(sliceK(out, d, k, 1)).toEqual(Uint8Array.from(expected));
      const inPixels = bruteInterpolate(ka, kb, k / 3, 30, 12, 1, 1);
      for (let p = 0; p < inPixels.length; p++) if (inPixels[p] !== expected[p]) differsFromPixels++;
    }
    // The fixture is sensitive to the spacing: ignoring it would change the result.
    expect(differsFromPixels).toBeGreaterThan(0);
  });

  it('matches brute force on random blobs along every axis (exact EDT, window restriction)', () => {
    const r = rng(42);
    const d: Dims = [14, 12, 10];
    const spacingMm: [number, number, number] = [0.6, 0.9, 1.7];
    for (const axis of [0, 1, 2] as SliceAxis[]) {
      const labels = new Uint8Array(14 * 12 * 10);
      const n = d[axis];
      const plane = ([0, 1, 2] as const).filter((a) => a !== axis);
      const [w, h] = [d[plane[0]], d[plane[1]]];
      const key = [1, 4, n - 2]; // three keys: each inner key's distances serve two gaps
      const shapes: Uint8Array[] = [];
      for (const t of key) {
        // A random blob: a union of a few random discs.
        const img = new Uint8Array(w * h);
        for (let c = 0; c < 3; c++) {
          const cu = 2 + r() * (w - 4);
          const cv = 2 + r() * (h - 4);
          const rad = 1 + r() * 3;
          for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x - cu) ** 2 + (y - cv) ** 2 <= rad * rad) img[x + y * w] = 1;
        }
        img[0] = 1; // touch the slice border too
        shapes.push(img);
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const ijk = [0, 0, 0];
            ijk[axis] = t;
            ijk[plane[0]] = x;
            ijk[plane[1]] = y;
            if (img[x + y * w]) labels[at(d, ijk[0], ijk[1], ijk[2])] = 2;
          }
        }
      }
      const { labels: out } = fillBetweenSlices(labels, { dimensions: d, spacingMm }, { axis });
      for (let t = 0; t < n; t++) {
        const got = new Uint8Array(w * h);
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const ijk = [0, 0, 0];
            ijk[axis] = t;
            ijk[plane[0]] = x;
            ijk[plane[1]] = y;
            got[x + y * w] = out[at(d, ijk[0], ijk[1], ijk[2])] === 2 ? 1 : 0;
          }
        }
        let expected: Uint8Array;
        const g = key.findIndex((s) => s >= t);
        if (g < 0 || t < key[0]) expected = new Uint8Array(w * h);
        else if (key[g] === t) expected = shapes[g];
        else expected = Uint8Array.from(bruteInterpolate(shapes[g - 1], shapes[g], (t - key[g - 1]) / (key[g] - key[g - 1]), w, h, spacingMm[plane[0]], spacingMm[plane[1]]));
        expect(got, `axis ${axis} slice ${t}`).toEqual(expected);
      }
    }
  });

  it('interpolates two labels independently, each between its own key slices', () => {
    const d: Dims = [40, 24, 10];
    const grid: LabelGrid = { dimensions: d, spacingMm: [1, 1, 1] };
    const both = new Uint8Array(40 * 24 * 10);
    const only1 = new Uint8Array(40 * 24 * 10);
    const only2 = new Uint8Array(40 * 24 * 10);
    for (const m of [both, only1]) {
      paintK(m, d, 0, 1, disc(9, 12, 3));
      paintK(m, d, 6, 1, disc(9, 12, 7));
    }
    for (const m of [both, only2]) {
      paintK(m, d, 2, 2, (i, j) => i >= 24 && i <= 34 && j >= 4 && j <= 8);
      paintK(m, d, 9, 2, (i, j) => i >= 26 && i <= 30 && j >= 10 && j <= 20);
    }
    const out = fillBetweenSlices(both, grid, { axis: 2 });
    const out1 = fillBetweenSlices(only1, grid, { axis: 2 }).labels;
    const out2 = fillBetweenSlices(only2, grid, { axis: 2 }).labels;
    for (let v = 0; v < both.length; v++) expect(out.labels[v]).toBe(out1[v] || out2[v]);
    expect(out.filledSlices.get(1)).toEqual([1, 2, 3, 4, 5]);
    expect(out.filledSlices.get(2)).toEqual([3, 4, 5, 6, 7, 8]);
    // Restricting to one label leaves the other alone.
    const just2 = fillBetweenSlices(both, grid, { axis: 2, labels: [2] });
    expect([...just2.filledSlices.keys()]).toEqual([2]);
    for (let v = 0; v < both.length; v++) expect(just2.labels[v]).toBe(both[v] || out2[v]);
  });

  it('writes into a given array, or in place', () => {
    const d: Dims = [30, 20, 6];
    const grid: LabelGrid = { dimensions: d, spacingMm: [1, 1, 1] };
    const labels = new Uint8Array(30 * 20 * 6);
    paintK(labels, d, 0, 1, disc(8, 10, 3));
    paintK(labels, d, 5, 1, disc(9, 10, 6));
    paintK(labels, d, 1, 2, disc(22, 10, 5));
    paintK(labels, d, 4, 2, disc(21, 9, 2));
    labels[at(d, 8, 10, 2)] = 7;
    const fresh = fillBetweenSlices(labels, grid, { axis: 2 });
    const into = new Uint8Array(labels.length).fill(9);
    const r = fillBetweenSlices(labels, grid, { axis: 2, into });
    expect(r.labels).toBe(into);
    expect(into).toEqual(fresh.labels);
    const inPlace = labels.slice();
    const r2 = fillBetweenSlices(inPlace, grid, { axis: 2, into: inPlace });
    expect(r2.labels).toBe(inPlace);
    expect(inPlace).toEqual(fresh.labels);
    expect(r2.filledVoxels).toBe(fresh.filledVoxels);
    expect(() => fillBetweenSlices(labels, grid, { axis: 2, into: new Uint8Array(3) })).toThrow(/voxels/);
  });

  it('gives the same result along i (row-order path) as along k on the transposed labelmap', () => {
    // Random multi-label keys, competing labels, a pre-existing voxel; axis 0 on A equals axis 2 on Aᵀ (i ↔ k).
    const r = rng(7);
    const dA: Dims = [9, 16, 14];
    const dT: Dims = [14, 16, 9];
    const a = new Uint8Array(9 * 16 * 14);
    for (const [label, keys] of [
      [1, [0, 4, 8]],
      [2, [1, 6]],
      [3, [2, 5]],
    ] as [number, number[]][]) {
      for (const i of keys) {
        for (let c = 0; c < 2; c++) {
          const cj = 3 + r() * 10;
          const ck = 3 + r() * 8;
          const rad = 2 + r() * 3;
          for (let k = 0; k < 14; k++) for (let j = 0; j < 16; j++) if ((j - cj) ** 2 + (k - ck) ** 2 <= rad * rad && a[at(dA, i, j, k)] === 0) a[at(dA, i, j, k)] = label;
        }
      }
    }
    a[at(dA, 3, 8, 7)] = 9;
    const t = new Uint8Array(a.length);
    for (let k = 0; k < 14; k++) for (let j = 0; j < 16; j++) for (let i = 0; i < 9; i++) t[at(dT, k, j, i)] = a[at(dA, i, j, k)];
    const outA = fillBetweenSlices(a, { dimensions: dA, spacingMm: [1.3, 0.7, 0.9] }, { axis: 0 });
    const outT = fillBetweenSlices(t, { dimensions: dT, spacingMm: [0.9, 0.7, 1.3] }, { axis: 2 });
    expect(outA.filledVoxels).toBeGreaterThan(50);
    expect(outA.filledVoxels).toBe(outT.filledVoxels);
    expect(outA.filledSlices).toEqual(outT.filledSlices);
    for (let k = 0; k < 14; k++) for (let j = 0; j < 16; j++) for (let i = 0; i < 9; i++) expect(outA.labels[at(dA, i, j, k)]).toBe(outT.labels[at(dT, k, j, i)]);
  });

  it('never overwrites other segments; overlapping interpolations go to the deeper label', () => {
    const d: Dims = [30, 20, 5];
    const grid: LabelGrid = { dimensions: d, spacingMm: [1, 1, 1] };
    const labels = new Uint8Array(30 * 20 * 5);
    // Label 1 on the left, label 2 on the right, both large enough to overlap in the middle column band.
    paintK(labels, d, 0, 1, (i) => i <= 16);
    paintK(labels, d, 4, 1, (i) => i <= 16);
    paintK(labels, d, 0, 2, (i) => i >= 17);
    paintK(labels, d, 4, 2, (i) => i >= 17);
    // A voxel of label 3 already in the gap is kept.
    labels[at(d, 5, 5, 2)] = 3;
    const { labels: out } = fillBetweenSlices(labels, grid, { axis: 2 });
    expect(out[at(d, 5, 5, 2)]).toBe(3);
    for (const k of [1, 2, 3]) {
      for (let i = 0; i < 30; i++) if (!(i === 5 && k === 2)) expect(out[at(d, i, 5, k)]).toBe(i <= 16 ? 1 : 2);
    }
  });

  it('changes nothing when there is no gap along the chosen axis, or nothing to interpolate', () => {
    const d: Dims = [16, 16, 9];
    const grid: LabelGrid = { dimensions: d, spacingMm: [1, 1, 1] };
    const labels = new Uint8Array(16 * 16 * 9);
    paintK(labels, d, 1, 1, disc(8, 8, 3));
    paintK(labels, d, 7, 1, disc(8, 8, 5));
    // Segmented on axial slices 1 and 7, but interpolated along i (sagittal): along i the label
    // occupies contiguous slices 3..13, so there is no gap to fill.
    for (const axis of [0, 1] as SliceAxis[]) {
      const r = fillBetweenSlices(labels, grid, { axis });
      expect(r.filledVoxels).toBe(0);
      expect(r.labels).toEqual(labels);
      expect(r.labels).not.toBe(labels);
    }
    expect(fillBetweenSlices(labels, grid, { axis: 2 }).filledVoxels).toBeGreaterThan(0);
    const empty = new Uint8Array(16 * 16 * 9);
    expect(fillBetweenSlices(empty, grid, { axis: 2 }).filledVoxels).toBe(0);
    const single = new Uint8Array(16 * 16 * 9);
    paintK(single, d, 4, 1, disc(8, 8, 3));
    expect(fillBetweenSlices(single, grid, { axis: 2 }).labels).toEqual(single);
    expect(fillBetweenSlices(labels, grid, { axis: 2, labels: [5] }).filledVoxels).toBe(0);
    expect(() => fillBetweenSlices(labels, grid, { axis: 3 as SliceAxis })).toThrow(/axis/);
    expect(() => fillBetweenSlices(new Uint8Array(5), grid, { axis: 2 })).toThrow(/voxels/);
  });

  it('fills the gaps of several key slices of one label, each from its two nearest keys', () => {
    const d: Dims = [20, 20, 9];
    const grid: LabelGrid = { dimensions: d, spacingMm: [1, 1, 1] };
    const labels = new Uint8Array(20 * 20 * 9);
    paintK(labels, d, 0, 1, disc(10, 10, 2));
    paintK(labels, d, 2, 1, disc(10, 10, 6));
    paintK(labels, d, 3, 1, disc(10, 10, 6)); // adjacent keys: no gap between them
    paintK(labels, d, 8, 1, disc(10, 10, 6));
    const { labels: out, filledSlices } = fillBetweenSlices(labels, grid, { axis: 2 });
    expect(filledSlices.get(1)).toEqual([1, 4, 5, 6, 7]);
    // Between two identical keys the shape is copied exactly.
    for (const k of [4, 5, 6, 7]) expect(sliceK(out, d, k, 1)).toEqual(sliceK(labels, d, 3, 1));
    const mid = count(sliceK(out, d, 1, 1));
    expect(mid).toBeGreaterThan(count(sliceK(labels, d, 0, 1)));
    expect(mid).toBeLessThan(count(sliceK(labels, d, 2, 1)));
  });
});
