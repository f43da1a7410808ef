/**
 * Decoding of DICOM text values according to Specific Character Set (0008,0005), PS3.5 §6.1,
 * PS3.3 C.12.1.1.2 and the examples of PS3.5 Annexes H (Japanese), I (Korean), J and K (Chinese).
 *
 * - Single-byte repertoires (ISO_IR 100 … 203, 166, 13) are 256-entry tables: bytes below 0xA0
 *   are ASCII / C1 controls (true ISO 8859 behaviour, not the windows-125x supersets that the
 *   WHATWG labels 'latin1' and 'iso-8859-9' stand for), the rest comes from TextDecoder.
 * - ISO_IR 192, GB18030 and GBK do not use code extensions: the whole value is decoded at once.
 * - Everything else goes through an ISO 2022 state machine: escape sequences designate G0
 *   (ASCII, JIS X 0201 Romaji, JIS X 0208, JIS X 0212) or G1 (a 96-set, JIS X 0201 Katakana,
 *   KS X 1001, GB 2312); JIS pairs are rewritten to EUC-JP, G1 double-byte sets are already
 *   EUC-KR / EUC-CN. At CR, LF, FF, TAB, at '\' (multi-valued VRs) and at '^' and '=' (PN) the
 *   designations return to those of value 1 (PS3.5 6.1.2.5.3).
 *
 * Decoding never throws: unknown terms are read as the default repertoire, undecodable bytes
 * as ISO 8859-1, unknown escape sequences are kept as text.
 */

const ESC = 0x1b;

/** A G1 (GR, bytes 0xA0-0xFF) code element: a byte table or an ASCII-compatible multi-byte encoding. */
type G1 = { readonly kind: 'table'; readonly label: string } | { readonly kind: 'multi'; readonly label: string };
/** G0 (GL, bytes 0x21-0x7E): ASCII (JIS X 0201 Romaji is read as ASCII too) or a JIS double-byte set. */
type G0 = 'ascii' | 'jis0208' | 'jis0212';

interface State {
  readonly g0: G0;
  readonly g1: G1;
}

const table = (label: string): G1 => ({ kind: 'table', label });
const LATIN1 = table('latin1');
const KATAKANA = table('jisx0201');
const KS_X_1001: G1 = { kind: 'multi', label: 'euc-kr' };
const GB2312: G1 = { kind: 'multi', label: 'gb18030' };

/** G1 sets by ISO-IR number, with the final byte of their ISO 2022 escape sequence. */
const G1_BY_IR: ReadonlyMap<number, G1> = new Map([
  [100, LATIN1],
  [101, table('iso-8859-2')],
  [109, table('iso-8859-3')],
  [110, table('iso-8859-4')],
  [144, table('iso-8859-5')],
  [127, table('iso-8859-6')],
  [126, table('iso-8859-7')],
  [138, table('iso-8859-8')],
  [148, table('iso-8859-9')],
  [203, table('iso-8859-15')],
  [166, table('windows-874')],
  [13, KATAKANA],
  [149, KS_X_1001],
  [58, GB2312],
]);

/** Escape sequences (the bytes after ESC) and what they designate. */
const ESCAPES: readonly (readonly [string, G0 | G1])[] = [
  ['(B', 'ascii'], // ISO-IR 6
  ['(J', 'ascii'], // ISO-IR 14, JIS X 0201 Romaji
  ['$B', 'jis0208'], // ISO-IR 87
  ['$@', 'jis0208'], // JIS C 6226-1978, lenient
  ['$(D', 'jis0212'], // ISO-IR 159
  [')I', KATAKANA], // ISO-IR 13
  ['$)C', KS_X_1001], // ISO-IR 149
  ['$)A', GB2312], // ISO-IR 58
  ['-A', LATIN1],
  ['-B', table('iso-8859-2')],
  ['-C', table('iso-8859-3')],
  ['-D', table('iso-8859-4')],
  ['-L', table('iso-8859-5')],
  ['-G', table('iso-8859-6')],
  ['-F', table('iso-8859-7')],
  ['-H', table('iso-8859-8')],
  ['-M', table('iso-8859-9')],
  ['-b', table('iso-8859-15')],
  ['-T', table('windows-874')],
];

/** Terms that forbid code extensions and are decoded as a whole. */
const WHOLE_VALUE: ReadonlyMap<string, string> = new Map([
  ['ISO_IR 192', 'utf-8'],
  ['GB18030', 'gb18030'],
  ['GBK', 'gbk'],
]);

export function parseCharacterSets(value: string | undefined): string[] {
  if (value === undefined) return [];
  const cleaned = value.replace(/\0/g, '');
  if (cleaned.trim() === '') return [];
  return cleaned.split('\\').map(normaliseTerm);
}

/** Canonical spelling of a Defined Term; tolerates case, '_'/'-'/' ' mix-ups and 'UTF-8'. */
function normaliseTerm(raw: string): string {
  const term = raw.trim().toUpperCase().replace(/\s+/g, ' ');
  let m = /^ISO[ _-]?2022[ _-]?IR[ _-]?(\d+)$/.exec(term);
  if (m) return `ISO 2022 IR ${Number(m[1])}`;
  m = /^ISO[ _-]?IR[ _-]?(\d+)$/.exec(term);
  if (m) return `ISO_IR ${Number(m[1])}`;
  if (term === 'UTF-8' || term === 'UTF8') return 'ISO_IR 192';
  return term;
}

function irNumber(term: string): number | undefined {
  const m = /^ISO(?:_| 2022 )IR (\d+)$/.exec(term);
  return m ? Number(m[1]) : undefined;
}

export function decodeDicomText(bytes: Uint8Array, specificCharacterSet: string | undefined, vr?: string): string {
  const terms = parseCharacterSets(specificCharacterSet);
  const upperVr = vr?.toUpperCase();
  return trimPadding(decodeWithTerms(bytes, terms, upperVr), upperVr);
}

function decodeWithTerms(bytes: Uint8Array, terms: readonly string[], vr: string | undefined): string {
  const whole = terms.find((t) => WHOLE_VALUE.has(t));
  if (whole !== undefined) {
    const text = decodeMulti(WHOLE_VALUE.get(whole) ?? 'utf-8', bytes);
    // Invalid for the declared encoding: read it with the remaining (or the default) terms.
    return text ?? decodeWithTerms(bytes, terms.filter((t) => t !== whole), vr);
  }
  return decodeIso2022(bytes, initialState(terms), vr);
}

/**
 * Value 1 designates the initial G0/G1. If value 1 has no G1 set, undesignated GR bytes are read
 * with the first G1 set of the other values (real-world EUC-KR without escapes), else Latin-1.
 */
function initialState(terms: readonly string[]): State {
  const g1Of = (t: string | undefined): G1 | undefined => {
    const ir = t === undefined ? undefined : irNumber(t);
    return ir === undefined ? undefined : G1_BY_IR.get(ir);
  };
  const g1 = g1Of(terms[0]) ?? terms.slice(1).map(g1Of).find((g) => g !== undefined) ?? LATIN1;
  return { g0: 'ascii', g1 };
}

function isResetByte(b: number, vr: string | undefined): boolean {
  if (b === 0x0a || b === 0x0d || b === 0x0c || b === 0x09) return true;
  if (b === 0x5c) return vr !== 'ST' && vr !== 'LT' && vr !== 'UT';
  return vr === 'PN' && (b === 0x5e || b === 0x3d);
}

function matchEscape(bytes: Uint8Array, at: number): readonly [number, G0 | G1] | undefined {
  for (const [seq, target] of ESCAPES) {
    let ok = at + seq.length < bytes.length;
    for (let k = 0; ok && k < seq.length; k++) ok = bytes[at + 1 + k] === seq.charCodeAt(k);
    if (ok) return [seq.length + 1, target];
  }
  return undefined;
}

const isGl = (b: number | undefined): boolean => b !== undefined && b > 0x20 && b < 0x7f;

function decodeIso2022(bytes: Uint8Array, initial: State, vr: string | undefined): string {
  const out = new Output();
  let { g0, g1 } = initial;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b === ESC) {
      const esc = matchEscape(bytes, i);
      if (esc) {
        const [length, target] = esc;
        if (typeof target === 'string') g0 = target;
        else g1 = target;
        i += length;
        continue;
      }
    }
    if (b < 0x80) {
      if (g0 !== 'ascii' && isGl(b) && isGl(bytes[i + 1])) {
        const lead = g0 === 'jis0212' ? [0x8f] : [];
        out.multi('euc-jp', ...lead, b | 0x80, bytes[i + 1] | 0x80);
        i += 2;
        continue;
      }
      out.char(b);
      if (isResetByte(b, vr)) ({ g0, g1 } = initial);
    } else if (g1.kind === 'multi') {
      out.multi(g1.label, b);
    } else {
      out.table(g1.label, b);
    }
    i++;
  }
  return out.finish();
}

/** Collects decoded text; consecutive bytes of one multi-byte encoding are decoded together. */
class Output {
  private readonly parts: string[] = [];
  private pendingLabel = '';
  private pending: number[] = [];

  char(b: number): void {
    this.flush();
    this.parts.push(String.fromCharCode(b));
  }

  table(label: string, b: number): void {
    this.flush();
    this.parts.push(byteTable(label)[b]);
  }

  multi(label: string, ...bs: number[]): void {
    if (label !== this.pendingLabel) this.flush();
    this.pendingLabel = label;
    this.pending.push(...bs);
  }

  finish(): string {
    this.flush();
    return this.parts.join('');
  }

  private flush(): void {
    if (this.pending.length > 0) {
      const bytes = Uint8Array.from(this.pending);
      this.parts.push(decodeMulti(this.pendingLabel, bytes) ?? latin1(bytes));
    }
    this.pending = [];
    this.pendingLabel = '';
  }
}

const decoders = new Map<string, TextDecoder | null>();

function decoder(label: string, fatal: boolean): TextDecoder | null {
  const key = `${label}/${fatal}`;
  let d = decoders.get(key);
  if (d === undefined) {
    try {
      d = new TextDecoder(label, { fatal });
    } catch {
      d = null; // a runtime without this encoding (e.g. small-icu)
    }
    decoders.set(key, d);
  }
  return d;
}

/** Strict multi-byte decode; undefined if the bytes are invalid or the encoding is unavailable. */
function decodeMulti(label: string, bytes: Uint8Array): string | undefined {
  const d = decoder(label, true);
  if (!d) return undefined;
  try {
    return d.decode(bytes);
  } catch {
    return undefined;
  }
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

const tables = new Map<string, readonly string[]>();

/** Byte → character for a single-byte set; unassigned positions fall back to Latin-1. */
function byteTable(label: string): readonly string[] {
  let t = tables.get(label);
  if (t) return t;
  const chars = Array.from({ length: 256 }, (_, b) => String.fromCharCode(b));
  if (label === 'jisx0201') {
    for (let b = 0xa1; b <= 0xdf; b++) chars[b] = String.fromCharCode(0xff61 + b - 0xa1);
  } else if (label !== 'latin1') {
    const high = Uint8Array.from({ length: 96 }, (_, k) => 0xa0 + k);
    const decoded = decoder(label, false)?.decode(high) ?? '';
    if (decoded.length === high.length) {
      for (let k = 0; k < high.length; k++) if (decoded[k] !== '\ufffd') chars[0xa0 + k] = decoded[k];
    }
  }
  t = chars;
  tables.set(label, t);
  return t;
}

/** Removes DICOM padding: trailing spaces/NULs always, leading spaces except for ST, LT, UT, UC. */
function trimPadding(text: string, vr: string | undefined): string {
  const trailing = text.replace(/[ \0]+$/, '');
  const keepLeading = vr === 'ST' || vr === 'LT' || vr === 'UT' || vr === 'UC';
  return keepLeading ? trailing : trailing.replace(/^ +/, '');
}
