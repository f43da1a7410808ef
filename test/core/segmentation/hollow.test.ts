import { describe, expect, it } from 'vitest';
import type { LabelGrid } from '../../../src/core/segmentation/grid';
import { hollowMask } from '../../../src/core/segmentation/hollow';
import { labelIslands } from '../../../src/core/segmentation/islands';

const grid = (dimensions: [number, number, number], spacingMm: [number, number, number]): LabelGrid => ({ dimensions, spacingMm });
const count = (m: Uint8Array): number => m.reduce((s, x) => s + (x ? 1 : 0), 0);

function boxMask(g: LabelGrid, min: number[], max: number[]): Uint8Array {
  const [nx, ny, nz] = g.dimensions;
  const m = new Uint8Array(nx * ny * nz);
  for (let k = min[2]; k < max[2]; k++) for (let j = min[1]; j < max[1]; j++) for (let i = min[0]; i < max[0]; i++) m[i + j * nx + k * nx * ny] = 1;
  return m;
}

/** The mask's values along one axis through (i, j, k): axis 0 varies i, 1 varies j, 2 varies k. */
function line(m: Uint8Array, g: LabelGrid, axis: number, at: [number, number, number]): string {
  const [nx, ny] = g.dimensions;
  let s = '';
  for (let t = 0; t < g.dimensions[axis]; t++) {
    const p = [...at];
    p[axis] = t;
    s += m[p[0] + p[1] * nx + p[2] * nx * ny] ? '#' : '.';
  }
  return s;
}

/** Number of 6-connected pieces of the complement: 2 means an enclosed cavity (and a closed wall). */
const backgroundPieces = (m: Uint8Array, g: LabelGrid): number => labelIslands(m.map((x) => (x ? 0 : 1)), g.dimensions).count;

describe('hollowMask', () => {
  // 0.5 × 1 × 2.5 mm: a 2 mm wall is 4 voxels along i, 2 along j and (less than a slice) 1 along k.
  const g = grid([24, 16, 10], [0.5, 1, 2.5]);
  const box = boxMask(g, [4, 3, 2], [20, 13, 8]);

  it("'inside': the wall lies within the original surface, 4 / 2 / 1 voxels thick, around a closed cavity", () => {
    const out = hollowMask(box, g, { thicknessMm: 2, side: 'inside' });
    expect(line(out, g, 0, [0, 8, 5])).toBe('....####........####....');
    expect(line(out, g, 1, [12, 0, 5])).toBe('...##......##...');
    expect(line(out, g, 2, [12, 8, 0])).toBe('..#....#..');
    for (let v = 0; v < out.length; v++) if (out[v]) expect(box[v]).toBe(1);
    expect(backgroundPieces(out, g)).toBe(2);
    // Cavity: 16−8 × 10−4 × 6−2 voxels.
    expect(count(box) - count(out)).toBe(8 * 6 * 4);
  });

  it("'outside': the wall lies outside the original surface and the original becomes the cavity", () => {
    const out = hollowMask(box, g, { thicknessMm: 2, side: 'outside' });
    expect(line(out, g, 0, [0, 8, 5])).toBe('####................####');
    expect(line(out, g, 1, [12, 0, 5])).toBe('.##..........##.');
    expect(line(out, g, 2, [12, 8, 0])).toBe('.#......#.');
    for (let v = 0; v < out.length; v++) if (box[v]) expect(out[v]).toBe(0);
    expect(backgroundPieces(out, g)).toBe(2);
  });

  it("'centred': half the wall on each side (1 mm: 2 voxels along i and 1 along j each way)", () => {
    const out = hollowMask(box, g, { thicknessMm: 2, side: 'centred' });
    expect(line(out, g, 0, [0, 8, 5])).toBe('..####............####..');
    expect(line(out, g, 1, [12, 0, 5])).toBe('..##........##..');
    // Along k 1 mm reaches no slice either way: the closing layer goes outside.
    expect(line(out, g, 2, [12, 8, 0])).toBe('.#......#.');
    expect(backgroundPieces(out, g)).toBe(2);
  });

  it('a sphere on a 1 mm grid: a 2 mm wall everywhere, measured along each axis, and a cavity', () => {
    const n = 21;
    const gs = grid([n, n, n], [1, 1, 1]);
    const ball = new Uint8Array(n ** 3);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) if ((i - 10) ** 2 + (j - 10) ** 2 + (k - 10) ** 2 <= 64) ball[i + j * n + k * n * n] = 1;
    const out = hollowMask(ball, gs, { thicknessMm: 2 });
    expect(line(out, gs, 0, [0, 10, 10])).toBe('..##.............##..');
    expect(line(out, gs, 1, [10, 0, 10])).toBe('..##.............##..');
    expect(line(out, gs, 2, [10, 10, 0])).toBe('..##.............##..');
    expect(backgroundPieces(out, gs)).toBe(2);
    // Every wall voxel is within 2 mm of the outside of the ball.
    for (let v = 0; v < out.length; v++) if (out[v]) expect(ball[v]).toBe(1);
  });

  it("'inside' closes the wall where the mask is cut by the grid's edge", () => {
    const gg = grid([10, 8, 6], [1, 1, 1]);
    const cut = boxMask(gg, [0, 1, 1], [8, 7, 5]); // touches the i = 0 face
    const out = hollowMask(cut, gg, { thicknessMm: 1 });
    expect(line(out, gg, 0, [0, 4, 3])).toBe('#......#..');
    expect(backgroundPieces(out, gg)).toBe(2);
  });

  it('a mask thinner than the wall stays solid; an empty mask stays empty; the input is untouched', () => {
    const thin = boxMask(g, [4, 3, 2], [8, 13, 8]); // 2 mm along i
    const copy = thin.slice();
    expect(Array.from(hollowMask(thin, g, { thicknessMm: 2 }))).toEqual(Array.from(thin));
    expect(Array.from(thin)).toEqual(Array.from(copy));
    expect(count(hollowMask(new Uint8Array(g.dimensions[0] * g.dimensions[1] * g.dimensions[2]), g, { thicknessMm: 2, side: 'outside' }))).toBe(0);
  });

  it('both distance engines give the same shell on a rough blob, for every side; the shell can go into a given array', () => {
    const gg = grid([20, 18, 12], [0.5, 0.7, 1.3]);
    const [nx, ny] = gg.dimensions;
    const rough = new Uint8Array(nx * ny * 12);
    // A noisy ellipsoid: the surface is uneven, so the wall has corners and pits everywhere.
    for (let k = 0; k < 12; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const q = ((i - 9.5) / 8) ** 2 + ((j - 8.5) / 7) ** 2 + ((k - 5.5) / 5) ** 2;
          if (q < 1 - 0.25 * Math.sin(i * 1.7 + j * 2.3 + k * 3.1) ** 2) rough[i + j * nx + k * nx * ny] = 1;
        }
    for (const side of ['inside', 'centred', 'outside'] as const) {
      const stamp = hollowMask(rough, gg, { thicknessMm: 1.6, side, method: 'stamp' });
      const envelope = hollowMask(rough, gg, { thicknessMm: 1.6, side, method: 'envelope' });
      expect(Array.from(stamp), side).toEqual(Array.from(envelope));
      expect(count(stamp)).toBeGreaterThan(50);
      expect(backgroundPieces(stamp, gg), side).toBe(2);
      const into = new Uint8Array(rough.length);
      expect(hollowMask(rough, gg, { thicknessMm: 1.6, side, into })).toBe(into);
      expect(Array.from(into)).toEqual(Array.from(stamp));
    }
  });

  it('rejects a missing, zero or negative thickness, an unknown side and a wrong size', () => {
    expect(() => hollowMask(box, g, { thicknessMm: 0 })).toThrow(/thicknessMm/);
    expect(() => hollowMask(box, g, { thicknessMm: -2 })).toThrow(/thicknessMm/);
    expect(() => hollowMask(box, g, {} as never)).toThrow(/thicknessMm/);
    expect(() => hollowMask(box, g, { thicknessMm: 1, side: 'middle' as never })).toThrow(/side/);
    expect(() => hollowMask(new Uint8Array(5), g, { thicknessMm: 1 })).toThrow(/5 voxels/);
  });
});
