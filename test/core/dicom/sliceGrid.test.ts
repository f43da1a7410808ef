import { describe, expect, it } from 'vitest';
import { planSliceGrid } from '../../../src/core/dicom/sliceGrid';

describe('planSliceGrid (hand-checked)', () => {
  it('uniform within tolerance: 1:1, no warning', () => {
    const g = planSliceGrid([0, 2.5, 5.001, 7.5, 10]);
    expect(g).toEqual({ spacingMm: 2.5, count: 5, warnings: [] });
  });

  it('one missing slice: 6 outputs, the 4th interpolated half-way', () => {
    const g = planSliceGrid([0, 2, 4, 8, 10]);
    expect(g.spacingMm).toBe(2);
    expect(g.count).toBe(6);
    expect(g.outputs).toEqual([
      { a: 0, b: 0, t: 0 },
      { a: 1, b: 1, t: 0 },
      { a: 2, b: 2, t: 0 },
      { a: 2, b: 3, t: 0.5 },
      { a: 3, b: 3, t: 0 },
      { a: 4, b: 4, t: 0 },
    ]);
    expect(g.warnings.map((w) => w.message)).toEqual([
      '1 slice(s) missing from the stack (gaps of 4 mm where the spacing is 2 mm): filled by linear interpolation between neighbours',
    ]);
  });

  it('irregular steps: median grid, weights by distance', () => {
    // steps 1, 1, 3 → median 1; extent 5 → 6 slices at 0..5.
    const g = planSliceGrid([0, 1, 2, 5]);
    expect(g.count).toBe(6);
    expect(g.outputs?.map((o) => [o.a, o.b, Math.round(o.t * 1000) / 1000])).toEqual([
      [0, 0, 0],
      [1, 1, 0],
      [2, 2, 0],
      [2, 3, 0.333],
      [2, 3, 0.667],
      [3, 3, 0],
    ]);
    expect(g.warnings[0].code).toBe('missing-slices'); // the 3 mm gap is 3 steps: 2 missing
    const h = planSliceGrid([0, 1, 2, 4.5, 5.5]);
    expect(h.warnings[0].code).toBe('non-uniform-spacing');
    expect(h.warnings[0].message).toBe('non-uniform slice spacing (1–2.5 mm): resampled to a regular 1 mm grid by linear interpolation along the slice normal');
  });
});
