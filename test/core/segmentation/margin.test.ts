import { describe, expect, it } from 'vitest';
import type { LabelGrid } from '../../../src/core/segmentation/grid';
import { growMask, marginMask, shrinkMask } from '../../../src/core/segmentation/margin';
import { rng } from '../../helpers/syntheticSeries';

const grid = (dimensions: [number, number, number], spacingMm: [number, number, number]): LabelGrid => ({ dimensions, spacingMm });


/** Brute force: 1 where the nearest voxel with `isSource` (optionally a layer beyond the grid) is within r mm. */
function bruteWithin(g: LabelGrid, isSource: (i: number, j: number, k: number) => boolean, r: number, edge = false): Uint8Array {
  const [nx, ny, nz] = g.dimensions;
  const [sx, sy, sz] = g.spacingMm;
  const src: [number, number, number][] = [];
  for (let k = -1; k <= nz; k++)
    for (let j = -1; j <= ny; j++)
      for (let i = -1; i <= nx; i++) {
        const inGrid = i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz;
        if (inGrid ? isSource(i, j, k) : edge) src.push([i, j, k]);
      }
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        for (const [a, b, c] of src)
          if (((i - a) * sx) ** 2 + ((j - b) * sy) ** 2 + ((k - c) * sz) ** 2 <= r * r + 1e-9) {
            out[i + j * nx + k * nx * ny] = 1;
            break;
          }
  return out;
}

const count = (m: Uint8Array): number => m.reduce((s, x) => s + (x ? 1 : 0), 0);

function boxMask(g: LabelGrid, min: number[], max: number[], value = 1): Uint8Array {
  const [nx, ny] = g.dimensions;
  const m = new Uint8Array(g.dimensions[0] * g.dimensions[1] * g.dimensions[2]);
  for (let k = min[2]; k < max[2]; k++) for (let j = min[1]; j < max[1]; j++) for (let i = min[0]; i < max[0]; i++) m[i + j * nx + k * nx * ny] = value;
  return m;
}

describe('growMask', () => {
  const g = grid([15, 7, 5], [0.5, 1, 2.5]);
  const at = (i: number, j: number, k: number): number => i + j * 15 + k * 105;

  it('one voxel grown by 2.6 mm on 0.5 × 1 × 2.5 mm is the ellipsoid of voxels within 2.6 mm (49 voxels)', () => {
    const mask = new Uint8Array(15 * 7 * 5);
    mask[at(7, 3, 2)] = 1;
    const out = growMask(mask, g, 2.6);
    // Slice k=2: rows dj=0 → |di| ≤ 5 (11), dj=±1 → |di| ≤ 4 (2×9), dj=±2 → |di| ≤ 3 (2×7); k=1,3: di ∈ −1..1 on row 3 (2×3).
    expect(count(out)).toBe(49);
    expect(out[at(2, 3, 2)]).toBe(1); // 2.5 mm along i
    expect(out[at(1, 3, 2)]).toBe(0); // 3 mm along i
    expect(out[at(7, 3, 1)]).toBe(1); // 2.5 mm along k
    expect(out[at(7, 4, 1)]).toBe(0); // √(1 + 6.25) mm
    expect(out[at(8, 3, 3)]).toBe(1); // √(0.25 + 6.25) = 2.55 mm
    expect(out[at(9, 3, 3)]).toBe(0); // √(1 + 6.25)
    expect(out[at(7, 3, 0)]).toBe(0); // 5 mm
    expect(Array.from(out)).toEqual(Array.from(bruteWithin(g, (i, j, k) => i === 7 && j === 3 && k === 2, 2.6)));
  });

  it('counts a voxel exactly r away (2.5 mm = one slice) as within', () => {
    const mask = new Uint8Array(15 * 7 * 5);
    mask[at(7, 3, 2)] = 1;
    const out = growMask(mask, g, 2.5);
    expect(out[at(7, 3, 1)]).toBe(1);
    expect(out[at(7, 3, 3)]).toBe(1);
    expect(out[at(8, 3, 3)]).toBe(0);
    expect(count(growMask(mask, g, 0.49))).toBe(1); // less than the smallest spacing: unchanged
  });

  it('a box grown by 1 mm: 2 voxels along i, 1 along j, none along k, rounded edges', () => {
    const gg = grid([14, 8, 4], [0.5, 1, 2.5]);
    const mask = boxMask(gg, [4, 3, 1], [10, 5, 3]);
    const out = growMask(mask, gg, 1);
    const v = (i: number, j: number, k: number): number => out[i + j * 14 + k * 112];
    expect([v(1, 3, 1), v(2, 3, 1), v(3, 3, 1), v(10, 3, 1), v(11, 3, 1), v(12, 3, 1)]).toEqual([0, 1, 1, 1, 1, 0]);
    expect([v(5, 1, 2), v(5, 2, 2), v(5, 5, 2), v(5, 6, 2)]).toEqual([0, 1, 1, 0]);
    expect([v(5, 3, 0), v(5, 3, 3)]).toEqual([0, 0]);
    expect(v(3, 2, 1)).toBe(0); // diagonal: √(0.25 + 1) > 1
    expect(count(out)).toBe(6 * 2 * 2 + 2 * 2 * 2 * 2 + 6 * 2 * 2); // box + i-faces + j-faces
  });

  it('equals brute force on random masks and spacings', () => {
    const r = rng(5);
    for (const [dims, sp, rad] of [
      [[9, 8, 6], [0.5, 1, 2.5], 2.6],
      [[8, 9, 7], [1.2, 0.4, 0.9], 1.3],
      [[7, 7, 7], [1, 1, 1], 2.2],
    ] as const) {
      const gg = grid([...dims], [...sp]);
      const n = dims[0] * dims[1] * dims[2];
      const mask = new Uint8Array(n).map(() => (r() < 0.04 ? 1 : 0));
      const want = bruteWithin(gg, (i, j, k) => mask[i + j * dims[0] + k * dims[0] * dims[1]] !== 0, rad);
      expect(Array.from(growMask(mask, gg, rad))).toEqual(Array.from(want));
    }
  });

  it('treats any non-zero input as the mask, returns 0/1 and leaves the input alone', () => {
    const mask = new Uint8Array(15 * 7 * 5);
    mask[at(7, 3, 2)] = 200;
    const copy = mask.slice();
    const out = growMask(mask, g, 0.5);
    expect(Array.from(mask)).toEqual(Array.from(copy));
    expect(out[at(7, 3, 2)]).toBe(1);
    expect(out[at(6, 3, 2)]).toBe(1);
    expect(Math.max(...out)).toBe(1);
    expect(out).not.toBe(mask);
    expect(count(growMask(new Uint8Array(15 * 7 * 5), g, 3))).toBe(0);
  });

  it('rejects negative or non-finite distances and wrong sizes', () => {
    const mask = new Uint8Array(15 * 7 * 5);
    expect(() => growMask(mask, g, -1)).toThrow(/grow distance/);
    expect(() => growMask(mask, g, Number.NaN)).toThrow(/grow distance/);
    expect(() => growMask(new Uint8Array(10), g, 1)).toThrow(/10 voxels/);
    expect(() => shrinkMask(mask, g, -0.1)).toThrow(/shrink distance/);
    expect(() => shrinkMask(mask, g, 1, { edge: 'x' as never })).toThrow(/edge/);
    expect(() => marginMask(mask, g, Infinity)).toThrow(/margin/);
  });
});

describe('shrinkMask', () => {
  it('a box shrunk by 1 mm loses 2 voxels along i, 1 along j and none along k (2.5 mm slices)', () => {
    const gg = grid([14, 8, 6], [0.5, 1, 2.5]);
    const mask = boxMask(gg, [2, 1, 1], [12, 7, 5]);
    const out = shrinkMask(mask, gg, 1);
    expect(Array.from(out)).toEqual(Array.from(boxMask(gg, [4, 2, 1], [10, 6, 5])));
    // 2 mm: 4 voxels along i, 2 rows along j, still no slice (2.5 mm apart).
    expect(Array.from(shrinkMask(mask, gg, 2))).toEqual(Array.from(boxMask(gg, [6, 3, 1], [8, 5, 5])));
    // 2.5 mm reaches one slice: the end slices go too (and the box along i is gone).
    const tall = boxMask(gg, [0, 1, 1], [14, 7, 5]);
    expect(Array.from(shrinkMask(tall, gg, 2.5, { edge: 'ignore' }))).toEqual(Array.from(boxMask(gg, [0, 3, 2], [14, 5, 4])));
  });

  it('the grid edge is outside by default, ignored with edge: "ignore"', () => {
    const gg = grid([6, 4, 3], [0.5, 1, 2.5]);
    const full = new Uint8Array(72).fill(1);
    expect(Array.from(shrinkMask(full, gg, 1))).toEqual(Array.from(boxMask(gg, [2, 1, 0], [4, 3, 3])));
    expect(Array.from(shrinkMask(full, gg, 1, { edge: 'ignore' }))).toEqual(Array.from(full));
    expect(count(shrinkMask(full, gg, 2.5))).toBe(0);
    expect(count(shrinkMask(full, gg, 2.5, { edge: 'ignore' }))).toBe(72);
  });

  it('equals brute force (mask voxels farther than r from the outside) and is the dual of growing', () => {
    const r = rng(9);
    for (const [dims, sp, rad] of [
      [[9, 8, 6], [0.5, 1, 2.5], 1.6],
      [[10, 6, 8], [0.8, 0.8, 0.5], 1.2],
    ] as const) {
      const gg = grid([...dims], [...sp]);
      const n = dims[0] * dims[1] * dims[2];
      const mask = new Uint8Array(n).map(() => (r() < 0.85 ? 1 : 0));
      const isOut = (i: number, j: number, k: number): boolean => mask[i + j * dims[0] + k * dims[0] * dims[1]] === 0;
      for (const edge of [true, false]) {
        const near = bruteWithin(gg, isOut, rad, edge);
        const want = mask.map((m, v) => (m && !near[v] ? 1 : 0));
        const got = shrinkMask(mask, gg, rad, { edge: edge ? 'outside' : 'ignore' });
        expect(Array.from(got)).toEqual(Array.from(want));
        expect(count(got)).toBeGreaterThan(0);
      }
      const complement = mask.map((m) => (m ? 0 : 1));
      const dual = growMask(complement, gg, rad).map((m) => (m ? 0 : 1));
      expect(Array.from(shrinkMask(mask, gg, rad, { edge: 'ignore' }))).toEqual(Array.from(dual));
    }
  });

  it('the stamp and envelope engines agree with each other and with auto, growing and shrinking, at radii from 0.3 to 6 mm', () => {
    const r = rng(21);
    const gg = grid([23, 19, 14], [0.45, 0.6, 1.25]);
    const n = 23 * 19 * 14;
    // Blobs and specks: a solid core (whose inside the stamps skip) and isolated voxels.
    const mask = new Uint8Array(n).map((_, v) => {
      const i = v % 23;
      const j = Math.floor(v / 23) % 19;
      const k = Math.floor(v / (23 * 19));
      return ((i - 11) / 7) ** 2 + ((j - 9) / 6) ** 2 + ((k - 7) / 4) ** 2 < 1 || r() < 0.02 ? 1 : 0;
    });
    for (const mm of [0.3, 1, 2.2, 6]) {
      const grown = growMask(mask, gg, mm, { method: 'stamp' });
      expect(Array.from(grown), `grow ${mm}`).toEqual(Array.from(growMask(mask, gg, mm, { method: 'envelope' })));
      expect(Array.from(growMask(mask, gg, mm)), `grow ${mm} auto`).toEqual(Array.from(grown));
      for (const edge of ['outside', 'ignore'] as const) {
        const shrunk = shrinkMask(mask, gg, mm, { edge, method: 'stamp' });
        expect(Array.from(shrunk), `shrink ${mm} ${edge}`).toEqual(Array.from(shrinkMask(mask, gg, mm, { edge, method: 'envelope' })));
        expect(Array.from(shrinkMask(mask, gg, mm, { edge })), `shrink ${mm} ${edge} auto`).toEqual(Array.from(shrunk));
      }
      if (mm >= 1) expect(count(grown)).toBeGreaterThan(count(mask));
      else expect(count(grown)).toBe(count(mask)); // less than every spacing
    }
    expect(() => growMask(mask, gg, 1, { method: 'fast' as never })).toThrow(/method/);
  });

  it('writes into a given array (cleared first), never over its input', () => {
    const gg = grid([14, 8, 6], [0.5, 1, 2.5]);
    const mask = boxMask(gg, [2, 1, 1], [12, 7, 5]);
    const into = new Uint8Array(mask.length).fill(7);
    expect(growMask(mask, gg, 1, { into })).toBe(into);
    expect(Array.from(into)).toEqual(Array.from(growMask(mask, gg, 1)));
    const into2 = new Uint8Array(mask.length).fill(7);
    expect(marginMask(mask, gg, -1, { into: into2 })).toBe(into2);
    expect(Array.from(into2)).toEqual(Array.from(shrinkMask(mask, gg, 1)));
    expect(() => growMask(mask, gg, 1, { into: mask })).toThrow(/over its input/);
    expect(() => shrinkMask(mask, gg, 1, { into: new Uint8Array(5) })).toThrow(/output mask has 5/);
  });

  it('marginMask grows for positive and shrinks for negative distances', () => {
    const gg = grid([14, 8, 6], [0.5, 1, 2.5]);
    const mask = boxMask(gg, [2, 1, 1], [12, 7, 5]);
    expect(Array.from(marginMask(mask, gg, -1))).toEqual(Array.from(shrinkMask(mask, gg, 1)));
    expect(Array.from(marginMask(mask, gg, 1))).toEqual(Array.from(growMask(mask, gg, 1)));
  });
});
