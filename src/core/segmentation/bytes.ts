/**
 * Scanning byte masks and labelmaps four bytes at a time: whole 32-bit words that cannot hold
 * what is looked for are skipped. `words` views the array from byte `wb`, its first 4-aligned
 * byte (see `wordsOf`), so the helpers work at any byte offset.
 */

/** A Uint32Array over the array's aligned part, and where it starts. */
export function wordsOf(mask: Uint8Array): { words: Uint32Array; wb: number } {
  const wb = (4 - (mask.byteOffset & 3)) & 3;
  return { words: new Uint32Array(mask.buffer, mask.byteOffset + Math.min(wb, mask.length), Math.max(0, (mask.length - wb) >> 2)), wb };
}

/**
 * The first index in [x, stop) holding a non-zero byte, or `stop`. `words` views `src` from
 * byte `wb` (the first 4-aligned one): whole zero words are skipped four bytes at a time.
 */
export function nextNonZero(src: Uint8Array, words: Uint32Array, wb: number, x: number, stop: number): number {
  while (x < stop && ((x - wb) & 3) !== 0) {
    if (src[x] !== 0) return x;
    x++;
  }
  if (x >= stop) return stop;
  let w = (x - wb) >> 2;
  const wEnd = (stop - wb) >> 2;
  while (w < wEnd && words[w] === 0) w++;
  x = wb + (w << 2);
  while (x < stop && src[x] === 0) x++;
  return x;
}

/** The first index in [x, stop) holding a zero byte, or `stop` (words without a zero byte are skipped). */
export function nextZero(src: Uint8Array, words: Uint32Array, wb: number, x: number, stop: number): number {
  while (x < stop && ((x - wb) & 3) !== 0) {
    if (src[x] === 0) return x;
    x++;
  }
  if (x >= stop) return stop;
  let w = (x - wb) >> 2;
  const wEnd = (stop - wb) >> 2;
  // A word has a zero byte iff (w − 0x01010101) & ~w & 0x80808080 is non-zero.
  while (w < wEnd) {
    const v = words[w];
    if (((v - 0x01010101) & ~v & 0x80808080) !== 0) break;
    w++;
  }
  x = wb + (w << 2);
  while (x < stop && src[x] !== 0) x++;
  return x;
}

/** `value` in each of a word's four bytes. */
export const byteRepeat = (value: number): number => Math.imul(value & 0xff, 0x01010101) >>> 0;

/** Whether any of the word's bytes is zero (exact as a yes/no). */
export const hasZeroByte = (w: number): boolean => ((w - 0x01010101) & ~w & 0x80808080) !== 0;

/**
 * The first index in [x, stop) holding `value`, or `stop`; words with no such byte are skipped
 * (`rep` = byteRepeat(value)).
 */
export function nextEqual(src: Uint8Array, words: Uint32Array, wb: number, x: number, stop: number, value: number, rep: number): number {
  while (x < stop && ((x - wb) & 3) !== 0) {
    if (src[x] === value) return x;
    x++;
  }
  if (x >= stop) return stop;
  let w = (x - wb) >> 2;
  const wEnd = (stop - wb) >> 2;
  while (w < wEnd && !hasZeroByte(words[w] ^ rep)) w++;
  x = wb + (w << 2);
  while (x < stop && src[x] !== value) x++;
  return x;
}

/** The last index in [from, x] holding `value`, or from − 1 (words with no such byte skipped). */
export function prevEqual(src: Uint8Array, words: Uint32Array, wb: number, x: number, from: number, value: number, rep: number): number {
  while (x >= from && ((x + 1 - wb) & 3) !== 0) {
    if (src[x] === value) return x;
    x--;
  }
  while (x - 3 >= from && !hasZeroByte(words[(x - 3 - wb) >> 2] ^ rep)) x -= 4;
  while (x >= from && src[x] !== value) x--;
  return x;
}

/** The last index in [from, x] holding a non-zero byte, or from − 1 (zero words skipped). */
export function prevNonZero(src: Uint8Array, words: Uint32Array, wb: number, x: number, from: number): number {
  while (x >= from && ((x + 1 - wb) & 3) !== 0) {
    if (src[x] !== 0) return x;
    x--;
  }
  while (x - 3 >= from && words[(x - 3 - wb) >> 2] === 0) x -= 4;
  while (x >= from && src[x] === 0) x--;
  return x;
}

/**
 * Calls `f(s, x)` for every maximal run [s, x) inside [from, stop) of non-zero bytes
 * (`nonZero`) or of zero bytes.
 */
export function forEachRun(src: Uint8Array, words: Uint32Array, wb: number, from: number, stop: number, nonZero: boolean, f: (s: number, x: number) => void): void {
  let x = from;
  while (x < stop) {
    const s = nonZero ? nextNonZero(src, words, wb, x, stop) : nextZero(src, words, wb, x, stop);
    if (s >= stop) return;
    x = nonZero ? nextZero(src, words, wb, s, stop) : nextNonZero(src, words, wb, s, stop);
    f(s, x);
  }
}

/**
 * Calls `f(j, k, s, x)` for every run [s, x) (absolute indices) of non-zero voxels on the rows
 * of slices 0, kStep, 2·kStep, … of a grid, in labelmap order.
 */
export function forEachRowRun(mask: Uint8Array, dimensions: readonly [number, number, number], f: (j: number, k: number, s: number, x: number) => void, kStep = 1): void {
  const [nx, ny, nz] = dimensions;
  const { words, wb } = wordsOf(mask);
  for (let k = 0; k < nz; k += kStep)
    for (let j = 0; j < ny; j++) {
      const row = j * nx + k * nx * ny;
      forEachRun(mask, words, wb, row, row + nx, true, (s, x) => f(j, k, s, x));
    }
}
