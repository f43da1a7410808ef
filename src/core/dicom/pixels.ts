import type { DataSet, Element } from 'dicom-parser';
import { VoxelprintError } from '../errors';
import type { FrameHeader, InstanceHeader } from './parse';
import { frameByteLength } from './parse';
import { EXPLICIT_BE, transferSyntax } from './transferSyntax';
import type { FrameCodecs } from './codecs/frameCodecs';
import { decodeRle } from './codecs/rle';

/** Raw stored samples of one frame, one unsigned word per sample, host byte order. */
export type StoredWords = Uint8Array | Uint16Array | Uint32Array;

const fail = (h: InstanceHeader, frame: number, why: string): VoxelprintError =>
  new VoxelprintError('decode-failed', `frame ${frame + 1}: ${why}`, h.fileName);

// ---------------------------------------------------------------------------------------------
// Locating a frame's bytes

function nativeFrame(ds: DataSet, el: Element, h: InstanceHeader, frame: number): StoredWords {
  const frameBytes = frameByteLength(h);
  const offset = el.dataOffset + frame * frameBytes;
  const bytes = ds.byteArray;
  if (offset + frameBytes > bytes.length) throw fail(h, frame, 'pixel data ends before this frame');
  const samples = h.rows * h.columns * h.samplesPerPixel;
  const absolute = bytes.byteOffset + offset;
  const bigEndian = h.transferSyntaxUid === EXPLICIT_BE;
  if (h.bitsAllocated === 8) return new Uint8Array(bytes.buffer, absolute, samples);
  const width = h.bitsAllocated / 8;
  if (!bigEndian && absolute % width === 0) {
    return width === 2 ? new Uint16Array(bytes.buffer, absolute, samples) : new Uint32Array(bytes.buffer, absolute, samples);
  }
  // Unaligned or big endian: copy (one frame) through a DataView.
  const dv = new DataView(bytes.buffer, absolute, frameBytes);
  const le = !bigEndian;
  if (width === 2) {
    const out = new Uint16Array(samples);
    for (let i = 0; i < samples; i++) out[i] = dv.getUint16(i * 2, le);
    return out;
  }
  const out = new Uint32Array(samples);
  for (let i = 0; i < samples; i++) out[i] = dv.getUint32(i * 4, le);
  return out;
}

const startsWith = (b: Uint8Array, ...m: number[]): boolean => m.every((v, i) => b[i] === v);

/** A fragment that starts a new codestream: JPEG family SOI, JPEG 2000/HTJ2K SOC, or a JP2 box. */
const startsCodestream = (b: Uint8Array): boolean =>
  startsWith(b, 0xff, 0xd8) || startsWith(b, 0xff, 0x4f, 0xff, 0x51) || startsWith(b, 0, 0, 0, 0x0c, 0x6a, 0x50);

function concatFragments(ds: DataSet, frags: readonly { position: number; length: number }[]): Uint8Array {
  if (frags.length === 1) return ds.byteArray.subarray(frags[0].position, frags[0].position + frags[0].length);
  const out = new Uint8Array(frags.reduce((s, f) => s + f.length, 0));
  let o = 0;
  for (const f of frags) {
    out.set(ds.byteArray.subarray(f.position, f.position + f.length), o);
    o += f.length;
  }
  return out;
}

/**
 * The compressed bytes of one frame. Uses the basic offset table when there is one; otherwise
 * one fragment per frame when the counts match, otherwise splits fragments at codestream
 * starts (frames fragmented across several items).
 */
export function encapsulatedFrame(ds: DataSet, el: Element, h: InstanceHeader, frame: number): Uint8Array {
  const fragments = el.fragments ?? [];
  const n = h.numberOfFrames;
  const bot = el.basicOffsetTable ?? [];
  let frags: { position: number; length: number }[];
  if (n === 1) frags = fragments;
  else if (bot.length === n && bot.some((o) => o !== 0)) {
    const start = bot[frame];
    const end = frame + 1 < n ? bot[frame + 1] : Infinity;
    frags = fragments.filter((f) => f.offset >= start && f.offset < end);
  } else if (fragments.length === n) frags = [fragments[frame]];
  else {
    const starts: number[] = [];
    fragments.forEach((f, i) => {
      if (startsCodestream(ds.byteArray.subarray(f.position, f.position + 12))) starts.push(i);
    });
    if (starts.length !== n) throw fail(h, frame, `cannot split ${fragments.length} fragments into ${n} frames (no offset table)`);
    frags = fragments.slice(starts[frame], frame + 1 < n ? starts[frame + 1] : fragments.length);
  }
  if (!frags.length) throw fail(h, frame, 'no pixel data fragment for this frame');
  return concatFragments(ds, frags);
}

// ---------------------------------------------------------------------------------------------
// Decoding

function wordsFromBytes(bytes: Uint8Array, bitsPerSample: number): StoredWords {
  if (bitsPerSample <= 8) return bytes;
  if (bytes.byteOffset % 2 === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
  return new Uint16Array(bytes.slice().buffer);
}

async function decodeCompressed(encoded: Uint8Array, h: InstanceHeader, frame: number, codecs: FrameCodecs): Promise<StoredWords> {
  const encoding = transferSyntax(h.transferSyntaxUid)?.encoding;
  const samples = h.rows * h.columns * h.samplesPerPixel;
  let words: StoredWords;
  let width = h.columns;
  let height = h.rows;
  switch (encoding) {
    case 'rle':
      words = decodeRle(encoded, h, () => fail(h, frame, 'RLE stream is damaged'));
      break;
    case 'encapsulated-uncompressed':
      words = h.bitsAllocated === 8 ? encoded : wordsFromBytes(encoded, h.bitsAllocated);
      break;
    case 'jpeg-baseline':
    case 'jpeg-extended':
    case 'jpeg-lossless':
    case 'jpeg-ls':
    case 'jpeg2000':
    case 'htj2k': {
      const decoded = await codecs.decode(encoding, encoded, h);
      width = decoded.width;
      height = decoded.height;
      words = wordsFromBytes(decoded.bytes, decoded.bitsPerSample);
      break;
    }
    default:
      throw fail(h, frame, `no decoder for transfer syntax ${h.transferSyntaxUid}`);
  }
  if (width !== h.columns || height !== h.rows) {
    throw fail(h, frame, `decoded image is ${width}×${height} but the header says ${h.columns}×${h.rows}`);
  }
  if (words.length < samples) throw fail(h, frame, `decoded ${words.length} samples, expected ${samples}`);
  return words.length === samples ? words : words.subarray(0, samples);
}

/** Decodes one frame to its stored words (before masking, sign extension and rescale). */
export async function decodeFrameWords(ds: DataSet, h: InstanceHeader, frame: number, codecs: FrameCodecs): Promise<StoredWords> {
  const el = ds.elements['x7fe00010'];
  if (!el) throw fail(h, frame, 'no pixel data');
  if (!h.encapsulated) return nativeFrame(ds, el, h, frame);
  const encoded = encapsulatedFrame(ds, el, h, frame);
  try {
    return await decodeCompressed(encoded, h, frame, codecs);
  } catch (e) {
    if (e instanceof VoxelprintError) throw e;
    const why = typeof e === 'string' ? e : e instanceof Error ? e.message : typeof e === 'number' ? `codec error ${e}` : String(e);
    throw fail(h, frame, `the ${transferSyntax(h.transferSyntaxUid)?.name ?? 'compressed'} stream could not be decoded (${why})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Stored words → modality values

export interface SliceValues {
  /** Int16Array when every value is an integer in int16 range and Int16 was asked for. */
  readonly values: Int16Array | Float32Array;
  readonly paddedVoxels: number;
}

/** What padded pixels become: air for CT, zero otherwise. */
export const paddingFill = (modality: string): number => (modality === 'CT' ? -1024 : 0);

/**
 * Masks to BitsStored (honouring HighBit), sign-extends two's complement data, replaces pixel
 * padding and applies the frame's RescaleSlope/Intercept. Writes Int16 when `preferInt16` and
 * every result fits; otherwise Float32.
 *
 * `into` (a slice-sized view of the volume, e.g. of a SharedArrayBuffer) is written in place
 * when the values fit its type; the returned `values` is then `into` itself.
 */
export function wordsToValues(
  words: StoredWords,
  h: InstanceHeader,
  frame: FrameHeader,
  preferInt16: boolean,
  into?: Int16Array | Float32Array,
): SliceValues {
  const n = h.rows * h.columns;
  const bitsStored = h.bitsStored;
  const shift = h.highBit + 1 - bitsStored;
  const signed = h.pixelRepresentation === 1;
  const slope = frame.rescaleSlope || 1;
  const intercept = frame.rescaleIntercept;
  const full = bitsStored === 32;
  const mask = full ? 0xffffffff : 2 ** bitsStored - 1;
  const signBit = full ? 0x80000000 : 2 ** (bitsStored - 1);
  const range = full ? 2 ** 32 : 2 ** bitsStored;
  const pad = h.pixelPadding;
  const padLo = pad ? Math.min(pad.value, pad.rangeLimit ?? pad.value) : 0;
  const padHi = pad ? Math.max(pad.value, pad.rangeLimit ?? pad.value) : -1;
  const fill = paddingFill(h.modality);
  const integral = Number.isInteger(slope) && Number.isInteger(intercept);
  let paddedVoxels = 0;

  const stored = (w: number): number => {
    let v = shift ? w >>> shift : w;
    if (!full) v &= mask;
    else v >>>= 0;
    if (signed && v >= signBit) v -= range;
    return v;
  };

  if (into && into.length !== n) throw new VoxelprintError('decode-failed', `target slice holds ${into.length} values, expected ${n}`, h.fileName);
  if (preferInt16 && integral && !(into instanceof Float32Array)) {
    const out = into ?? new Int16Array(n);
    let fits = true;
    if (!pad && shift === 0 && bitsStored === 16 && words instanceof Uint16Array && signed && slope === 1) {
      // The common CT case: 16-bit signed HU (or stored) values, integer intercept.
      const src = new Int16Array(words.buffer, words.byteOffset, n);
      for (let i = 0; i < n; i++) {
        const v = src[i] + intercept;
        if (v < -32768 || v > 32767) {
          fits = false;
          break;
        }
        out[i] = v;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const s = stored(words[i]);
        let v: number;
        if (s >= padLo && s <= padHi) {
          v = fill;
          paddedVoxels++;
        } else v = s * slope + intercept;
        if (v < -32768 || v > 32767) {
          fits = false;
          break;
        }
        out[i] = v;
      }
    }
    if (fits) return { values: out, paddedVoxels };
    paddedVoxels = 0;
  }
  const out = into instanceof Float32Array ? into : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const s = stored(words[i]);
    if (s >= padLo && s <= padHi) {
      out[i] = fill;
      paddedVoxels++;
    } else out[i] = s * slope + intercept;
  }
  return { values: out, paddedVoxels };
}
