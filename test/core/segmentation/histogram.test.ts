import { describe, expect, it } from 'vitest';
import { otsuRange, otsuThreshold } from '../../../src/core/segmentation/histogram';
import { rng } from '../../helpers/syntheticSeries';

describe('otsuThreshold', () => {
  it('two separated classes: the threshold lies between them, whatever their sizes', () => {
    // 1000 voxels at 100 ± 10, 300 at 700 ± 10: every split between 110 and 690 separates them.
    const r = rng(5);
    const values = new Int16Array(1300);
    for (let i = 0; i < 1000; i++) values[i] = Math.round(100 + (r() - 0.5) * 20);
    for (let i = 1000; i < 1300; i++) values[i] = Math.round(700 + (r() - 0.5) * 20);
    const t = otsuThreshold(values);
    expect(t).toBeGreaterThan(110);
    expect(t).toBeLessThanOrEqual(690);
    expect(values.filter((v) => v >= t).length).toBe(300);
    expect(otsuRange(values)).toEqual({ lo: t, hi: Math.max(...values) });
  });

  it('a hand-checkable case: values 0,0,0,10,10 → the split at the first bin above 0', () => {
    // Histogram 0..10 in 2 bins of width 5: [3, 2]; only one split, at bin 1 → 0 + 1·5 = 5.
    expect(otsuThreshold(Float32Array.from([0, 0, 0, 10, 10]), 2)).toBe(5);
  });

  it('a constant volume returns its value', () => {
    expect(otsuThreshold(new Int16Array(10).fill(42))).toBe(42);
    expect(otsuRange(new Int16Array(10).fill(42))).toEqual({ lo: 42, hi: 42 });
  });
});
