import { describe, expect, it } from 'vitest';
import type { LabelGrid } from '../../../src/core/segmentation/grid';
import { labelIslands } from '../../../src/core/segmentation/islands';
import { growMask, shrinkMask } from '../../../src/core/segmentation/margin';
import { rng } from '../../helpers/syntheticSeries';
import {
  closeMask,
  gaussianKernel,
  gaussianSmooth,
  jointSmooth,
  medianFilter,
  medianKernelVoxels,
  openMask,
} from '../../../src/core/segmentation/smoothing';

const grid = (dimensions: [number, number, number], spacingMm: [number, number, number]): LabelGrid => ({ dimensions, spacingMm });
const count = (m: Uint8Array): number => m.reduce((s, x) => s + (x ? 1 : 0), 0);
const vox = (g: LabelGrid) => g.dimensions[0] * g.dimensions[1] * g.dimensions[2];


function boxMask(g: LabelGrid, min: number[], max: number[], value = 1, into?: Uint8Array): Uint8Array {
  const [nx, ny] = g.dimensions;
  const m = into ?? new Uint8Array(vox(g));
  for (let k = min[2]; k < max[2]; k++) for (let j = min[1]; j < max[1]; j++) for (let i = min[0]; i < max[0]; i++) m[i + j * nx + k * nx * ny] = value;
  return m;
}

/** Brute-force majority over the kernel cut to the grid; ties keep the voxel. */
function bruteMedian(mask: Uint8Array, g: LabelGrid, [kx, ky, kz]: number[]): Uint8Array {
  const [nx, ny, nz] = g.dimensions;
  const out = new Uint8Array(mask.length);
  const [hx, hy, hz] = [kx >> 1, ky >> 1, kz >> 1];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        let ones = 0;
        let all = 0;
        for (let c = k - hz; c <= k + hz; c++)
          for (let b = j - hy; b <= j + hy; b++)
            for (let a = i - hx; a <= i + hx; a++) {
              if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
              all++;
              if (mask[a + b * nx + c * nx * ny]) ones++;
            }
        const v = i + j * nx + k * nx * ny;
        out[v] = 2 * ones > all || (2 * ones === all && mask[v]) ? 1 : 0;
      }
  return out;
}

/** Brute-force separable Gaussian (edge voxels repeat beyond the grid), in float64. */
function bruteGaussian(ind: Float64Array, g: LabelGrid, sigma: number): Float64Array {
  const [nx, ny, nz] = g.dimensions;
  let cur = ind;
  for (let axis = 0; axis < 3; axis++) {
    const k = gaussianKernel(sigma, g.spacingMm[axis]);
    const r = (k.length - 1) / 2;
    const next = new Float64Array(cur.length);
    const stride = [1, nx, nx * ny][axis];
    const n = g.dimensions[axis];
    for (let v = 0; v < cur.length; v++) {
      const p = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))][axis];
      let s = 0;
      for (let d = -r; d <= r; d++) {
        const q = Math.min(Math.max(p + d, 0), n - 1);
        s += k[d + r] * cur[v + (q - p) * stride];
      }
      next[v] = s;
    }
    cur = next;
  }
  void nz;
  return cur;
}

describe('medianFilter', () => {
  const g = grid([12, 10, 8], [0.5, 1, 2.5]);

  it('turns a size in mm into odd voxel counts per axis, optionally at least 3', () => {
    expect(medianKernelVoxels(g, 3)).toEqual([7, 3, 1]); // 6 → 7 (round half up), 3 → 3, 1.2 → 1
    expect(medianKernelVoxels(g, 3, 3)).toEqual([7, 3, 3]);
    expect(medianKernelVoxels(g, 1.4)).toEqual([3, 1, 1]);
    expect(() => medianKernelVoxels(g, -1)).toThrow(/sizeMm/);
    expect(() => medianFilter(new Uint8Array(vox(g)), g, { voxels: [3, 2, 3] })).toThrow(/odd/);
  });

  it('removes a one-voxel speck, fills a one-voxel hole and trims the box edges (3 × 3 × 3)', () => {
    const mask = boxMask(g, [2, 2, 2], [9, 8, 7]);
    const nx = 12;
    const nxy = 120;
    mask[5 + 5 * nx + 4 * nxy] = 0; // hole
    mask[11 + 0 * nx + 0 * nxy] = 1; // speck in a corner of the grid
    mask[0 + 9 * nx + 4 * nxy] = 1; // speck on a face
    const copy = mask.slice();
    const out = medianFilter(mask, g, { voxels: [3, 3, 3] });
    expect(Array.from(mask)).toEqual(Array.from(copy));
    expect(out[5 + 5 * nx + 4 * nxy]).toBe(1);
    expect(out[11]).toBe(0);
    expect(out[0 + 9 * nx + 4 * nxy]).toBe(0);
    // A voxel on one face keeps 18 of 27; on an edge only 12 → gone; so the box loses its 12 edges.
    const want = boxMask(g, [2, 2, 2], [9, 8, 7]);
    for (let k = 2; k < 7; k++)
      for (let j = 2; j < 8; j++)
        for (let i = 2; i < 9; i++) {
          const faces = +(i === 2 || i === 8) + +(j === 2 || j === 7) + +(k === 2 || k === 6);
          if (faces >= 2) want[i + j * nx + k * nxy] = 0;
        }
    expect(Array.from(out)).toEqual(Array.from(want));
  });

  it('equals a brute-force majority vote (kernel cut at the grid edge, ties keep) on random masks', () => {
    const r = rng(21);
    for (const kernel of [
      [3, 3, 3],
      [5, 3, 1],
      [1, 5, 3],
    ]) {
      for (const p of [0.3, 0.5, 0.7]) {
        const mask = new Uint8Array(vox(g)).map(() => (r() < p ? 1 : 0));
        expect(Array.from(medianFilter(mask, g, { voxels: kernel as [number, number, number] }))).toEqual(Array.from(bruteMedian(mask, g, kernel)));
      }
    }
    const mask = new Uint8Array(vox(g)).map(() => (r() < 0.5 ? 1 : 0));
    expect(Array.from(medianFilter(mask, g, { sizeMm: 3, minVoxels: 3 }))).toEqual(Array.from(bruteMedian(mask, g, [7, 3, 3])));
    expect(count(medianFilter(new Uint8Array(vox(g)), g, { sizeMm: 2 }))).toBe(0);
  });

  it('3 × 3 × 3 on word-aligned rows (counted four voxels at a time) equals the brute force, whatever the non-zero values', () => {
    const r = rng(33);
    for (const dims of [
      [16, 9, 7],
      [8, 12, 5],
      [20, 6, 9],
    ] as [number, number, number][]) {
      const h = grid(dims, [0.5, 0.7, 1.1]);
      for (const p of [0.1, 0.5, 0.8]) {
        // Values 1, 2, 128 and 255 all count as inside: noise touching the faces, and a box with noise away from them.
        const value = (): number => [1, 2, 128, 255][Math.floor(r() * 4)];
        const mask = new Uint8Array(vox(h)).map(() => (r() < p ? value() : 0));
        const [nx, ny, nz] = dims;
        const away = boxMask(h, [4, 3, 2], [nx - 3, ny - 2, nz - 2]);
        for (let k = 2; k < nz - 2; k++)
          for (let j = 2; j < ny - 2; j++) for (let i = 2; i < nx - 2; i++) if (r() < p) away[i + j * nx + k * nx * ny] = r() < 0.5 ? 0 : value();
        for (const m of [mask, away]) {
          expect(Array.from(medianFilter(m, h, { voxels: [3, 3, 3] }))).toEqual(Array.from(bruteMedian(m, h, [3, 3, 3])));
          // The same mask at an unaligned offset (the general path) agrees.
          const buf = new Uint8Array(m.length + 1);
          buf.set(m, 1);
          expect(Array.from(medianFilter(buf.subarray(1), h, { voxels: [3, 3, 3] }))).toEqual(Array.from(bruteMedian(m, h, [3, 3, 3])));
        }
      }
    }
  });
});

describe('openMask and closeMask', () => {
  const g = grid([30, 12, 5], [0.5, 1, 2.5]);
  const nx = 30;
  const nxy = 360;
  // Two 5 mm × 8 mm blobs (i 2..11 and 18..27) joined by a bridge along i, one row thin (1 mm).
  const blobs = (bridgeRows: number): Uint8Array => {
    const m = boxMask(g, [2, 2, 1], [12, 10, 4]);
    boxMask(g, [18, 2, 1], [28, 10, 4], 1, m);
    boxMask(g, [12, 5, 1], [18, 5 + bridgeRows, 4], 1, m);
    return m;
  };

  it('opening by 1 mm removes a bridge 1 mm or 2 mm thick (≤ 2r) and keeps the blobs', () => {
    for (const rows of [1, 2]) {
      const mask = blobs(rows);
      const out = openMask(mask, g, 1);
      for (let v = 0; v < out.length; v++) if (out[v]) expect(mask[v]).toBe(1);
      expect(labelIslands(out, g.dimensions).count).toBe(2);
      expect(out[15 + 5 * nx + 2 * nxy]).toBe(0);
      expect(out[6 + 6 * nx + 2 * nxy]).toBe(1);
      expect(out[2 + 2 * nx + 1 * nxy]).toBe(0); // the blob's box corner is rounded off (√(0.25 + 1) > 1)
      expect(out[2 + 6 * nx + 1 * nxy]).toBe(1); // its face stays
      // Exactly grow(shrink) with the edge ignored.
      expect(Array.from(out)).toEqual(Array.from(growMask(shrinkMask(mask, g, 1, { edge: 'ignore' }), g, 1)));
    }
  });

  it('opening by 1 mm keeps a bridge 3 mm thick (> 2r)', () => {
    const out = openMask(blobs(3), g, 1);
    expect(labelIslands(out, g.dimensions).count).toBe(1);
    expect(out[15 + 6 * nx + 2 * nxy]).toBe(1);
  });

  it('closing fills gaps up to 2r and keeps everything that was there', () => {
    // Two blobs with a 1 mm gap (2 voxels along i) between them.
    const mask = boxMask(g, [2, 2, 1], [14, 10, 4]);
    boxMask(g, [16, 2, 1], [28, 10, 4], 1, mask);
    const out = closeMask(mask, g, 1);
    for (let v = 0; v < out.length; v++) if (mask[v]) expect(out[v]).toBe(1);
    for (let j = 3; j < 9; j++) for (const i of [14, 15]) expect(out[i + j * nx + 2 * nxy]).toBe(1);
    expect(labelIslands(out, g.dimensions).count).toBe(1);
    // A 4 mm gap is too wide for a 1 mm closing.
    const far = boxMask(g, [2, 2, 1], [10, 10, 4]);
    boxMask(g, [18, 2, 1], [28, 10, 4], 1, far);
    expect(Array.from(closeMask(far, g, 1))).toEqual(Array.from(far));
  });

  it('the grid edge: opening keeps a mask that fills the grid, closing neither trims it nor joins a mask to the edge', () => {
    const full = boxMask(g, [0, 0, 0], [30, 12, 5]);
    expect(count(closeMask(full, g, 1))).toBe(vox(g));
    expect(count(openMask(full, g, 1))).toBe(vox(g));
    // 1 mm from the edge along i: closing by 1 mm does not fill the strip next to the edge.
    const near = boxMask(g, [2, 2, 1], [28, 10, 4]);
    expect(Array.from(closeMask(near, g, 1))).toEqual(Array.from(near));
    // A pit a 1 mm ball cannot enter is filled; a notch on the face it can reach into is not.
    const pitted = near.slice();
    pitted[12 + 5 * nx + 2 * nxy] = 0;
    pitted[2 + 5 * nx + 2 * nxy] = 0;
    const closed = closeMask(pitted, g, 1);
    expect(closed[12 + 5 * nx + 2 * nxy]).toBe(1);
    expect(closed[2 + 5 * nx + 2 * nxy]).toBe(0); // (0, 5, 2) is outside the grown mask and 1 mm away
    const mask = blobs(1);
    expect(Array.from(openMask(mask, g, 0))).toEqual(Array.from(mask));
    expect(() => openMask(mask, g, -1)).toThrow(/opening radius/);
    expect(() => closeMask(mask, g, Number.NaN)).toThrow(/closing radius/);
  });
});

describe('gaussianSmooth', () => {
  const g = grid([16, 12, 8], [0.5, 1, 2.5]);

  it('kernels: normalised, 3σ radius per axis spacing', () => {
    const k = gaussianKernel(1, 0.5);
    expect(k.length).toBe(13);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(k[6] / k[8]).toBeCloseTo(Math.exp(1 / 2), 10); // 1 mm = 2 voxels = 1σ away
    expect(gaussianKernel(1, 2.5).length).toBe(5); // ⌈3 / 2.5⌉ = 2 each side
  });

  it('equals a brute-force separable Gaussian thresholded at 0.5', () => {
    const r = rng(33);
    for (const sigma of [0.6, 1, 2]) {
      for (const p of [0.2, 0.5]) {
        const mask = new Uint8Array(vox(g)).map(() => (r() < p ? 1 : 0));
        boxMask(g, [3, 3, 2], [12, 9, 6], 1, mask);
        const smooth = bruteGaussian(Float64Array.from(mask), g, sigma);
        const out = gaussianSmooth(mask, g, sigma);
        let checked = 0;
        for (let v = 0; v < out.length; v++) {
          if (Math.abs(smooth[v] - 0.5) < 1e-5) continue; // float ties
          expect(out[v], `voxel ${v}: ${smooth[v]}`).toBe(smooth[v] >= 0.5 ? 1 : 0);
          checked++;
        }
        expect(checked).toBeGreaterThan(out.length - 5);
      }
    }
  });

  it('removes a speck, keeps a big block, keeps a block cut by the grid edge, σ = 0 copies', () => {
    const mask = boxMask(g, [4, 3, 2], [12, 9, 6]);
    mask[15 + 11 * 16 + 7 * 192] = 1;
    const copy = mask.slice();
    const out = gaussianSmooth(mask, g, 1);
    expect(Array.from(mask)).toEqual(Array.from(copy));
    expect(out[15 + 11 * 16 + 7 * 192]).toBe(0);
    expect(out[8 + 6 * 16 + 4 * 192]).toBe(1);
    const edge = boxMask(g, [0, 0, 0], [8, 12, 8]);
    const e = gaussianSmooth(edge, g, 1);
    expect(Array.from(e)).toEqual(Array.from(edge)); // a flat cut: nothing moves
    expect(Array.from(gaussianSmooth(copy, g, 0))).toEqual(Array.from(copy));
    expect(() => gaussianSmooth(mask, g, -1)).toThrow(/sigma/);
    expect(() => gaussianSmooth(new Uint8Array(3), g, 1)).toThrow(/3 voxels/);
  });
});

describe('jointSmooth', () => {
  const g = grid([20, 14, 8], [0.5, 1, 2.5]);
  const nx = 20;
  const nxy = 280;
  // Segments 1 and 2 share a face at i = 10; segment 7 sits apart; a speck of 1 touches 2.
  const labels = (): Uint8Array => {
    const m = boxMask(g, [2, 2, 1], [10, 12, 7], 1);
    boxMask(g, [10, 2, 1], [17, 12, 7], 2, m);
    boxMask(g, [2, 12, 6], [5, 14, 8], 7, m);
    m[17 + 6 * nx + 4 * nxy] = 1;
    return m;
  };

  it('covers exactly the smoothed union: no gap at the shared boundary, every voxel one label', () => {
    const map = labels();
    const copy = map.slice();
    const out = jointSmooth(map, g, 1);
    expect(Array.from(map)).toEqual(Array.from(copy));
    const union = map.map((x) => (x ? 1 : 0));
    const smoothUnion = gaussianSmooth(union, g, 1);
    expect(Array.from(out.map((x) => (x ? 1 : 0)))).toEqual(Array.from(smoothUnion));
    // Along the shared face, the row through the middle is covered without a gap: 1s then 2s.
    let row = '';
    for (let i = 0; i < nx; i++) row += String(out[i + 7 * nx + 4 * nxy]);
    expect(row).toMatch(/^0*1+2+0*$/);
    expect(out[9 + 7 * nx + 4 * nxy]).toBe(1);
    expect(out[10 + 7 * nx + 4 * nxy]).toBe(2);
    // The speck of 1 inside 2's neighbourhood is absorbed; only present labels appear.
    expect(out[17 + 6 * nx + 4 * nxy]).not.toBe(1);
    expect(new Set(out)).toEqual(new Set([0, 1, 2, 7]));
  });

  it('differs from smoothing segments one by one, which opens gaps between them', () => {
    const map = labels();
    const out = jointSmooth(map, g, 1.5);
    const separate = new Uint8Array(map.length);
    for (const id of [1, 2, 7]) {
      const s = gaussianSmooth(map.map((x) => (x === id ? 1 : 0)), g, 1.5);
      for (let v = 0; v < s.length; v++) if (s[v]) separate[v] = separate[v] ? 255 : id;
    }
    const unionSmooth = gaussianSmooth(map.map((x) => (x ? 1 : 0)), g, 1.5);
    let gaps = 0;
    for (let v = 0; v < map.length; v++) if (unionSmooth[v] && !separate[v]) gaps++;
    expect(gaps).toBeGreaterThan(0); // the naive way leaves holes along the shared boundary...
    for (let v = 0; v < map.length; v++) if (unionSmooth[v]) expect(out[v]).not.toBe(0); // ...joint does not
  });

  it('one segment is its Gaussian smoothing; empty stays empty; σ = 0 copies; bad input throws', () => {
    const one = boxMask(g, [3, 3, 2], [12, 10, 6], 9);
    const s = gaussianSmooth(one, g, 1);
    expect(Array.from(jointSmooth(one, g, 1))).toEqual(Array.from(s.map((x) => x * 9)));
    expect(count(jointSmooth(new Uint8Array(vox(g)), g, 1))).toBe(0);
    expect(Array.from(jointSmooth(labels(), g, 0))).toEqual(Array.from(labels()));
    expect(() => jointSmooth(labels(), g, -0.5)).toThrow(/sigma/);
    expect(() => jointSmooth(new Uint8Array(7), g, 1)).toThrow(/labelmap has 7 voxels/);
  });
});

describe('output buffers', () => {
  it('median, opening, closing and Gaussian write into given arrays (cleared first) exactly what they return fresh', () => {
    const r = rng(31);
    const g = grid([24, 20, 10], [0.5, 0.6, 1.1]);
    const mask = new Uint8Array(vox(g)).map((_, v) => {
      const i = v % 24;
      const j = Math.floor(v / 24) % 20;
      const k = Math.floor(v / 480);
      return ((i - 12) / 8) ** 2 + ((j - 10) / 7) ** 2 + ((k - 5) / 3.5) ** 2 < 1 ? (r() < 0.93 ? 1 : 0) : r() < 0.03 ? 1 : 0;
    });
    const dirty = (): Uint8Array => new Uint8Array(mask.length).fill(5);
    const cases: [string, () => Uint8Array, (into: Uint8Array, temp: Uint8Array) => Uint8Array][] = [
      ['median', () => medianFilter(mask, g, { voxels: [3, 3, 3] }), (into) => medianFilter(mask, g, { voxels: [3, 3, 3] }, into)],
      ['median 5', () => medianFilter(mask, g, { voxels: [5, 3, 3] }), (into) => medianFilter(mask, g, { voxels: [5, 3, 3] }, into)],
      ['opening', () => openMask(mask, g, 1.2), (into, temp) => openMask(mask, g, 1.2, { into, temp })],
      ['closing', () => closeMask(mask, g, 1.2), (into, temp) => closeMask(mask, g, 1.2, { into, temp })],
      ['gaussian', () => gaussianSmooth(mask, g, 0.8), (into) => gaussianSmooth(mask, g, 0.8, into)],
    ];
    for (const [name, fresh, given] of cases) {
      const into = dirty();
      const want = fresh();
      expect(given(into, dirty())).toBe(into);
      expect(Array.from(into), name).toEqual(Array.from(want));
      expect(count(want), name).toBeGreaterThan(100);
    }
    expect(() => medianFilter(mask, g, { voxels: [3, 3, 3] }, mask)).toThrow(/over its input/);
  });
});
