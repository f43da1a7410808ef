/**
 * Numbers for display, en-US grouping ("1,577.5"). One Intl.NumberFormat per precision, made
 * once: `toLocaleString` with options builds a new formatter on every call, a visible cost when
 * a panel shows a dozen figures.
 */
const fixed = new Map<number, Intl.NumberFormat>();
const upTo = new Map<number, Intl.NumberFormat>();

/** `x` with exactly `digits` decimals. */
export function formatFixed(x: number, digits: number): string {
  let f = fixed.get(digits);
  if (!f) fixed.set(digits, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return f.format(x);
}

/** `x` with at most `digits` decimals (0: an integer, grouped). */
export function formatUpTo(x: number, digits = 0): string {
  let f = upTo.get(digits);
  if (!f) upTo.set(digits, (f = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits })));
  return f.format(x);
}
