/**
 * Produces compressed / re-encoded variants of a native DICOM file for the reader's tests, and
 * independent tools to verify them.
 *
 * - dcmtk CLIs (apt-get install dcmtk) for RLE, JPEG (baseline, extended 12-bit, lossless
 *   process 14 with selection values 1..7, SV1), JPEG-LS (lossless, near-lossless) and the
 *   native re-encodings (explicit/implicit LE, explicit BE, deflated).
 * - The Cornerstone codec packages' WebAssembly encoders (OpenJPEG's J2KEncoder, OpenJPH's
 *   HTJ2KEncoder) for JPEG 2000 and HTJ2K, whose frames are wrapped into an encapsulated file
 *   with our Part 10 writer. Call `await prepareJ2kEncoders()` once (e.g. in `beforeAll`) before
 *   using the synchronous `transcode` with those targets, or use `transcodeAsync`.
 *
 * Verification (used by test/helpers/transcode.test.ts): `dcmdump` parses every variant;
 * `decompressWithTools` gets native pixels back through dcmdjpeg / dcmdjpls / dcmdrle / dcmconv
 * and, for JPEG 2000, gdcmconv --raw (apt-get install libgdcm-tools) when installed;
 * `decodeJ2kFrames` decodes JPEG 2000 and HTJ2K frames with OpenJPEG's decoder (OpenJPEG 2.5
 * also decodes HTJ2K, so HTJ2K fixtures are checked by a different library than the encoder).
 *
 * Pixels whose bits above HighBit are dirty come out clean from the JPEG 2000 encoders (the
 * codestream only holds BitsStored bits); dcmtk's codecs are given the file as is.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type WriteElement, writeDataSet, writeFileMeta } from '../../src/core/dicom/writer';
import { concatBytes } from './syntheticSeries';

// ---------------------------------------------------------------------------------------------
// Targets

export type JpegLosslessP14 =
  | 'jpeg-lossless-p14-sv1'
  | 'jpeg-lossless-p14-sv2'
  | 'jpeg-lossless-p14-sv3'
  | 'jpeg-lossless-p14-sv4'
  | 'jpeg-lossless-p14-sv5'
  | 'jpeg-lossless-p14-sv6'
  | 'jpeg-lossless-p14-sv7';

export type Syntax =
  | 'explicit-le'
  | 'implicit-le'
  | 'explicit-be'
  | 'deflated'
  | 'rle'
  | 'jpeg-baseline'
  | 'jpeg-extended-12'
  | 'jpeg-lossless-sv1'
  | JpegLosslessP14
  | 'jpeg-ls-lossless'
  | 'jpeg-ls-near-lossless'
  | 'j2k-lossless'
  | 'j2k-lossy'
  | 'htj2k-lossless'
  | 'htj2k-lossless-rpcl'
  | 'htj2k-lossy';

export interface SyntaxInfo {
  readonly uid: string;
  readonly lossless: boolean;
  /** What produces it (for reports). */
  readonly encoder: string;
  /** What decompresses it back to native for verification ('openjpeg' = decodeJ2kFrames). */
  readonly verifier: 'dcmconv' | 'dcmdrle' | 'dcmdjpeg' | 'dcmdjpls' | 'gdcmconv' | 'openjpeg';
}

const p14 = (sv: number): SyntaxInfo => ({ uid: '1.2.840.10008.1.2.4.57', lossless: true, encoder: `dcmcjpeg +el +sv ${sv}`, verifier: 'dcmdjpeg' });

export const SYNTAXES: Readonly<Record<Syntax, SyntaxInfo>> = {
  'explicit-le': { uid: '1.2.840.10008.1.2.1', lossless: true, encoder: 'dcmconv +te', verifier: 'dcmconv' },
  'implicit-le': { uid: '1.2.840.10008.1.2', lossless: true, encoder: 'dcmconv +ti', verifier: 'dcmconv' },
  'explicit-be': { uid: '1.2.840.10008.1.2.2', lossless: true, encoder: 'dcmconv +tb', verifier: 'dcmconv' },
  deflated: { uid: '1.2.840.10008.1.2.1.99', lossless: true, encoder: 'dcmconv +td', verifier: 'dcmconv' },
  rle: { uid: '1.2.840.10008.1.2.5', lossless: true, encoder: 'dcmcrle', verifier: 'dcmdrle' },
  'jpeg-baseline': { uid: '1.2.840.10008.1.2.4.50', lossless: false, encoder: 'dcmcjpeg +eb', verifier: 'dcmdjpeg' },
  'jpeg-extended-12': { uid: '1.2.840.10008.1.2.4.51', lossless: false, encoder: 'dcmcjpeg +ee', verifier: 'dcmdjpeg' },
  'jpeg-lossless-sv1': { uid: '1.2.840.10008.1.2.4.70', lossless: true, encoder: 'dcmcjpeg +e1', verifier: 'dcmdjpeg' },
  'jpeg-lossless-p14-sv1': p14(1),
  'jpeg-lossless-p14-sv2': p14(2),
  'jpeg-lossless-p14-sv3': p14(3),
  'jpeg-lossless-p14-sv4': p14(4),
  'jpeg-lossless-p14-sv5': p14(5),
  'jpeg-lossless-p14-sv6': p14(6),
  'jpeg-lossless-p14-sv7': p14(7),
  'jpeg-ls-lossless': { uid: '1.2.840.10008.1.2.4.80', lossless: true, encoder: 'dcmcjpls +el', verifier: 'dcmdjpls' },
  'jpeg-ls-near-lossless': { uid: '1.2.840.10008.1.2.4.81', lossless: false, encoder: 'dcmcjpls +en +md 2', verifier: 'dcmdjpls' },
  'j2k-lossless': { uid: '1.2.840.10008.1.2.4.90', lossless: true, encoder: 'OpenJPEG J2KEncoder (5/3)', verifier: 'gdcmconv' },
  'j2k-lossy': { uid: '1.2.840.10008.1.2.4.91', lossless: false, encoder: 'OpenJPEG J2KEncoder (9/7, ratio 10)', verifier: 'gdcmconv' },
  'htj2k-lossless': { uid: '1.2.840.10008.1.2.4.201', lossless: true, encoder: 'OpenJPH HTJ2KEncoder (LRCP)', verifier: 'openjpeg' },
  'htj2k-lossless-rpcl': { uid: '1.2.840.10008.1.2.4.202', lossless: true, encoder: 'OpenJPH HTJ2KEncoder (RPCL, TLM)', verifier: 'openjpeg' },
  'htj2k-lossy': { uid: '1.2.840.10008.1.2.4.203', lossless: false, encoder: 'OpenJPH HTJ2KEncoder (irreversible)', verifier: 'openjpeg' },
};

export const ALL_SYNTAXES = Object.keys(SYNTAXES) as Syntax[];
export const JPEG_LOSSLESS_P14: readonly JpegLosslessP14[] = [1, 2, 3, 4, 5, 6, 7].map((sv) => `jpeg-lossless-p14-sv${sv}` as JpegLosslessP14);

export interface TranscodeOptions {
  /** Basic offset table (default true; false leaves it empty). */
  readonly offsetTable?: boolean;
  /** Split each frame into fragments of at most this many KiB (default: one fragment per frame). */
  readonly fragmentSizeKb?: number;
  /** j2k-lossy: target compression ratio (default 10). */
  readonly j2kCompressionRatio?: number;
  /** htj2k-lossy: quantization step (default 0.002). */
  readonly htj2kQuantizationStep?: number;
  /** jpeg-ls-near-lossless: NEAR (default 2). */
  readonly jpegLsMaxDeviation?: number;
  /** jpeg-baseline / jpeg-extended-12: quality 0..100 (default 90). */
  readonly jpegQuality?: number;
}

// ---------------------------------------------------------------------------------------------
// Tools

const DCMTK_HINT = 'dcmtk command-line tools are required for the transcoded test fixtures: apt-get install dcmtk';

/** Runs a CLI tool; a missing dcmtk/gdcm binary becomes a clear error. */
export function runTool(cmd: string, args: readonly string[]): string {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.error) {
    const code = (res.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(cmd.startsWith('gdcm') ? `${cmd} not found: apt-get install libgdcm-tools` : `${cmd} not found. ${DCMTK_HINT}`);
    }
    throw res.error;
  }
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${res.status}):\n${res.stderr}${res.stdout}`);
  return res.stdout + res.stderr;
}

export function hasTool(cmd: string): boolean {
  const res = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  return !res.error;
}

/** Throws the install hint unless dcmtk is on PATH. */
let dcmtkChecked = false;
export function requireDcmtk(): void {
  if (dcmtkChecked) return;
  if (!hasTool('dcmdump')) throw new Error(DCMTK_HINT);
  dcmtkChecked = true;
}

function withTemp<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'voxelprint-transcode-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `cmd [...args] in out` on temporary files and returns the output file. */
export function runOnFile(cmd: string, args: readonly string[], file: Uint8Array): Uint8Array {
  return withTemp((dir) => {
    const input = join(dir, 'in.dcm');
    const output = join(dir, 'out.dcm');
    writeFileSync(input, file);
    runTool(cmd, [...args, input, output]);
    return new Uint8Array(readFileSync(output));
  });
}

/** dcmdump's text output; throws when dcmdump cannot parse the file. */
export function dcmdump(file: Uint8Array, extraArgs: readonly string[] = []): string {
  return withTemp((dir) => {
    const input = join(dir, 'in.dcm');
    writeFileSync(input, file);
    return runTool('dcmdump', [...extraArgs, input]);
  });
}

// ---------------------------------------------------------------------------------------------
// A minimal reader of explicit VR little endian files (top level only), independent of src/core

export interface RawElement {
  readonly tag: number;
  readonly vr: string;
  /** Byte range of the whole element (header + value) in the data set buffer. */
  readonly start: number;
  readonly end: number;
  readonly valueStart: number;
  /** 0xffffffff for undefined length. */
  readonly length: number;
}

export interface ParsedFile {
  readonly meta: Map<number, string>;
  readonly transferSyntaxUid: string;
  /** The data set bytes (after the meta group). */
  readonly dataSet: Uint8Array;
  readonly elements: RawElement[];
  /** Text of a string element (trailing padding removed). */
  text(tag: number): string | undefined;
  /** First US value. */
  us(tag: number): number | undefined;
  value(tag: number): Uint8Array | undefined;
}

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'SQ', 'UN', 'UT', 'UC', 'UR', 'SV', 'UV']);
const ascii = (b: Uint8Array): string => String.fromCharCode(...b);
const trimValue = (s: string): string => s.replace(/[\0 ]+$/, '');

/** Skips an undefined-length value (SQ items or encapsulated fragments) starting at `pos`. */
function skipUndefined(dv: DataView, pos: number, bytes: Uint8Array): number {
  let p = pos;
  while (p + 8 <= bytes.length) {
    const g = dv.getUint16(p, true);
    const e = dv.getUint16(p + 2, true);
    const len = dv.getUint32(p + 4, true);
    p += 8;
    if (g === 0xfffe && e === 0xe0dd) return p;
    if (g === 0xfffe && e === 0xe000) {
      if (len === 0xffffffff) {
        // item of undefined length: parse elements until the item delimiter
        while (p + 8 <= bytes.length) {
          const ig = dv.getUint16(p, true);
          const ie = dv.getUint16(p + 2, true);
          if (ig === 0xfffe && ie === 0xe00d) {
            p += 8;
            break;
          }
          p = parseElementAt(dv, bytes, p).end;
        }
      } else p += len;
    } else throw new Error(`unexpected tag (${g.toString(16)},${e.toString(16)}) in undefined-length value`);
  }
  throw new Error('undefined-length value not terminated');
}

function parseElementAt(dv: DataView, bytes: Uint8Array, start: number): RawElement {
  const tag = ((dv.getUint16(start, true) << 16) | dv.getUint16(start + 2, true)) >>> 0;
  const vr = ascii(bytes.subarray(start + 4, start + 6));
  let valueStart: number;
  let length: number;
  if (LONG_VRS.has(vr)) {
    length = dv.getUint32(start + 8, true);
    valueStart = start + 12;
  } else {
    length = dv.getUint16(start + 6, true);
    valueStart = start + 8;
  }
  const end = length === 0xffffffff ? skipUndefined(dv, valueStart, bytes) : valueStart + length;
  if (end > bytes.length) throw new Error(`element ${tag.toString(16)} runs past the end`);
  return { tag, vr, start, end, valueStart, length };
}

/**
 * Parses a Part 10 file whose data set is explicit VR little endian (native or encapsulated).
 * Other syntaxes: convert first (`toExplicitLittle`).
 */
export function parseExplicitLittle(file: Uint8Array): ParsedFile {
  if (file.length < 132 || ascii(file.subarray(128, 132)) !== 'DICM') throw new Error('not a Part 10 file');
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const meta = new Map<number, string>();
  let p = 132;
  while (p + 8 <= file.length && dv.getUint16(p, true) === 0x0002) {
    const el = parseElementAt(dv, file, p);
    meta.set(el.tag, trimValue(ascii(file.subarray(el.valueStart, el.end))));
    p = el.end;
  }
  const transferSyntaxUid = meta.get(0x00020010) ?? '';
  if (transferSyntaxUid === '1.2.840.10008.1.2' || transferSyntaxUid === '1.2.840.10008.1.2.2' || transferSyntaxUid === '1.2.840.10008.1.2.1.99') {
    throw new Error(`parseExplicitLittle: ${transferSyntaxUid} is not explicit VR little endian`);
  }
  const dataSet = file.subarray(p);
  const ddv = new DataView(dataSet.buffer, dataSet.byteOffset, dataSet.byteLength);
  const elements: RawElement[] = [];
  let q = 0;
  while (q + 8 <= dataSet.length) {
    const el = parseElementAt(ddv, dataSet, q);
    elements.push(el);
    q = el.end;
  }
  const find = (tag: number): RawElement | undefined => elements.find((e) => e.tag === tag);
  const value = (tag: number): Uint8Array | undefined => {
    const el = find(tag);
    return el && el.length !== 0xffffffff ? dataSet.subarray(el.valueStart, el.end) : undefined;
  };
  return {
    meta,
    transferSyntaxUid,
    dataSet,
    elements,
    value,
    text: (tag) => {
      const v = value(tag);
      return v ? trimValue(ascii(v)) : undefined;
    },
    us: (tag) => {
      const v = value(tag);
      return v && v.length >= 2 ? v[0] | (v[1] << 8) : undefined;
    },
  };
}

/** Any native / compressed file in explicit VR LE (compressed: unchanged); bare data sets get a meta group. */
export function toExplicitLittle(file: Uint8Array): Uint8Array {
  const isPart10 = file.length >= 132 && ascii(file.subarray(128, 132)) === 'DICM';
  if (isPart10) {
    try {
      parseExplicitLittle(file);
      return file;
    } catch {
      // fall through to dcmconv
    }
  }
  return runOnFile('dcmconv', ['+te'], file);
}

/** Frame geometry of a parsed file. */
export interface PixelModule {
  readonly rows: number;
  readonly columns: number;
  readonly frames: number;
  readonly samplesPerPixel: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly pixelRepresentation: number;
  readonly photometric: string;
}

export function pixelModule(f: ParsedFile): PixelModule {
  const need = (tag: number): number => {
    const v = f.us(tag);
    if (v === undefined) throw new Error(`missing (${(tag >>> 16).toString(16)},${(tag & 0xffff).toString(16)})`);
    return v;
  };
  return {
    rows: need(0x00280010),
    columns: need(0x00280011),
    frames: Number(f.text(0x00280008) ?? '1') || 1,
    samplesPerPixel: f.us(0x00280002) ?? 1,
    bitsAllocated: need(0x00280100),
    bitsStored: f.us(0x00280101) ?? need(0x00280100),
    pixelRepresentation: f.us(0x00280103) ?? 0,
    photometric: f.text(0x00280004) ?? 'MONOCHROME2',
  };
}

/** The native PixelData value of a file (any native syntax; converted to explicit LE first). */
export function nativePixelBytes(file: Uint8Array): Uint8Array {
  const f = parseExplicitLittle(toExplicitLittle(file));
  const el = f.elements.find((e) => e.tag === 0x7fe00010);
  if (!el) throw new Error('no PixelData');
  if (el.length === 0xffffffff) throw new Error(`PixelData is encapsulated (${f.transferSyntaxUid})`);
  return f.dataSet.slice(el.valueStart, el.end);
}

/** Fragments of an encapsulated PixelData (explicit VR LE file), and its basic offset table. */
export function encapsulatedFragments(file: Uint8Array): { offsets: number[]; fragments: Uint8Array[] } {
  const f = parseExplicitLittle(file);
  const el = f.elements.find((e) => e.tag === 0x7fe00010);
  if (!el || el.length !== 0xffffffff) throw new Error('PixelData is not encapsulated');
  const dv = new DataView(f.dataSet.buffer, f.dataSet.byteOffset, f.dataSet.byteLength);
  let p = el.valueStart;
  const items: Uint8Array[] = [];
  while (p + 8 <= el.end) {
    const e = dv.getUint16(p + 2, true);
    const len = dv.getUint32(p + 4, true);
    p += 8;
    if (e === 0xe0dd) break;
    items.push(f.dataSet.slice(p, p + len));
    p += len;
  }
  const bot = items[0];
  const bdv = new DataView(bot.buffer, bot.byteOffset, bot.byteLength);
  const offsets = Array.from({ length: bot.length / 4 }, (_, i) => bdv.getUint32(4 * i, true));
  return { offsets, fragments: items.slice(1) };
}

/** Frames of an encapsulated file (one fragment per frame, or fragments grouped by the offset table). */
export function encapsulatedFrames(file: Uint8Array): Uint8Array[] {
  const { offsets, fragments } = encapsulatedFragments(file);
  const frames = pixelModule(parseExplicitLittle(file)).frames;
  if (frames === fragments.length) return fragments;
  if (offsets.length !== frames) {
    if (frames === 1) return [concatBytes(fragments)];
    throw new Error('cannot group fragments into frames without an offset table');
  }
  const out: Uint8Array[] = [];
  let pos = 0;
  let fi = 0;
  for (let frame = 0; frame < frames; frame++) {
    const endOffset = frame + 1 < frames ? offsets[frame + 1] : Infinity;
    const parts: Uint8Array[] = [];
    while (fi < fragments.length && pos < endOffset) {
      parts.push(fragments[fi]);
      pos += 8 + fragments[fi].length;
      fi++;
    }
    out.push(concatBytes(parts));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// JPEG 2000 / HTJ2K encoders (emscripten modules of the Cornerstone codec packages)

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
  isUsingColorTransform?: boolean;
}

interface EmbindObject {
  delete(): void;
}

interface J2KEncoderObj extends EmbindObject {
  getDecodedBuffer(fi: FrameInfo): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  encode(): void;
  setDecompositions(n: number): void;
  setQuality(lossless: boolean, layers: number): void;
  setCompressionRatio(layer: number, ratio: number): void;
  setProgressionOrder(order: number): void;
}

interface HTJ2KEncoderObj extends EmbindObject {
  getDecodedBuffer(fi: FrameInfo): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  encode(): void;
  setDecompositions(n: number): void;
  setQuality(lossless: boolean, quantizationStep: number): void;
  setProgressionOrder(order: number): void;
  setTLMMarker(on: boolean): void;
  setTilePartDivisionsAtResolutions(on: boolean): void;
}

interface J2KDecoderObj extends EmbindObject {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  getIsReversible(): boolean;
  getProgressionOrder(): number;
}

interface OpenJpegModule {
  J2KEncoder: new () => J2KEncoderObj;
  J2KDecoder: new () => J2KDecoderObj;
  getVersion(): string;
}

interface OpenJphModule {
  HTJ2KEncoder: new () => HTJ2KEncoderObj;
  getVersion(): string;
}

type EmscriptenFactory<T> = (moduleArg: {
  locateFile: (name: string) => string;
  print: (s: string) => void;
  printErr: (s: string) => void;
}) => Promise<T>;

const nodeRequire = createRequire(import.meta.url);

async function loadCodec<T>(specifier: string): Promise<T> {
  const path = nodeRequire.resolve(specifier);
  const factory = nodeRequire(path) as EmscriptenFactory<T>;
  return factory({ locateFile: (name) => join(dirname(path), name), print: () => {}, printErr: () => {} });
}

let openjpeg: OpenJpegModule | undefined;
let openjph: OpenJphModule | undefined;

/** Loads the WebAssembly encoders (once); needed before `transcode` to a J2K/HTJ2K target. */
export async function prepareJ2kEncoders(): Promise<{ openjpeg: string; openjph: string }> {
  openjpeg ??= await loadCodec<OpenJpegModule>('@cornerstonejs/codec-openjpeg/wasmjs');
  openjph ??= await loadCodec<OpenJphModule>('@cornerstonejs/codec-openjph/wasmjs');
  return { openjpeg: openjpeg.getVersion(), openjph: openjph.getVersion() };
}

/** Embind exceptions surface as numbers (pointers); give them a message. */
function wasmCall(what: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    throw e instanceof Error ? e : new Error(`${what} failed inside WebAssembly (${String(e)})`);
  }
}

const decompositionsFor = (w: number, h: number): number => Math.max(0, Math.min(5, Math.floor(Math.log2(Math.min(w, h)))));

/** Frame samples as clean 16-bit words (sign extended from BitsStored) or bytes. */
function cleanFrame(raw: Uint8Array, pm: Pick<PixelModule, 'bitsAllocated' | 'bitsStored' | 'pixelRepresentation'>): Uint8Array {
  if (pm.bitsAllocated === 8) {
    if (pm.pixelRepresentation === 1) throw new Error('signed 8-bit data is not supported by the J2K encoders');
    const mask = (1 << pm.bitsStored) - 1;
    return raw.map((v) => v & mask);
  }
  const n = raw.length / 2;
  const out = new Uint16Array(n);
  const shift = 32 - pm.bitsStored;
  for (let i = 0; i < n; i++) {
    const w = raw[2 * i] | (raw[2 * i + 1] << 8);
    out[i] = pm.pixelRepresentation === 1 ? ((w << shift) >> shift) & 0xffff : w & ((1 << pm.bitsStored) - 1);
  }
  return new Uint8Array(out.buffer);
}

function encodeJ2kFrame(target: Syntax, frame: Uint8Array, pm: PixelModule, opts: TranscodeOptions): Uint8Array {
  const fi: FrameInfo = {
    width: pm.columns,
    height: pm.rows,
    bitsPerSample: pm.bitsStored,
    componentCount: 1,
    isSigned: pm.pixelRepresentation === 1,
    isUsingColorTransform: false,
  };
  const decompositions = decompositionsFor(pm.columns, pm.rows);
  if (target === 'j2k-lossless' || target === 'j2k-lossy') {
    if (!openjpeg) throw new Error('call `await prepareJ2kEncoders()` before transcoding to JPEG 2000');
    const enc = new openjpeg.J2KEncoder();
    try {
      enc.getDecodedBuffer(fi).set(frame);
      enc.setDecompositions(decompositions);
      if (target === 'j2k-lossy') {
        enc.setQuality(false, 1);
        enc.setCompressionRatio(0, opts.j2kCompressionRatio ?? 10);
      }
      wasmCall('J2KEncoder.encode', () => enc.encode());
      return enc.getEncodedBuffer().slice();
    } finally {
      enc.delete();
    }
  }
  if (!openjph) throw new Error('call `await prepareJ2kEncoders()` before transcoding to HTJ2K');
  const enc = new openjph.HTJ2KEncoder();
  try {
    enc.getDecodedBuffer(fi).set(frame);
    enc.setDecompositions(decompositions);
    if (target === 'htj2k-lossless') enc.setProgressionOrder(0); // LRCP
    if (target === 'htj2k-lossless-rpcl') {
      enc.setProgressionOrder(2); // RPCL
      enc.setTLMMarker(true);
      enc.setTilePartDivisionsAtResolutions(true);
    }
    if (target === 'htj2k-lossy') enc.setQuality(false, opts.htj2kQuantizationStep ?? 0.002);
    wasmCall('HTJ2KEncoder.encode', () => enc.encode());
    return enc.getEncodedBuffer().slice();
  } finally {
    enc.delete();
  }
}

/** Splits frames into fragments and computes the basic offset table. */
function fragmentFrames(frames: readonly Uint8Array[], opts: TranscodeOptions): { fragments: Uint8Array[]; basicOffsetTable?: number[] } {
  const fragments: Uint8Array[] = [];
  const bot: number[] = [];
  let offset = 0;
  const max = opts.fragmentSizeKb ? opts.fragmentSizeKb * 1024 : Infinity;
  for (const frame of frames) {
    bot.push(offset);
    for (let p = 0; p < frame.length; p += max) {
      const frag = frame.subarray(p, Math.min(frame.length, p + max));
      fragments.push(frag);
      offset += 8 + frag.length + (frag.length % 2);
      if (max === Infinity) break;
    }
  }
  return { fragments, basicOffsetTable: opts.offsetTable === false ? undefined : bot };
}

function encodeJ2kFile(file: Uint8Array, target: Syntax, opts: TranscodeOptions): Uint8Array {
  const f = parseExplicitLittle(toExplicitLittle(file));
  const pm = pixelModule(f);
  if (pm.samplesPerPixel !== 1) throw new Error('J2K transcoding supports SamplesPerPixel 1 only');
  const pdEl = f.elements.find((e) => e.tag === 0x7fe00010);
  if (!pdEl || pdEl.length === 0xffffffff) throw new Error('J2K transcoding needs native input');
  const pixels = f.dataSet.subarray(pdEl.valueStart, pdEl.end);
  const frameBytes = pm.rows * pm.columns * (pm.bitsAllocated / 8);
  if (pixels.length < frameBytes * pm.frames) throw new Error('PixelData shorter than Rows × Columns × frames');
  const encoded: Uint8Array[] = [];
  for (let k = 0; k < pm.frames; k++) {
    encoded.push(encodeJ2kFrame(target, cleanFrame(pixels.subarray(k * frameBytes, (k + 1) * frameBytes), pm), pm, opts));
  }
  const uid = SYNTAXES[target].uid;
  const replaced: WriteElement[] = [{ tag: 0x7fe00010, vr: 'OB', value: fragmentFrames(encoded, opts) }];
  if (!SYNTAXES[target].lossless) {
    const ratio = (frameBytes * pm.frames) / encoded.reduce((a, e) => a + e.length, 0);
    replaced.push(
      { tag: 0x00282110, vr: 'CS', value: '01' },
      { tag: 0x00282112, vr: 'DS', value: ratio.toFixed(2) },
      { tag: 0x00282114, vr: 'CS', value: target === 'j2k-lossy' ? 'ISO_15444_1' : 'ISO_15444_15' },
    );
  }
  const replacedTags = new Set(replaced.map((e) => e.tag));
  const chunks: { tag: number; bytes: Uint8Array }[] = f.elements
    .filter((e) => !replacedTags.has(e.tag))
    .map((e) => ({ tag: e.tag, bytes: f.dataSet.subarray(e.start, e.end) }));
  for (const el of replaced) chunks.push({ tag: el.tag, bytes: writeDataSet([el], uid) });
  chunks.sort((a, b) => a.tag - b.tag);
  const sopClassUid = f.meta.get(0x00020002) ?? '';
  const sopInstanceUid = f.meta.get(0x00020003) ?? '';
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concatBytes([preamble, writeFileMeta({ transferSyntaxUid: uid, sopClassUid, sopInstanceUid }), ...chunks.map((c) => c.bytes)]);
}

// ---------------------------------------------------------------------------------------------
// transcode

function dcmtkArgs(target: Syntax, opts: TranscodeOptions): { cmd: string; args: string[] } {
  const encap: string[] = [];
  if (opts.offsetTable === false) encap.push('-ot');
  if (opts.fragmentSizeKb) encap.push('+fs', String(opts.fragmentSizeKb));
  const q = String(opts.jpegQuality ?? 90);
  switch (target) {
    case 'explicit-le':
      return { cmd: 'dcmconv', args: ['+te'] };
    case 'implicit-le':
      return { cmd: 'dcmconv', args: ['+ti'] };
    case 'explicit-be':
      return { cmd: 'dcmconv', args: ['+tb'] };
    case 'deflated':
      return { cmd: 'dcmconv', args: ['+td'] };
    case 'rle':
      return { cmd: 'dcmcrle', args: [...encap] };
    case 'jpeg-baseline':
      return { cmd: 'dcmcjpeg', args: ['+eb', '+q', q, '+un', ...encap] };
    case 'jpeg-extended-12':
      return { cmd: 'dcmcjpeg', args: ['+ee', '+q', q, '+un', ...encap] };
    case 'jpeg-lossless-sv1':
      return { cmd: 'dcmcjpeg', args: ['+e1', '+un', ...encap] };
    case 'jpeg-ls-lossless':
      return { cmd: 'dcmcjpls', args: ['+el', '+un', ...encap] };
    case 'jpeg-ls-near-lossless':
      return { cmd: 'dcmcjpls', args: ['+en', '+md', String(opts.jpegLsMaxDeviation ?? 2), '+un', ...encap] };
    default: {
      const m = /^jpeg-lossless-p14-sv([1-7])$/.exec(target);
      if (m) return { cmd: 'dcmcjpeg', args: ['+el', '+sv', m[1], '+un', ...encap] };
      throw new Error(`${target} is not a dcmtk target`);
    }
  }
}

const isJ2k = (t: Syntax): boolean => t.startsWith('j2k-') || t.startsWith('htj2k-');

function checkInput(file: Uint8Array, target: Syntax): void {
  if (target !== 'jpeg-baseline' && target !== 'jpeg-extended-12' && target !== 'jpeg-ls-near-lossless') return;
  const pm = pixelModule(parseExplicitLittle(toExplicitLittle(file)));
  if (target === 'jpeg-baseline' && pm.bitsAllocated !== 8) {
    throw new Error('jpeg-baseline needs 8-bit input (makeSeries({ bitsAllocated: 8, ... }))');
  }
  if (target === 'jpeg-ls-near-lossless' && pm.pixelRepresentation !== 0) {
    throw new Error('dcmcjpls near-lossless needs unsigned input (pixelRepresentation: 0)');
  }
  if (target === 'jpeg-extended-12' && (pm.bitsStored > 12 || pm.pixelRepresentation !== 0)) {
    throw new Error('jpeg-extended-12 needs unsigned input with BitsStored <= 12 (e.g. bitsStored: 12, pixelRepresentation: 0)');
  }
}

/**
 * A variant of a native file in another transfer syntax. JPEG 2000 / HTJ2K targets need
 * `await prepareJ2kEncoders()` first (or use `transcodeAsync`). The SOP Instance UID is kept,
 * also for lossy targets (LossyImageCompression is set by the encoders).
 */
export function transcode(file: Uint8Array, target: Syntax, opts: TranscodeOptions = {}): Uint8Array {
  if (!(target in SYNTAXES)) throw new Error(`unknown target ${target}`);
  if (isJ2k(target)) return encodeJ2kFile(file, target, opts);
  requireDcmtk();
  checkInput(file, target);
  const { cmd, args } = dcmtkArgs(target, opts);
  return runOnFile(cmd, args, file);
}

export async function transcodeAsync(file: Uint8Array, target: Syntax, opts: TranscodeOptions = {}): Promise<Uint8Array> {
  if (isJ2k(target)) await prepareJ2kEncoders();
  return transcode(file, target, opts);
}

// ---------------------------------------------------------------------------------------------
// Independent verification

/** The file meta group of a Part 10 file (always explicit VR LE), values as trimmed strings. */
export function readMeta(file: Uint8Array): Map<number, string> {
  if (file.length < 132 || ascii(file.subarray(128, 132)) !== 'DICM') throw new Error('not a Part 10 file');
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const meta = new Map<number, string>();
  let p = 132;
  while (p + 8 <= file.length && dv.getUint16(p, true) === 0x0002) {
    const el = parseElementAt(dv, file, p);
    meta.set(el.tag, trimValue(ascii(file.subarray(el.valueStart, el.end))));
    p = el.end;
  }
  return meta;
}

/** The transfer syntax UID in a Part 10 file's meta group. */
export function transferSyntaxOf(file: Uint8Array): string {
  const ts = readMeta(file).get(0x00020010);
  if (!ts) throw new Error('no TransferSyntaxUID in the meta group');
  return ts;
}

/**
 * Decompresses a file with external tools (never with the encoders above) and returns the
 * native explicit VR LE file: dcmdrle / dcmdjpeg / dcmdjpls / dcmconv, gdcmconv --raw for
 * JPEG 2000. HTJ2K has no CLI decoder here: use `decodeJ2kFrames`.
 */
export function decompressWithTools(file: Uint8Array): Uint8Array {
  const ts = transferSyntaxOf(file);
  const info = Object.values(SYNTAXES).find((s) => s.uid === ts);
  switch (info?.verifier) {
    case 'dcmconv':
      return runOnFile('dcmconv', ['+te'], file);
    case 'dcmdrle':
      return runOnFile('dcmdrle', ['+te'], file);
    case 'dcmdjpeg':
      return runOnFile('dcmdjpeg', ['+te'], file);
    case 'dcmdjpls':
      return runOnFile('dcmdjpls', ['+te'], file);
    case 'gdcmconv':
      return runOnFile('gdcmconv', ['--raw'], file);
    default:
      throw new Error(`no CLI decompressor for ${ts}`);
  }
}

export interface DecodedFrame {
  readonly width: number;
  readonly height: number;
  readonly bitsPerSample: number;
  readonly isSigned: boolean;
  readonly reversible: boolean;
  readonly progressionOrder: number;
  /** Decoded samples (Int16/Uint16 for > 8 bits, Uint8 otherwise). */
  readonly samples: Int16Array | Uint16Array | Uint8Array;
}

/** Decodes the frames of a JPEG 2000 / HTJ2K file with OpenJPEG's decoder. */
export async function decodeJ2kFrames(file: Uint8Array): Promise<DecodedFrame[]> {
  openjpeg ??= await loadCodec<OpenJpegModule>('@cornerstonejs/codec-openjpeg/wasmjs');
  const lib = openjpeg;
  return encapsulatedFrames(file).map((frame) => {
    const dec = new lib.J2KDecoder();
    try {
      dec.getEncodedBuffer(frame.length).set(frame);
      wasmCall('J2KDecoder.decode', () => dec.decode());
      const fi = dec.getFrameInfo();
      const raw = dec.getDecodedBuffer().slice();
      const samples =
        fi.bitsPerSample > 8 ? (fi.isSigned ? new Int16Array(raw.buffer) : new Uint16Array(raw.buffer)) : new Uint8Array(raw.buffer);
      return {
        width: fi.width,
        height: fi.height,
        bitsPerSample: fi.bitsPerSample,
        isSigned: fi.isSigned,
        reversible: dec.getIsReversible(),
        progressionOrder: dec.getProgressionOrder(),
        samples,
      };
    } finally {
      dec.delete();
    }
  });
}

/** Clean little-endian pixel bytes (high bits sign-extended / cleared), for comparisons. */
export function cleanPixelBytes(pixels: Uint8Array, pm: Pick<PixelModule, 'bitsAllocated' | 'bitsStored' | 'pixelRepresentation'>): Uint8Array {
  if (pm.bitsAllocated === 8) {
    const mask = (1 << pm.bitsStored) - 1;
    return pixels.map((v) => v & mask);
  }
  return cleanFrame(pixels.subarray(0, pixels.length - (pixels.length % 2)), pm);
}

