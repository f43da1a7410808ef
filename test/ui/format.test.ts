import { describe, expect, it } from 'vitest';
import { formatFixed, formatUpTo } from '../../src/ui/format';

describe('display numbers', () => {
  it('fixed decimals with en-US grouping, as toLocaleString gives them', () => {
    expect(formatFixed(1577.46, 1)).toBe('1,577.5');
    expect(formatFixed(0.894, 2)).toBe('0.89');
    expect(formatFixed(473.4, 2)).toBe('473.40');
    expect(formatFixed(-3, 0)).toBe('-3');
    for (const x of [0, 1e-7, 12345.678, -0.005, 2 ** 40]) for (const d of [0, 1, 2, 3]) expect(formatFixed(x, d)).toBe(x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
  });

  it('at most n decimals; integers grouped', () => {
    expect(formatUpTo(470668)).toBe('470,668');
    expect(formatUpTo(12.5)).toBe('13');
    expect(formatUpTo(0.123456, 2)).toBe('0.12');
    expect(formatUpTo(2.1, 2)).toBe('2.1');
  });
});
