/**
 * Builders of synthetic DICOM series with exactly known ground truth, for the reader's tests.
 *
 * Every value a reader should recover (positions, stored values, HU) is returned next to the
 * files in `truth`, computed from the very strings / words that were written (DS values are
 * rounded to 16 characters, so the truth positions are the parsed DS values, not the exact
 * doubles of the spec).
 *
 * Conventions (see test/helpers/README.md):
 * - `rowCosine` is the direction of increasing column index (DICOM IOP first triplet), i.e. the
 *   volume's `i` axis; `columnCosine` the direction of increasing row index (`j`).
 * - Pixel (r, c) of slice k has its centre at `IPP_k + c * Δcol * rowCosine + r * Δrow * columnCosine`
 *   where `pixelSpacingMm = [Δrow, Δcol]` (DICOM order: between rows, between columns).
 * - `position_k = first + (Σ_{m<k} step_m) * normal + k * tiltStepInPlaneMm`, normal = row × column.
 * - stored value = clamp(round((hu - intercept) / slope)) to the BitsStored range;
 *   `truth.hu` = stored * slope + intercept (what an exact reader produces).
 * - Files are returned in slice order (files[k] holds slice k) but with random-looking,
 *   extension-less names; shuffle them (`shuffle`) when order must not matter.
 */
import { deflateSync } from 'fflate';
import { type Vec3, cross, normalize, norm, dot } from '../../src/core/geometry/vec3';
import { type WriteElement, type WriteVr, writeDataSet, writeDicomFile } from '../../src/core/dicom/writer';
import type { VolumeGeometry } from '../../src/core/volume/volume';

// ---------------------------------------------------------------------------------------------
// Constants

export const TS = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflated: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
} as const;

export const SOP_CLASS = {
  ct: '1.2.840.10008.5.1.4.1.1.2',
  mr: '1.2.840.10008.5.1.4.1.1.4',
  enhancedCt: '1.2.840.10008.5.1.4.1.1.2.1',
  enhancedMr: '1.2.840.10008.5.1.4.1.1.4.1',
  secondaryCapture: '1.2.840.10008.5.1.4.1.1.7',
  rtDose: '1.2.840.10008.5.1.4.1.1.481.2',
  basicTextSr: '1.2.840.10008.5.1.4.1.1.88.11',
  mediaStorageDirectory: '1.2.840.10008.1.3.10',
} as const;

/** UID root of every synthetic fixture (the project's root + '.9' for test data). */
export const FIXTURE_UID_ROOT = '1.2.826.0.1.3680043.10.1489.9';

// ---------------------------------------------------------------------------------------------
// Spec and result types

export type Modality = 'CT' | 'MR';
export type Photometric = 'MONOCHROME1' | 'MONOCHROME2';

export interface SeriesSpec {
  readonly rows: number;
  readonly columns: number;
  readonly slices: number;
  /** DICOM order: [between rows (along columnCosine), between columns (along rowCosine)]. */
  readonly pixelSpacingMm: readonly [number, number];
  /** Uniform step along the slice normal, or one value per gap (length slices - 1). */
  readonly sliceStepMm: number | readonly number[];
  /** IOP first triplet (LPS): direction of increasing column index. */
  readonly rowCosine: Vec3;
  /** IOP second triplet (LPS): direction of increasing row index. */
  readonly columnCosine: Vec3;
  /** ImagePositionPatient of slice 0 (centre of its first pixel), LPS mm. */
  readonly firstPositionLps: Vec3;
  /** Gantry tilt: extra per-slice shift, position_k = first + Σstep·normal + k·tilt. */
  readonly tiltStepInPlaneMm?: Vec3;
  /** Ground truth in modality units (HU for CT) at a pixel centre. */
  readonly hu: (pLps: Vec3) => number;

  /** Default 'CT'. */
  readonly modality?: Modality;
  /** Default 16. */
  readonly bitsAllocated?: 8 | 16;
  /** Default = bitsAllocated. */
  readonly bitsStored?: number;
  /** Default: CT 1 (signed), MR 0. */
  readonly pixelRepresentation?: 0 | 1;
  /** Default 1. A function gives a per-slice value (slice index k). */
  readonly rescaleSlope?: number | ((k: number) => number);
  /** Default: CT -1024, MR 0. A function gives a per-slice value. */
  readonly rescaleIntercept?: number | ((k: number) => number);
  /**
   * Write RescaleSlope/Intercept/Type. Default: true for CT, and for MR only when a slope or an
   * intercept was given.
   */
  readonly writeRescale?: boolean;
  /** Default 'MONOCHROME2'. Stored values are the same either way (display inverts). */
  readonly photometric?: Photometric;
  /** Written as (0028,0120) (US or SS by pixel representation). */
  readonly pixelPaddingValue?: number;
  /** Pixels for which this returns true store `pixelPaddingValue` instead of the HU. */
  readonly isPadding?: (pLps: Vec3) => boolean;

  readonly seriesInstanceUid?: string;
  readonly studyInstanceUid?: string;
  readonly frameOfReferenceUid?: string;
  readonly seriesDescription?: string;
  readonly studyDescription?: string;
  readonly patientName?: string;
  readonly patientId?: string;
  readonly seriesNumber?: number;
  /** Default 'ISO_IR 100'; null omits the element. 'ISO_IR 192' encodes text as UTF-8. */
  readonly specificCharacterSet?: string | null;
  /** Encoder of PN/LO/SH/ST/LT/UT/UC values (overrides the one implied by the charset). */
  readonly encodeText?: (s: string) => Uint8Array;

  /**
   * Native transfer syntax: 1.2.840.10008.1.2, .1.2.1 (default), .1.2.2 or .1.2.1.99 (deflated:
   * the data set after the meta group is raw RFC 1951 deflate).
   */
  readonly transferSyntaxUid?: string;
  /** false: no preamble/'DICM'/meta group, the bare data set (default true). */
  readonly part10?: boolean;

  /** Default 'ORIGINAL\PRIMARY\AXIAL'. */
  readonly imageType?: string;
  /** Default CT 40 / 400; MR: omitted. Arrays write several presets. */
  readonly windowCenter?: number | readonly number[];
  readonly windowWidth?: number | readonly number[];
  readonly windowExplanation?: readonly string[];

  /**
   * SliceThickness written to every slice. Default: 2 × the first step — deliberately WRONG so
   * that a reader trusting it is caught. null omits it.
   */
  readonly sliceThicknessMm?: number | null;
  /** Written as (0018,0088) when given. */
  readonly spacingBetweenSlicesMm?: number;
  /** Write SliceLocation (0020,1041) = IPP · normal (default true). */
  readonly sliceLocation?: boolean;
  /** Default k + 1. */
  readonly instanceNumber?: (k: number) => number;

  /**
   * Bits above HighBit: by default sign extension for signed data and zeros for unsigned.
   * true / 'random': deterministic random bits; 'ones': all ones; 'zeros': all zeros.
   */
  readonly dirtyHighBits?: boolean | 'random' | 'ones' | 'zeros';

  /** Seed of every UID, name and random bit (default: a hash of the spec). */
  readonly seed?: number;
  /** File name for slice k (default: 16 hex digits derived from the SOP instance UID). */
  readonly fileName?: (k: number, sopInstanceUid: string) => string;
  /** Extra or replacing elements for slice k (same tag replaces the generated one). */
  readonly extraElements?: (k: number) => readonly WriteElement[];
  /** Tags to leave out (e.g. 0x00200037 for a file without IOP). */
  readonly omitTags?: readonly number[];
}

export interface SeriesTruth {
  /** ImagePositionPatient per slice as written (parsed back from the DS strings). */
  readonly positionsLps: Vec3[];
  /** IOP as written (parsed back): [row cosine, column cosine]. */
  readonly orientation: readonly [Vec3, Vec3];
  /** Unit slice normal = row × column. */
  readonly normal: Vec3;
  /** Stored pixel values per slice (interpreted with BitsStored/PixelRepresentation), row-major. */
  readonly storedValues: Int32Array[];
  /** stored * slope + intercept per slice, row-major (index c + r * columns). */
  readonly hu: Float64Array[];
  /** Per-slice rescale actually written (or implied: 1 / 0 when not written). */
  readonly rescale: { readonly slope: number; readonly intercept: number }[];
  /** Per-slice flags of padding pixels (only when pixelPaddingValue/isPadding are given). */
  readonly padding?: Uint8Array[];
  /** Pixels whose ideal stored value fell outside the stored range and were clamped. */
  readonly clippedCount: number;
  /** Gaps between consecutive positions along the normal (length slices - 1). */
  readonly stepsMm: number[];
  /**
   * The regular grid a reader should produce when the series is uniform and untilted
   * (dimensions [columns, rows, slices], origin = IPP of slice 0). For non-uniform / tilted
   * series this is still the grid implied by slice 0 and the mean step, for reference.
   */
  readonly geometry: VolumeGeometry;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly frameOfReferenceUid: string;
  readonly sopInstanceUids: string[];
}

export interface SyntheticFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface SeriesResult {
  /** files[k] is slice k. */
  readonly files: SyntheticFile[];
  readonly truth: SeriesTruth;
}

// ---------------------------------------------------------------------------------------------
// Small deterministic utilities

/** 32-bit FNV-1a of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small deterministic PRNG returning floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic Fisher–Yates shuffle; returns a new array. */
export function shuffle<T>(a: readonly T[], seed: number): T[] {
  const out = [...a];
  const r = rng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** 16 hex digits derived from a string (used as extension-less file names). */
export function hexName(s: string): string {
  const a = hashString(s);
  const b = hashString(`${s}#${a}`);
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** A deterministic fixture UID: FIXTURE_UID_ROOT.seed.parts… */
export function fixtureUid(seed: number, ...parts: readonly (number | string)[]): string {
  const uid = [FIXTURE_UID_ROOT, seed >>> 0, ...parts].join('.');
  if (uid.length > 64) throw new Error(`UID too long: ${uid}`);
  return uid;
}

/**
 * Formats a decimal string (DS) of at most 16 characters with as many significant digits as fit.
 */
export function formatDS(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`DS value must be finite, got ${v}`);
  if (Object.is(v, -0) || v === 0) return '0';
  for (let p = 17; p >= 1; p--) {
    const s = String(Number(v.toPrecision(p)));
    if (s.length <= 16) return s;
  }
  throw new Error(`cannot format ${v} as DS`);
}

/** The value a reader obtains from `formatDS(v)`. */
export const dsValue = (v: number): number => Number(formatDS(v));
const dsVec = (v: Vec3): Vec3 => [dsValue(v[0]), dsValue(v[1]), dsValue(v[2])];
const dsList = (vs: readonly number[]): string => vs.map(formatDS).join('\\');

const latin1 = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new Error(`character U+${c.toString(16)} is not Latin-1; use specificCharacterSet 'ISO_IR 192'`);
    out[i] = c;
  }
  return out;
};
const ascii = (s: string): Uint8Array => {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) throw new Error('non-ASCII text needs a matching encodeText for this character set');
  }
  return latin1(s);
};
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Text encoder implied by a SpecificCharacterSet value. */
export function textEncoderFor(charset: string | null | undefined): (s: string) => Uint8Array {
  if (charset === 'ISO_IR 192') return utf8;
  if (charset === undefined || charset === null || charset === '' || charset === 'ISO_IR 100') return latin1;
  return ascii;
}

const TEXT_VRS = new Set<WriteVr>(['PN', 'LO', 'SH', 'ST', 'LT', 'UT', 'UC']);

/** Builds elements; text VRs get the series' text encoder. */
class ElementList {
  readonly items: WriteElement[] = [];
  constructor(private readonly encodeText: (s: string) => Uint8Array) {}
  add(tag: number, vr: WriteVr, value: WriteElement['value']): this {
    this.items.push(TEXT_VRS.has(vr) ? { tag, vr, value, encodeText: this.encodeText } : { tag, vr, value });
    return this;
  }
}

/** Replaces / removes elements by tag. */
export function mergeElements(
  base: readonly WriteElement[],
  extra: readonly WriteElement[] = [],
  omit: readonly number[] = [],
): WriteElement[] {
  const byTag = new Map<number, WriteElement>();
  for (const e of base) byTag.set(e.tag, e);
  for (const e of extra) byTag.set(e.tag, e);
  for (const t of omit) byTag.delete(t);
  return [...byTag.values()];
}

/** Pads odd-length byte values with a zero byte (DICOM values have even length). */
export function evenPad(b: Uint8Array): Uint8Array {
  if (b.length % 2 === 0) return b;
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}

/**
 * Encodes a data set as a DICOM file (or bare data set when part10 is false), deflating it
 * for 1.2.840.10008.1.2.1.99.
 */
export function encodeFile(
  elements: readonly WriteElement[],
  opts: { transferSyntaxUid: string; sopClassUid: string; sopInstanceUid: string; part10?: boolean },
): Uint8Array {
  const ts = opts.transferSyntaxUid;
  if (ts === TS.deflated) {
    const raw = writeDataSet(elements, ts);
    return writeDicomFile(elements, opts, deflateSync(raw, { level: 6 }));
  }
  if (ts !== TS.implicitLittle && ts !== TS.explicitLittle && ts !== TS.explicitBig) {
    throw new Error(`syntheticSeries writes native syntaxes only (got ${ts}); use transcode() for compressed ones`);
  }
  return writeDicomFile(elements, opts);
}

// ---------------------------------------------------------------------------------------------
// Geometry and pixel sampling shared by all builders

interface Resolved {
  readonly modality: Modality;
  readonly bitsAllocated: 8 | 16;
  readonly bitsStored: number;
  readonly pixelRepresentation: 0 | 1;
  readonly slopeOf: (k: number) => number;
  readonly interceptOf: (k: number) => number;
  readonly writeRescale: boolean;
  readonly ts: string;
  readonly seed: number;
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly forUid: string;
  readonly encodeText: (s: string) => Uint8Array;
  readonly steps: number[];
  readonly orientation: readonly [Vec3, Vec3];
  readonly normal: Vec3;
  readonly positions: Vec3[];
  readonly minStored: number;
  readonly maxStored: number;
}

function specSeed(spec: SeriesSpec): number {
  const json = JSON.stringify(spec, (_k, v: unknown) => (typeof v === 'function' ? String(v) : v));
  return hashString(`${json}|${spec.hu(spec.firstPositionLps)}`);
}

function resolve(spec: SeriesSpec): Resolved {
  const modality = spec.modality ?? 'CT';
  const bitsAllocated = spec.bitsAllocated ?? 16;
  const bitsStored = spec.bitsStored ?? bitsAllocated;
  const pixelRepresentation = spec.pixelRepresentation ?? (modality === 'CT' ? 1 : 0);
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw new Error(`BitsStored ${bitsStored} invalid for BitsAllocated ${bitsAllocated}`);
  if (spec.rows < 1 || spec.columns < 1 || spec.slices < 1) throw new Error('rows, columns and slices must be >= 1');
  const steps =
    typeof spec.sliceStepMm === 'number' ? new Array<number>(Math.max(0, spec.slices - 1)).fill(spec.sliceStepMm) : [...spec.sliceStepMm];
  if (steps.length !== Math.max(0, spec.slices - 1)) throw new Error(`sliceStepMm needs ${spec.slices - 1} gaps, got ${steps.length}`);
  const slopeSpec = spec.rescaleSlope ?? 1;
  const interceptSpec = spec.rescaleIntercept ?? (modality === 'CT' ? -1024 : 0);
  const slopeOf = (k: number): number => dsValue(typeof slopeSpec === 'function' ? slopeSpec(k) : slopeSpec);
  const interceptOf = (k: number): number => dsValue(typeof interceptSpec === 'function' ? interceptSpec(k) : interceptSpec);
  const writeRescale = spec.writeRescale ?? (modality === 'CT' || spec.rescaleSlope !== undefined || spec.rescaleIntercept !== undefined);
  const seed = spec.seed ?? specSeed(spec);
  const rowC = dsVec(spec.rowCosine);
  const colC = dsVec(spec.columnCosine);
  const normal = normalize(cross(rowC, colC));
  if (norm(normal) === 0) throw new Error('row and column cosines are parallel');
  const positions: Vec3[] = [];
  let offset = 0;
  const tilt = spec.tiltStepInPlaneMm ?? [0, 0, 0];
  for (let k = 0; k < spec.slices; k++) {
    if (k > 0) offset += steps[k - 1];
    const p: Vec3 = [
      spec.firstPositionLps[0] + offset * normal[0] + k * tilt[0],
      spec.firstPositionLps[1] + offset * normal[1] + k * tilt[1],
      spec.firstPositionLps[2] + offset * normal[2] + k * tilt[2],
    ];
    positions.push(dsVec(p));
  }
  const signed = pixelRepresentation === 1;
  return {
    modality,
    bitsAllocated,
    bitsStored,
    pixelRepresentation,
    slopeOf,
    interceptOf,
    writeRescale,
    ts: spec.transferSyntaxUid ?? TS.explicitLittle,
    seed,
    studyUid: spec.studyInstanceUid ?? fixtureUid(seed, 1),
    seriesUid: spec.seriesInstanceUid ?? fixtureUid(seed, 2),
    forUid: spec.frameOfReferenceUid ?? fixtureUid(seed, 3),
    encodeText: spec.encodeText ?? textEncoderFor(spec.specificCharacterSet === undefined ? 'ISO_IR 100' : spec.specificCharacterSet),
    steps,
    orientation: [rowC, colC],
    normal,
    positions,
    minStored: signed ? -(2 ** (bitsStored - 1)) : 0,
    maxStored: signed ? 2 ** (bitsStored - 1) - 1 : 2 ** bitsStored - 1,
  };
}

interface SampledSlice {
  readonly stored: Int32Array;
  readonly hu: Float64Array;
  readonly padding?: Uint8Array;
  readonly clipped: number;
  /** Little-endian pixel bytes as they go into PixelData (not padded). */
  readonly bytes: Uint8Array;
}

function sampleSlice(spec: SeriesSpec, r: Resolved, k: number): SampledSlice {
  const { rows, columns } = spec;
  const n = rows * columns;
  const [rowC, colC] = r.orientation;
  const [dRow, dCol] = [dsValue(spec.pixelSpacingMm[0]), dsValue(spec.pixelSpacingMm[1])];
  const ipp = r.positions[k];
  const slope = r.slopeOf(k);
  const intercept = r.interceptOf(k);
  const stored = new Int32Array(n);
  const hu = new Float64Array(n);
  const padding = spec.pixelPaddingValue !== undefined && spec.isPadding ? new Uint8Array(n) : undefined;
  let clipped = 0;
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < columns; col++) {
      const p: Vec3 = [
        ipp[0] + col * dCol * rowC[0] + row * dRow * colC[0],
        ipp[1] + col * dCol * rowC[1] + row * dRow * colC[1],
        ipp[2] + col * dCol * rowC[2] + row * dRow * colC[2],
      ];
      const idx = col + row * columns;
      let s: number;
      if (padding && spec.isPadding?.(p)) {
        padding[idx] = 1;
        s = spec.pixelPaddingValue as number;
      } else {
        s = Math.round((spec.hu(p) - intercept) / slope);
        if (s < r.minStored) {
          s = r.minStored;
          clipped++;
        } else if (s > r.maxStored) {
          s = r.maxStored;
          clipped++;
        }
      }
      stored[idx] = s;
      hu[idx] = s * slope + intercept;
    }
  }
  return { stored, hu, padding, clipped, bytes: packPixels(stored, r.bitsAllocated, r.bitsStored, r.pixelRepresentation, spec.dirtyHighBits, r.seed + k) };
}

/**
 * Packs stored values into little-endian words of `bitsAllocated` bits, with the unused high
 * bits set as `dirty` asks (default: sign extension when signed, zeros when unsigned).
 */
export function packPixels(
  stored: ArrayLike<number>,
  bitsAllocated: 8 | 16,
  bitsStored: number,
  pixelRepresentation: 0 | 1,
  dirty: SeriesSpec['dirtyHighBits'] = false,
  seed = 1,
): Uint8Array {
  const mask = 2 ** bitsStored - 1;
  const full = 2 ** bitsAllocated - 1;
  const high = full & ~mask;
  const mode = dirty === true ? 'random' : dirty === false ? 'clean' : dirty;
  const random = rng(seed);
  const words = bitsAllocated === 16 ? new Uint16Array(stored.length) : new Uint8Array(stored.length);
  for (let i = 0; i < stored.length; i++) {
    const v = stored[i];
    let w = v & mask;
    if (mode === 'clean') {
      if (pixelRepresentation === 1 && v < 0) w |= high;
    } else if (mode === 'ones') w |= high;
    else if (mode === 'random') w |= Math.floor(random() * (full + 1)) & high;
    words[i] = w;
  }
  return new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
}

function pixelDataElement(bytes: Uint8Array, bitsAllocated: 8 | 16): WriteElement {
  return { tag: 0x7fe00010, vr: bitsAllocated === 16 ? 'OW' : 'OB', value: evenPad(bytes) };
}

function geometryOf(spec: SeriesSpec, r: Resolved): VolumeGeometry {
  const meanStep = r.steps.length ? r.steps.reduce((a, b) => a + b, 0) / r.steps.length : dsValue(spec.sliceThicknessMm ?? 1);
  return {
    dimensions: [spec.columns, spec.rows, spec.slices],
    spacingMm: [dsValue(spec.pixelSpacingMm[1]), dsValue(spec.pixelSpacingMm[0]), meanStep],
    originLps: r.positions[0],
    directionLps: [normalize(r.orientation[0]), normalize(r.orientation[1]), r.normal],
  };
}

const asList = (v: number | readonly number[]): number[] => (typeof v === 'number' ? [v] : [...v]);

/** Attributes common to every image of the series (patient, study, series, pixel module). */
function commonElements(spec: SeriesSpec, r: Resolved, sopClassUid: string): ElementList {
  const el = new ElementList(r.encodeText);
  const charset = spec.specificCharacterSet === undefined ? 'ISO_IR 100' : spec.specificCharacterSet;
  if (charset !== null) el.add(0x00080005, 'CS', charset);
  el.add(0x00080016, 'UI', sopClassUid)
    .add(0x00080020, 'DA', '20240102')
    .add(0x00080030, 'TM', '101500')
    .add(0x00080060, 'CS', r.modality)
    .add(0x00080070, 'LO', 'VOXELPRINT SYNTHETIC')
    .add(0x00081030, 'LO', spec.studyDescription ?? 'Synthetic study')
    .add(0x0008103e, 'LO', spec.seriesDescription ?? 'Synthetic series')
    .add(0x00100010, 'PN', spec.patientName ?? 'Synthetic^Phantom')
    .add(0x00100020, 'LO', spec.patientId ?? `SYN${r.seed % 100000}`)
    .add(0x0020000d, 'UI', r.studyUid)
    .add(0x0020000e, 'UI', r.seriesUid)
    .add(0x00200010, 'SH', '1')
    .add(0x00200011, 'IS', String(spec.seriesNumber ?? 1))
    .add(0x00200052, 'UI', r.forUid)
    .add(0x00280002, 'US', 1)
    .add(0x00280004, 'CS', spec.photometric ?? 'MONOCHROME2')
    .add(0x00280010, 'US', spec.rows)
    .add(0x00280011, 'US', spec.columns)
    .add(0x00280030, 'DS', dsList([spec.pixelSpacingMm[0], spec.pixelSpacingMm[1]]))
    .add(0x00280100, 'US', r.bitsAllocated)
    .add(0x00280101, 'US', r.bitsStored)
    .add(0x00280102, 'US', r.bitsStored - 1)
    .add(0x00280103, 'US', r.pixelRepresentation);
  if (spec.pixelPaddingValue !== undefined) el.add(0x00280120, r.pixelRepresentation === 1 ? 'SS' : 'US', spec.pixelPaddingValue);
  const wc = spec.windowCenter ?? (r.modality === 'CT' ? 40 : undefined);
  const ww = spec.windowWidth ?? (r.modality === 'CT' ? 400 : undefined);
  if (wc !== undefined && ww !== undefined) {
    el.add(0x00281050, 'DS', dsList(asList(wc))).add(0x00281051, 'DS', dsList(asList(ww)));
    if (spec.windowExplanation) el.add(0x00281055, 'LO', spec.windowExplanation.join('\\'));
  }
  return el;
}

function sliceThicknessOf(spec: SeriesSpec, r: Resolved): number | null {
  if (spec.sliceThicknessMm !== undefined) return spec.sliceThicknessMm;
  return 2 * (r.steps[0] ?? 1);
}

// ---------------------------------------------------------------------------------------------
// Public builders

/** A classic single-frame series: one file per slice. */
export function makeSeries(spec: SeriesSpec): SeriesResult {
  const r = resolve(spec);
  const sopClassUid = r.modality === 'CT' ? SOP_CLASS.ct : SOP_CLASS.mr;
  const thickness = sliceThicknessOf(spec, r);
  const files: SyntheticFile[] = [];
  const storedValues: Int32Array[] = [];
  const hu: Float64Array[] = [];
  const padding: Uint8Array[] = [];
  const rescale: { slope: number; intercept: number }[] = [];
  const sopInstanceUids: string[] = [];
  let clippedCount = 0;
  for (let k = 0; k < spec.slices; k++) {
    const sampled = sampleSlice(spec, r, k);
    const sopInstanceUid = fixtureUid(r.seed, 4, k + 1);
    const el = commonElements(spec, r, sopClassUid);
    el.add(0x00080008, 'CS', spec.imageType ?? 'ORIGINAL\\PRIMARY\\AXIAL')
      .add(0x00080018, 'UI', sopInstanceUid)
      .add(0x00200013, 'IS', String(spec.instanceNumber ? spec.instanceNumber(k) : k + 1))
      .add(0x00200032, 'DS', dsList(r.positions[k]))
      .add(0x00200037, 'DS', dsList([...r.orientation[0], ...r.orientation[1]]));
    if (thickness !== null) el.add(0x00180050, 'DS', formatDS(thickness));
    if (spec.spacingBetweenSlicesMm !== undefined) el.add(0x00180088, 'DS', formatDS(spec.spacingBetweenSlicesMm));
    if (spec.sliceLocation ?? true) el.add(0x00201041, 'DS', formatDS(dot(r.positions[k], r.normal)));
    if (r.writeRescale) {
      el.add(0x00281052, 'DS', formatDS(r.interceptOf(k))).add(0x00281053, 'DS', formatDS(r.slopeOf(k)));
      if (r.modality === 'CT') el.add(0x00281054, 'LO', 'HU');
    }
    el.items.push(pixelDataElement(sampled.bytes, r.bitsAllocated));
    const elements = mergeElements(el.items, spec.extraElements?.(k), spec.omitTags);
    const bytes = encodeFile(elements, { transferSyntaxUid: r.ts, sopClassUid, sopInstanceUid, part10: spec.part10 });
    files.push({ name: spec.fileName ? spec.fileName(k, sopInstanceUid) : hexName(sopInstanceUid), bytes });
    storedValues.push(sampled.stored);
    hu.push(sampled.hu);
    if (sampled.padding) padding.push(sampled.padding);
    rescale.push(r.writeRescale ? { slope: r.slopeOf(k), intercept: r.interceptOf(k) } : { slope: 1, intercept: 0 });
    sopInstanceUids.push(sopInstanceUid);
    clippedCount += sampled.clipped;
  }
  return {
    files,
    truth: {
      positionsLps: r.positions,
      orientation: r.orientation,
      normal: r.normal,
      storedValues,
      hu,
      rescale,
      padding: padding.length ? padding : undefined,
      clippedCount,
      stepsMm: r.steps.map((_, i) => dot(r.positions[i + 1], r.normal) - dot(r.positions[i], r.normal)),
      geometry: geometryOf(spec, r),
      studyInstanceUid: r.studyUid,
      seriesInstanceUid: r.seriesUid,
      frameOfReferenceUid: r.forUid,
      sopInstanceUids,
    },
  };
}

export interface MultiframeTruth extends SeriesTruth {
  /** frameToSlice[f] = slice index k stored in frame f (identity unless shuffled). */
  readonly frameToSlice: number[];
}

export interface MultiframeResult extends SyntheticFile {
  readonly truth: MultiframeTruth;
}

export interface EnhancedSpec extends SeriesSpec {
  /** Store frames in a deterministic shuffled order (seed); positions stay per frame. */
  readonly shuffleFramesSeed?: number;
  /**
   * Put PixelValueTransformationSequence per frame instead of shared (forced when the rescale
   * is a function of k).
   */
  readonly perFrameRescale?: boolean;
  /** Leave FrameContentSequence out of the per-frame groups. */
  readonly omitFrameContent?: boolean;
}

/**
 * Enhanced CT/MR Image Storage (one file, NumberOfFrames = slices): geometry and rescale live
 * only in the functional groups (no top-level IPP/IOP/PixelSpacing/Rescale).
 */
export function makeEnhancedMultiframe(spec: EnhancedSpec): MultiframeResult {
  const r = resolve(spec);
  const sopClassUid = r.modality === 'CT' ? SOP_CLASS.enhancedCt : SOP_CLASS.enhancedMr;
  const sopInstanceUid = fixtureUid(r.seed, 5, 1);
  const thickness = sliceThicknessOf(spec, r);
  const slices = Array.from({ length: spec.slices }, (_, k) => k);
  const frameToSlice = spec.shuffleFramesSeed === undefined ? slices : shuffle(slices, spec.shuffleFramesSeed);
  const sampled = slices.map((k) => sampleSlice(spec, r, k));
  const perFrameRescale =
    spec.perFrameRescale ?? (typeof spec.rescaleSlope === 'function' || typeof spec.rescaleIntercept === 'function');
  const enc = r.encodeText;
  const rescaleItem = (k: number): WriteElement[] => [
    { tag: 0x00281052, vr: 'DS', value: formatDS(r.interceptOf(k)) },
    { tag: 0x00281053, vr: 'DS', value: formatDS(r.slopeOf(k)) },
    { tag: 0x00281054, vr: 'LO', value: r.modality === 'CT' ? 'HU' : 'US', encodeText: enc },
  ];
  const pixelMeasures: WriteElement[] = [{ tag: 0x00280030, vr: 'DS', value: dsList([spec.pixelSpacingMm[0], spec.pixelSpacingMm[1]]) }];
  if (thickness !== null) pixelMeasures.push({ tag: 0x00180050, vr: 'DS', value: formatDS(thickness) });
  if (spec.spacingBetweenSlicesMm !== undefined) pixelMeasures.push({ tag: 0x00180088, vr: 'DS', value: formatDS(spec.spacingBetweenSlicesMm) });
  const shared: WriteElement[] = [
    { tag: 0x00209116, vr: 'SQ', value: [[{ tag: 0x00200037, vr: 'DS', value: dsList([...r.orientation[0], ...r.orientation[1]]) }]] },
    { tag: 0x00289110, vr: 'SQ', value: [pixelMeasures] },
  ];
  if (r.writeRescale && !perFrameRescale) shared.push({ tag: 0x00289145, vr: 'SQ', value: [rescaleItem(0)] });
  const wc = spec.windowCenter ?? (r.modality === 'CT' ? 40 : undefined);
  const ww = spec.windowWidth ?? (r.modality === 'CT' ? 400 : undefined);
  if (wc !== undefined && ww !== undefined) {
    shared.push({
      tag: 0x00289132,
      vr: 'SQ',
      value: [[
        { tag: 0x00281050, vr: 'DS', value: dsList(asList(wc)) },
        { tag: 0x00281051, vr: 'DS', value: dsList(asList(ww)) },
      ]],
    });
  }
  const perFrame: WriteElement[][] = frameToSlice.map((k) => {
    const item: WriteElement[] = [{ tag: 0x00209113, vr: 'SQ', value: [[{ tag: 0x00200032, vr: 'DS', value: dsList(r.positions[k]) }]] }];
    if (!spec.omitFrameContent) {
      item.push({
        tag: 0x00209111,
        vr: 'SQ',
        value: [[
          { tag: 0x00209056, vr: 'SH', value: '1', encodeText: enc },
          { tag: 0x00209057, vr: 'UL', value: k + 1 },
          { tag: 0x00209157, vr: 'UL', value: [1, k + 1] },
        ]],
      });
    }
    if (r.writeRescale && perFrameRescale) item.push({ tag: 0x00289145, vr: 'SQ', value: [rescaleItem(k)] });
    return item;
  });
  const el = commonElements(spec, r, sopClassUid);
  // Window values live in FrameVOILUTSequence for enhanced objects.
  const base = el.items.filter((e) => e.tag !== 0x00281050 && e.tag !== 0x00281051 && e.tag !== 0x00281055);
  const dimOrgUid = fixtureUid(r.seed, 6);
  base.push(
    { tag: 0x00080008, vr: 'CS', value: spec.imageType ?? 'ORIGINAL\\PRIMARY\\AXIAL\\NONE' },
    { tag: 0x00080018, vr: 'UI', value: sopInstanceUid },
    { tag: 0x00200013, vr: 'IS', value: '1' },
    { tag: 0x00209221, vr: 'SQ', value: [[{ tag: 0x00209164, vr: 'UI', value: dimOrgUid }]] },
    {
      tag: 0x00209222,
      vr: 'SQ',
      value: [
        [
          { tag: 0x00209164, vr: 'UI', value: dimOrgUid },
          { tag: 0x00209165, vr: 'AT', value: 0x00209056 },
          { tag: 0x00209167, vr: 'AT', value: 0x00209111 },
        ],
        [
          { tag: 0x00209164, vr: 'UI', value: dimOrgUid },
          { tag: 0x00209165, vr: 'AT', value: 0x00209057 },
          { tag: 0x00209167, vr: 'AT', value: 0x00209111 },
        ],
      ],
    },
    { tag: 0x00280008, vr: 'IS', value: String(spec.slices) },
    { tag: 0x52009229, vr: 'SQ', value: [shared] },
    { tag: 0x52009230, vr: 'SQ', value: perFrame },
  );
  const frameBytes = frameToSlice.map((k) => sampled[k].bytes);
  base.push(pixelDataElement(concatBytes(frameBytes), r.bitsAllocated));
  const elements = mergeElements(base, spec.extraElements?.(0), spec.omitTags);
  const bytes = encodeFile(elements, { transferSyntaxUid: r.ts, sopClassUid, sopInstanceUid, part10: spec.part10 });
  const name = spec.fileName ? spec.fileName(0, sopInstanceUid) : hexName(sopInstanceUid);
  return { name, bytes, truth: multiframeTruth(spec, r, sampled, frameToSlice, [sopInstanceUid]) };
}

export interface LegacySpec extends SeriesSpec {
  /**
   * 'spacing': IPP of frame 1 + SpacingBetweenSlices (0018,0088) (uniform steps only);
   * 'grid-offsets': IPP of frame 1 + GridFrameOffsetVector (3004,000C) with
   * FrameIncrementPointer (0028,0009) → (3004,000C) (non-uniform steps allowed).
   */
  readonly frameGeometry: 'spacing' | 'grid-offsets';
  /** Default: CT/MR Image Storage (non-standard with NumberOfFrames, but seen in the wild). */
  readonly sopClassUid?: string;
}

/**
 * A legacy multi-frame image: NumberOfFrames, one top-level IPP (frame 1), IOP, PixelSpacing,
 * one rescale, and either SpacingBetweenSlices or GridFrameOffsetVector for the frame offsets.
 * Frames are in slice order along the normal.
 */
export function makeLegacyMultiframe(spec: LegacySpec): MultiframeResult {
  if (spec.tiltStepInPlaneMm && norm(spec.tiltStepInPlaneMm) !== 0) throw new Error('legacy multiframe cannot express gantry tilt');
  if (typeof spec.rescaleSlope === 'function' || typeof spec.rescaleIntercept === 'function') {
    throw new Error('legacy multiframe has a single rescale');
  }
  const r = resolve(spec);
  if (spec.frameGeometry === 'spacing' && r.steps.some((s) => s !== r.steps[0])) {
    throw new Error("frameGeometry 'spacing' needs uniform steps; use 'grid-offsets'");
  }
  const sopClassUid = spec.sopClassUid ?? (r.modality === 'CT' ? SOP_CLASS.ct : SOP_CLASS.mr);
  const sopInstanceUid = fixtureUid(r.seed, 7, 1);
  const slices = Array.from({ length: spec.slices }, (_, k) => k);
  const sampled = slices.map((k) => sampleSlice(spec, r, k));
  const thickness = sliceThicknessOf(spec, r);
  const el = commonElements(spec, r, sopClassUid);
  el.add(0x00080008, 'CS', spec.imageType ?? 'ORIGINAL\\PRIMARY\\AXIAL')
    .add(0x00080018, 'UI', sopInstanceUid)
    .add(0x00200013, 'IS', '1')
    .add(0x00200032, 'DS', dsList(r.positions[0]))
    .add(0x00200037, 'DS', dsList([...r.orientation[0], ...r.orientation[1]]))
    .add(0x00280008, 'IS', String(spec.slices));
  if (thickness !== null) el.add(0x00180050, 'DS', formatDS(thickness));
  if (spec.frameGeometry === 'spacing') {
    el.add(0x00180088, 'DS', formatDS(spec.spacingBetweenSlicesMm ?? r.steps[0] ?? 1));
  } else {
    const offsets = [0];
    for (const s of r.steps) offsets.push(offsets[offsets.length - 1] + s);
    el.add(0x3004000c, 'DS', dsList(offsets)).add(0x00280009, 'AT', 0x3004000c);
    if (spec.spacingBetweenSlicesMm !== undefined) el.add(0x00180088, 'DS', formatDS(spec.spacingBetweenSlicesMm));
  }
  if (r.writeRescale) {
    el.add(0x00281052, 'DS', formatDS(r.interceptOf(0))).add(0x00281053, 'DS', formatDS(r.slopeOf(0)));
    if (r.modality === 'CT') el.add(0x00281054, 'LO', 'HU');
  }
  el.items.push(pixelDataElement(concatBytes(sampled.map((s) => s.bytes)), r.bitsAllocated));
  const elements = mergeElements(el.items, spec.extraElements?.(0), spec.omitTags);
  const bytes = encodeFile(elements, { transferSyntaxUid: r.ts, sopClassUid, sopInstanceUid, part10: spec.part10 });
  const name = spec.fileName ? spec.fileName(0, sopInstanceUid) : hexName(sopInstanceUid);
  // Positions a reader derives: IPP_0 + offset_k * normal (offsets as written in DS).
  return { name, bytes, truth: multiframeTruth(spec, r, sampled, slices, [sopInstanceUid]) };
}

function multiframeTruth(
  spec: SeriesSpec,
  r: Resolved,
  sampled: readonly SampledSlice[],
  frameToSlice: number[],
  sopInstanceUids: string[],
): MultiframeTruth {
  const padding = sampled.flatMap((s) => (s.padding ? [s.padding] : []));
  return {
    positionsLps: r.positions,
    orientation: r.orientation,
    normal: r.normal,
    storedValues: sampled.map((s) => s.stored),
    hu: sampled.map((s) => s.hu),
    rescale: sampled.map((_, k) => (r.writeRescale ? { slope: r.slopeOf(k), intercept: r.interceptOf(k) } : { slope: 1, intercept: 0 })),
    padding: padding.length ? padding : undefined,
    clippedCount: sampled.reduce((a, s) => a + s.clipped, 0),
    stepsMm: r.steps.map((_, i) => dot(r.positions[i + 1], r.normal) - dot(r.positions[i], r.normal)),
    geometry: geometryOf(spec, r),
    studyInstanceUid: r.studyUid,
    seriesInstanceUid: r.seriesUid,
    frameOfReferenceUid: r.forUid,
    sopInstanceUids,
    frameToSlice,
  };
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ready-made specs

/** Axial LPS orientation: rows along +L, columns along +P, slices towards +S. */
export const AXIAL: { readonly rowCosine: Vec3; readonly columnCosine: Vec3 } = { rowCosine: [1, 0, 0], columnCosine: [0, 1, 0] };

/**
 * A small test object: a sphere of 1000 HU (radius 6 mm) in a 100 HU box in air, with a
 * gradient so that every pixel differs (position errors show up as value errors).
 */
export function gradientSphereHu(centerLps: Vec3, radiusMm = 6): (p: Vec3) => number {
  return (p) => {
    const d = Math.hypot(p[0] - centerLps[0], p[1] - centerLps[1], p[2] - centerLps[2]);
    if (d <= radiusMm) return 1000;
    return Math.round(100 + 3 * (p[0] - centerLps[0]) + 5 * (p[1] - centerLps[1]) + 7 * (p[2] - centerLps[2]));
  };
}

/**
 * A small default spec (24 columns × 20 rows × 12 slices, anisotropic, oblique-free) that
 * tests tweak with spread syntax.
 */
export function smallSpec(overrides: Partial<SeriesSpec> = {}): SeriesSpec {
  const base: SeriesSpec = {
    rows: 20,
    columns: 24,
    slices: 12,
    pixelSpacingMm: [0.9, 0.7],
    sliceStepMm: 2.5,
    ...AXIAL,
    firstPositionLps: [-8.05, -7.3, -12.5],
    hu: gradientSphereHu([0, 0, 0]),
  };
  return { ...base, ...overrides };
}
