/**
 * A small DICOM Part 10 writer: explicit VR little endian, implicit VR little endian, explicit
 * VR big endian, and encapsulated pixel data (fragments + basic offset table). It is used by
 * the sample-study scripts and the test fixtures, and later by DICOM SEG export.
 *
 * Elements are written in the order given after sorting by tag (DICOM requires ascending tags).
 */

export type WriteVr =
  | 'AE' | 'AS' | 'CS' | 'DA' | 'DS' | 'DT' | 'IS' | 'LO' | 'LT' | 'PN' | 'SH' | 'ST' | 'TM' | 'UI' | 'UT' | 'UC' | 'UR'
  | 'US' | 'SS' | 'UL' | 'SL' | 'FL' | 'FD' | 'AT'
  | 'OB' | 'OW' | 'UN' | 'SQ';

export interface WriteElement {
  /** (group << 16) | element */
  readonly tag: number;
  readonly vr: WriteVr;
  /**
   * Strings for text VRs (multiple values joined with '\\' by the caller or given as an array),
   * numbers for binary numeric VRs, bytes for OB/OW/UN, items for SQ, or for encapsulated
   * PixelData an object with fragments.
   */
  readonly value:
    | string
    | readonly string[]
    | number
    | readonly number[]
    | Uint8Array
    | readonly (readonly WriteElement[])[]
    | EncapsulatedFrames;
  /** Bytes of text values are encoded with this function (default: Latin-1 / ASCII bytes). */
  readonly encodeText?: (s: string) => Uint8Array;
}

export interface EncapsulatedFrames {
  readonly fragments: readonly Uint8Array[];
  /** Byte offsets of each frame's first fragment, relative to the first fragment's item tag. */
  readonly basicOffsetTable?: readonly number[];
}

export type WriteTransferSyntax =
  | '1.2.840.10008.1.2'
  | '1.2.840.10008.1.2.1'
  | '1.2.840.10008.1.2.2'
  | string;

export interface WriteOptions {
  readonly transferSyntaxUid: WriteTransferSyntax;
  /** Default true: 128-byte preamble, 'DICM' and the group 0002 file meta information. */
  readonly part10?: boolean;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
}

const EXPLICIT_LONG = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'SQ', 'UN', 'UT', 'UC', 'UR', 'SV', 'UV']);
const UID_PAD = new Set(['UI', 'OB', 'UN']);

const latin1 = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
};

class ByteSink {
  private chunks: Uint8Array[] = [];
  length = 0;
  constructor(readonly littleEndian: boolean) {}
  bytes(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u16(v: number): void {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, this.littleEndian);
    this.bytes(b);
  }
  u32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, this.littleEndian);
    this.bytes(b);
  }
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

function numericBytes(vr: WriteVr, values: readonly number[], le: boolean): Uint8Array {
  const size = vr === 'US' || vr === 'SS' ? 2 : vr === 'FD' ? 8 : 4;
  const out = new Uint8Array(values.length * size);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    const o = i * size;
    switch (vr) {
      case 'US': dv.setUint16(o, v, le); break;
      case 'SS': dv.setInt16(o, v, le); break;
      case 'UL': dv.setUint32(o, v, le); break;
      case 'SL': dv.setInt32(o, v, le); break;
      case 'FL': dv.setFloat32(o, v, le); break;
      case 'FD': dv.setFloat64(o, v, le); break;
      case 'AT': dv.setUint16(o, v >>> 16, le); dv.setUint16(o + 2, v & 0xffff, le); break;
      default: throw new Error(`numeric VR expected, got ${vr}`);
    }
  });
  return out;
}

function swapBytes(b: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i + width <= b.length; i += width) for (let k = 0; k < width; k++) out[i + k] = b[i + width - 1 - k];
  return out;
}

function valueBytes(el: WriteElement, le: boolean, explicit: boolean): Uint8Array {
  const v = el.value;
  if (el.vr === 'OB' || el.vr === 'UN' || el.vr === 'OW') {
    let b = v as Uint8Array;
    // Values have even length: odd byte strings get one 0x00 pad byte (PS3.5 7.1.1).
    if (b.length % 2) b = concat(b, new Uint8Array(1));
    // OW is stored as 16-bit words in the transfer syntax's byte order; callers pass little endian bytes.
    return el.vr === 'OW' && !le ? swapBytes(b, 2) : b;
  }
  if (typeof v === 'number' || (Array.isArray(v) && typeof v[0] === 'number')) {
    return numericBytes(el.vr, typeof v === 'number' ? [v] : (v as number[]), le);
  }
  const s = typeof v === 'string' ? v : (v as string[]).join('\\');
  let b = (el.encodeText ?? latin1)(s);
  if (b.length % 2) {
    const padded = new Uint8Array(b.length + 1);
    padded.set(b);
    padded[b.length] = UID_PAD.has(el.vr) ? 0 : 0x20;
    b = padded;
  }
  void explicit;
  return b;
}

function writeElement(sink: ByteSink, el: WriteElement, explicit: boolean): void {
  const le = sink.littleEndian;
  const group = el.tag >>> 16;
  const elem = el.tag & 0xffff;
  sink.u16(group);
  sink.u16(elem);
  const header = (length: number): void => {
    if (explicit) {
      sink.bytes(latin1(el.vr));
      if (EXPLICIT_LONG.has(el.vr)) {
        sink.u16(0);
        sink.u32(length);
      } else sink.u16(length);
    } else sink.u32(length);
  };
  if (el.vr === 'SQ') {
    const items = el.value as readonly (readonly WriteElement[])[];
    const inner = new ByteSink(le);
    for (const item of items) {
      const body = new ByteSink(le);
      for (const child of sortElements(item)) writeElement(body, child, explicit);
      inner.u16(0xfffe);
      inner.u16(0xe000);
      inner.u32(body.length);
      inner.bytes(body.toBytes());
    }
    header(inner.length);
    sink.bytes(inner.toBytes());
    return;
  }
  const v = el.value as EncapsulatedFrames;
  if (el.tag === 0x7fe00010 && v && typeof v === 'object' && 'fragments' in v) {
    // Encapsulated pixel data: undefined length, offset table item, fragments, sequence delimiter.
    if (explicit) {
      sink.bytes(latin1('OB'));
      sink.u16(0);
    }
    sink.u32(0xffffffff);
    const bot = v.basicOffsetTable ?? [];
    sink.u16(0xfffe);
    sink.u16(0xe000);
    sink.u32(bot.length * 4);
    for (const o of bot) sink.u32(o);
    for (const f of v.fragments) {
      sink.u16(0xfffe);
      sink.u16(0xe000);
      const padded = f.length % 2 ? concat(f, new Uint8Array(1)) : f;
      sink.u32(padded.length);
      sink.bytes(padded);
    }
    sink.u16(0xfffe);
    sink.u16(0xe0dd);
    sink.u32(0);
    return;
  }
  const bytes = valueBytes(el, le, explicit);
  header(bytes.length);
  sink.bytes(bytes);
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

const sortElements = (els: readonly WriteElement[]): WriteElement[] => [...els].sort((a, b) => a.tag - b.tag);

/** Encodes a data set (without group 0002) in the given transfer syntax. */
export function writeDataSet(elements: readonly WriteElement[], transferSyntaxUid: WriteTransferSyntax): Uint8Array {
  const littleEndian = transferSyntaxUid !== '1.2.840.10008.1.2.2';
  const explicit = transferSyntaxUid !== '1.2.840.10008.1.2';
  const sink = new ByteSink(littleEndian);
  for (const el of sortElements(elements.filter((e) => e.tag >>> 16 !== 0x0002))) writeElement(sink, el, explicit);
  return sink.toBytes();
}

/** File meta information (group 0002), always explicit VR little endian. */
export function writeFileMeta(opts: WriteOptions): Uint8Array {
  const meta: WriteElement[] = [
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: 0x00020002, vr: 'UI', value: opts.sopClassUid },
    { tag: 0x00020003, vr: 'UI', value: opts.sopInstanceUid },
    { tag: 0x00020010, vr: 'UI', value: opts.transferSyntaxUid },
    { tag: 0x00020012, vr: 'UI', value: '1.2.826.0.1.3680043.10.1489.1' },
    { tag: 0x00020013, vr: 'SH', value: 'VOXELPRINT_0_1' },
  ];
  const body = new ByteSink(true);
  for (const el of meta) writeElement(body, el, true);
  const head = new ByteSink(true);
  writeElement(head, { tag: 0x00020000, vr: 'UL', value: body.length }, true);
  return concat(head.toBytes(), body.toBytes());
}

/**
 * A complete DICOM file. The data set bytes may be supplied already encoded (e.g. deflated),
 * otherwise they are encoded with `writeDataSet`.
 */
export function writeDicomFile(elements: readonly WriteElement[], opts: WriteOptions, encodedDataSet?: Uint8Array): Uint8Array {
  const dataSet = encodedDataSet ?? writeDataSet(elements, opts.transferSyntaxUid);
  if (opts.part10 === false) return dataSet;
  const preamble = new Uint8Array(132);
  preamble.set(latin1('DICM'), 128);
  return concat(concat(preamble, writeFileMeta(opts)), dataSet);
}

/** Little-endian bytes of a typed array of pixels (for OW/OB PixelData). */
export function pixelBytes(pixels: Int16Array | Uint16Array | Uint8Array | Int8Array): Uint8Array {
  return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
}
