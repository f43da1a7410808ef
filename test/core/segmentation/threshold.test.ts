import { describe, expect, it } from 'vitest';
import { CT_TISSUE_PRESETS, parseHuRange, presetById } from '../../../src/core/segmentation/presets';
import { countInRange, thresholdMask } from '../../../src/core/segmentation/threshold';

describe('threshold presets and masks', () => {
  it('InVesalius bone and soft tissue ranges, inclusive', () => {
    expect(presetById('bone')).toMatchObject({ lo: 226, hi: 3071 });
    expect(presetById('soft-tissue')).toMatchObject({ lo: -700, hi: 225 });
    expect(new Set(CT_TISSUE_PRESETS.map((p) => p.id)).size).toBe(CT_TISSUE_PRESETS.length);
    for (const p of CT_TISSUE_PRESETS) expect(p.lo).toBeLessThan(p.hi);
  });

  it('parses LO:HI ranges and rejects malformed or reversed ones', () => {
    expect(parseHuRange('226:3071')).toEqual({ lo: 226, hi: 3071 });
    expect(parseHuRange(' -700 : 225 ')).toEqual({ lo: -700, hi: 225 });
    expect(parseHuRange('-205:-51')).toEqual({ lo: -205, hi: -51 });
    expect(parseHuRange('300:200')).toBeUndefined();
    expect(parseHuRange('bone')).toBeUndefined();
    expect(parseHuRange('1:2:3')).toBeUndefined();
  });

  it('mask includes both ends of the range exactly (a threshold equal to stored values)', () => {
    const v = Int16Array.from([-1000, 225, 226, 227, 3071, 3072, 40, 226]);
    expect(Array.from(thresholdMask(v, { lo: 226, hi: 3071 }))).toEqual([0, 0, 1, 1, 1, 0, 0, 1]);
    expect(countInRange(v, { lo: 226, hi: 3071 })).toBe(4);
    const f = Float32Array.from([225.9, 226, 3071.01]);
    expect(Array.from(thresholdMask(f, { lo: 226, hi: 3071 }))).toEqual([0, 1, 0]);
  });
});
