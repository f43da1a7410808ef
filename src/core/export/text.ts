/**
 * Small helpers shared by the text exporters (ASCII STL, OBJ, 3MF XML): number formatting and a
 * chunked UTF-8 sink, so a 300k-triangle mesh never becomes one giant string built by `+=`.
 */

/**
 * Formats a coordinate in millimetres: fixed-point with at most 6 decimals (trailing zeros
 * removed), never exponent notation, never "-0". Float32 positions carry about 7 significant
 * digits, so 6 decimals of a millimetre (1 nm) keep every value within float32 precision.
 */
export const formatMm = (v: number): string => {
  if (!Number.isFinite(v)) throw new RangeError(`cannot write non-finite coordinate ${v}`);
  let s = v.toFixed(6);
  if (s.includes('.')) {
    let end = s.length;
    while (s.charCodeAt(end - 1) === 48 /* 0 */) end--;
    if (s.charCodeAt(end - 1) === 46 /* . */) end--;
    s = s.slice(0, end);
  }
  return s === '-0' ? '0' : s;
};

/** Accumulates text in parts and emits UTF-8 chunks of roughly `chunkChars` characters. */
export class TextChunker {
  private parts: string[] = [];
  private chars = 0;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly onChunk: (bytes: Uint8Array) => void,
    private readonly chunkChars = 1 << 20,
  ) {}

  write(s: string): void {
    this.parts.push(s);
    this.chars += s.length;
    if (this.chars >= this.chunkChars) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const bytes = this.encoder.encode(this.parts.join(''));
    this.parts = [];
    this.chars = 0;
    if (bytes.length > 0) this.onChunk(bytes);
  }
}

/** Concatenates chunks into one exactly-sized buffer. */
export const concatBytes = (chunks: readonly Uint8Array[]): Uint8Array => {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};

/** Writes text through a {@link TextChunker} and returns the whole UTF-8 result. */
export const buildText = (write: (out: TextChunker) => void): Uint8Array => {
  const chunks: Uint8Array[] = [];
  const out = new TextChunker((b) => chunks.push(b));
  write(out);
  out.flush();
  return concatBytes(chunks);
};

/**
 * A name usable as one token in a text format (OBJ object/material names, STL solid names,
 * PLY comments): whitespace and control characters become "_"; empty becomes `fallback`.
 */
export const tokenName = (name: string, fallback: string): string => {
  // eslint-disable-next-line no-control-regex
  const t = name.trim().replace(/[\s\u0000-\u001f\u007f]+/g, '_');
  return t.length > 0 ? t : fallback;
};

/** Makes names unique by appending _2, _3… to repeats (case-sensitive). */
export const uniqueNames = (names: readonly string[]): string[] => {
  const seen = new Map<string, number>();
  const used = new Set(names);
  return names.map((n) => {
    const count = seen.get(n) ?? 0;
    seen.set(n, count + 1);
    if (count === 0) return n;
    let k = count + 1;
    while (used.has(`${n}_${k}`)) k++;
    const u = `${n}_${k}`;
    used.add(u);
    return u;
  });
};
