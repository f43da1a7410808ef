/**
 * Bad and unusual inputs for the reader's error-handling tests. Each builder is deterministic and
 * returns `{ name, bytes }` (plus, where useful, what the reader is expected to notice).
 */
import type { WriteElement } from '../../src/core/dicom/writer';
import {
  type SeriesResult,
  type SyntheticFile,
  SOP_CLASS,
  TS,
  encodeFile,
  evenPad,
  fixtureUid,
  hexName,
  makeSeries,
  smallSpec,
} from './syntheticSeries';

const SEED = 0xbad;

/** A zero-byte file. */
export function emptyFile(): SyntheticFile {
  return { name: 'empty', bytes: new Uint8Array(0) };
}

/** A plain text file (longer than 132 bytes, so a preamble check does not trip on length). */
export function textFile(): SyntheticFile {
  const text = 'This is not a DICOM file.\n'.repeat(20);
  return { name: 'readme', bytes: new TextEncoder().encode(text) };
}

/** One valid 16-bit CT slice (explicit VR LE) used as the base of the corrupted variants. */
export function validSlice(): SyntheticFile {
  return makeSeries(smallSpec({ slices: 1, seed: SEED })).files[0];
}

/** Byte offset of the top-level (7FE0,0010) element header in an explicit VR LE file. */
export function pixelDataOffset(bytes: Uint8Array): number {
  for (let i = bytes.length - 12; i >= 132; i--) {
    if (bytes[i] === 0xe0 && bytes[i + 1] === 0x7f && bytes[i + 2] === 0x10 && bytes[i + 3] === 0x00) {
      const vr = String.fromCharCode(bytes[i + 4], bytes[i + 5]);
      if (vr === 'OW' || vr === 'OB') return i;
    }
  }
  throw new Error('PixelData not found');
}

/**
 * A valid slice cut short: 'pixel-data' cuts half way through the pixel data value,
 * 'header' cuts in the middle of the data set before the pixel data (inside the
 * ImagePositionPatient value), 'meta' cuts inside the file meta group.
 */
export function truncatedDicom(where: 'pixel-data' | 'header' | 'meta'): SyntheticFile {
  const full = validSlice().bytes;
  let cut: number;
  if (where === 'pixel-data') {
    const pd = pixelDataOffset(full);
    cut = pd + 12 + Math.floor((full.length - pd - 12) / 2) + 1;
  } else if (where === 'header') {
    const ipp = findTag(full, 0x00200032);
    cut = ipp + 8 + 5;
  } else cut = 132 + 40;
  return { name: `truncated-${where}`, bytes: full.slice(0, cut) };
}

/** Offset of the first occurrence of an explicit-VR-LE element header with this tag (after the preamble). */
export function findTag(bytes: Uint8Array, tag: number): number {
  const g = tag >>> 16;
  const e = tag & 0xffff;
  for (let i = 132; i + 4 <= bytes.length; i++) {
    if (bytes[i] === (g & 0xff) && bytes[i + 1] === g >>> 8 && bytes[i + 2] === (e & 0xff) && bytes[i + 3] === e >>> 8) return i;
  }
  throw new Error(`tag ${tag.toString(16)} not found`);
}

/** A Basic Text SR-like object: patient/study/series, a content sequence, no pixel data. */
export function noPixelData(): SyntheticFile {
  const sopInstanceUid = fixtureUid(SEED, 10, 1);
  const concept = (value: string, meaning: string): WriteElement => ({
    tag: 0x0040a043,
    vr: 'SQ',
    value: [[
      { tag: 0x00080100, vr: 'SH', value },
      { tag: 0x00080102, vr: 'SH', value: 'DCM' },
      { tag: 0x00080104, vr: 'LO', value: meaning },
    ]],
  });
  const elements: WriteElement[] = [
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 100' },
    { tag: 0x00080016, vr: 'UI', value: SOP_CLASS.basicTextSr },
    { tag: 0x00080018, vr: 'UI', value: sopInstanceUid },
    { tag: 0x00080060, vr: 'CS', value: 'SR' },
    { tag: 0x00100010, vr: 'PN', value: 'Synthetic^Report' },
    { tag: 0x00100020, vr: 'LO', value: 'SYNSR' },
    { tag: 0x0020000d, vr: 'UI', value: fixtureUid(SEED, 10, 2) },
    { tag: 0x0020000e, vr: 'UI', value: fixtureUid(SEED, 10, 3) },
    { tag: 0x00200013, vr: 'IS', value: '1' },
    { tag: 0x0040a040, vr: 'CS', value: 'CONTAINER' },
    concept('121070', 'Findings'),
    { tag: 0x0040a050, vr: 'CS', value: 'SEPARATE' },
    {
      tag: 0x0040a730,
      vr: 'SQ',
      value: [[
        { tag: 0x0040a010, vr: 'CS', value: 'CONTAINS' },
        { tag: 0x0040a040, vr: 'CS', value: 'TEXT' },
        concept('121071', 'Finding'),
        { tag: 0x0040a160, vr: 'UT', value: 'No pixel data in this object.' },
      ]],
    },
  ];
  const bytes = encodeFile(elements, { transferSyntaxUid: TS.explicitLittle, sopClassUid: SOP_CLASS.basicTextSr, sopInstanceUid });
  return { name: hexName(sopInstanceUid), bytes };
}

/** Minimal image elements (CT, explicit VR LE) with custom pixel module values. */
function imageElements(opts: {
  sopInstanceUid: string;
  sopClassUid?: string;
  rows: number;
  columns: number;
  bitsAllocated: 8 | 16;
  samplesPerPixel?: 1 | 3;
  photometric?: string;
  frames?: number;
  pixelData: Uint8Array;
  modality?: string;
}): WriteElement[] {
  const els: WriteElement[] = [
    { tag: 0x00080016, vr: 'UI', value: opts.sopClassUid ?? SOP_CLASS.ct },
    { tag: 0x00080018, vr: 'UI', value: opts.sopInstanceUid },
    { tag: 0x00080060, vr: 'CS', value: opts.modality ?? 'CT' },
    { tag: 0x00100010, vr: 'PN', value: 'Synthetic^Bad' },
    { tag: 0x0020000d, vr: 'UI', value: fixtureUid(SEED, 11, 1) },
    { tag: 0x0020000e, vr: 'UI', value: `${opts.sopInstanceUid}.1` },
    { tag: 0x00200013, vr: 'IS', value: '1' },
    { tag: 0x00200032, vr: 'DS', value: '0\\0\\0' },
    { tag: 0x00200037, vr: 'DS', value: '1\\0\\0\\0\\1\\0' },
    { tag: 0x00280002, vr: 'US', value: opts.samplesPerPixel ?? 1 },
    { tag: 0x00280004, vr: 'CS', value: opts.photometric ?? 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: opts.rows },
    { tag: 0x00280011, vr: 'US', value: opts.columns },
    { tag: 0x00280030, vr: 'DS', value: '1\\1' },
    { tag: 0x00280100, vr: 'US', value: opts.bitsAllocated },
    { tag: 0x00280101, vr: 'US', value: opts.bitsAllocated },
    { tag: 0x00280102, vr: 'US', value: opts.bitsAllocated - 1 },
    { tag: 0x00280103, vr: 'US', value: 0 },
    { tag: 0x7fe00010, vr: opts.bitsAllocated === 16 ? 'OW' : 'OB', value: opts.pixelData },
  ];
  if (opts.frames !== undefined) els.push({ tag: 0x00280008, vr: 'IS', value: String(opts.frames) });
  if ((opts.samplesPerPixel ?? 1) === 3) els.push({ tag: 0x00280006, vr: 'US', value: 0 });
  return els;
}

function imageFile(kind: number, opts: Omit<Parameters<typeof imageElements>[0], 'sopInstanceUid'>): SyntheticFile {
  const sopInstanceUid = fixtureUid(SEED, 12, kind);
  const sopClassUid = opts.sopClassUid ?? SOP_CLASS.ct;
  const bytes = encodeFile(imageElements({ ...opts, sopInstanceUid }), { transferSyntaxUid: TS.explicitLittle, sopClassUid, sopInstanceUid });
  return { name: hexName(sopInstanceUid), bytes };
}

/** Rows/Columns claim 512 × 512 (16-bit) but the pixel data holds 64 × 64 pixels. */
export function lyingDimensions(): SyntheticFile {
  return imageFile(1, { rows: 512, columns: 512, bitsAllocated: 16, pixelData: new Uint8Array(64 * 64 * 2).fill(7) });
}

/** Rows = Columns = 65535, NumberOfFrames = 100000 (≈ 800 TB declared) with 64 bytes of pixel data. */
export function absurdSize(): SyntheticFile {
  return imageFile(2, { rows: 65535, columns: 65535, bitsAllocated: 16, frames: 100000, pixelData: new Uint8Array(64).fill(1) });
}

/** A DICOMDIR (Media Storage Directory) with a patient/study/series/image record hierarchy. */
export function dicomdir(): SyntheticFile {
  const sopInstanceUid = fixtureUid(SEED, 13, 1);
  const record = (type: string, extra: WriteElement[]): WriteElement[] => [
    { tag: 0x00041400, vr: 'UL', value: 0 },
    { tag: 0x00041410, vr: 'US', value: 0xffff },
    { tag: 0x00041420, vr: 'UL', value: 0 },
    { tag: 0x00041430, vr: 'CS', value: type },
    ...extra,
  ];
  const records: WriteElement[][] = [
    record('PATIENT', [
      { tag: 0x00100010, vr: 'PN', value: 'Synthetic^Dir' },
      { tag: 0x00100020, vr: 'LO', value: 'SYNDIR' },
    ]),
    record('STUDY', [
      { tag: 0x00080020, vr: 'DA', value: '20240102' },
      { tag: 0x0020000d, vr: 'UI', value: fixtureUid(SEED, 13, 2) },
    ]),
    record('SERIES', [
      { tag: 0x00080060, vr: 'CS', value: 'CT' },
      { tag: 0x0020000e, vr: 'UI', value: fixtureUid(SEED, 13, 3) },
    ]),
    record('IMAGE', [
      { tag: 0x00041500, vr: 'CS', value: 'IMAGES\\IM000001' },
      { tag: 0x00041510, vr: 'UI', value: SOP_CLASS.ct },
      { tag: 0x00041511, vr: 'UI', value: fixtureUid(SEED, 13, 4) },
      { tag: 0x00041512, vr: 'UI', value: TS.explicitLittle },
      { tag: 0x00200013, vr: 'IS', value: '1' },
    ]),
  ];
  const elements: WriteElement[] = [
    { tag: 0x00041130, vr: 'CS', value: 'SYNTHETIC' },
    { tag: 0x00041200, vr: 'UL', value: 0 },
    { tag: 0x00041202, vr: 'UL', value: 0 },
    { tag: 0x00041212, vr: 'US', value: 0 },
    { tag: 0x00041220, vr: 'SQ', value: records },
  ];
  const bytes = encodeFile(elements, { transferSyntaxUid: TS.explicitLittle, sopClassUid: SOP_CLASS.mediaStorageDirectory, sopInstanceUid });
  return { name: 'DICOMDIR', bytes };
}

/** An RGB Secondary Capture (SamplesPerPixel 3, PlanarConfiguration 0), 16 × 12, 8-bit. */
export function rgbSecondaryCapture(): SyntheticFile {
  const rows = 12;
  const columns = 16;
  const px = new Uint8Array(rows * columns * 3);
  for (let i = 0; i < rows * columns; i++) {
    px[3 * i] = (i * 13) & 0xff;
    px[3 * i + 1] = (i * 7) & 0xff;
    px[3 * i + 2] = 255 - (i & 0xff);
  }
  return imageFile(3, {
    sopClassUid: SOP_CLASS.secondaryCapture,
    modality: 'OT',
    rows,
    columns,
    bitsAllocated: 8,
    samplesPerPixel: 3,
    photometric: 'RGB',
    pixelData: px,
  });
}

/** A series of exactly one slice (a valid image, but not a volume). */
export function singleSliceSeries(): SeriesResult {
  return makeSeries(smallSpec({ slices: 1, seed: SEED + 1, seriesDescription: 'Single slice' }));
}

/**
 * An 8-bit MONOCHROME2 image of 7 × 5 pixels (35 bytes of pixels). `padded` (default true)
 * writes the conformant even-length value (trailing 0 byte, length 36); false writes an
 * odd-length (35) PixelData element as some broken writers do.
 */
export function oddLength8Bit(padded = true): SyntheticFile & { readonly pixels: Uint8Array; readonly rows: number; readonly columns: number } {
  const rows = 5;
  const columns = 7;
  const pixels = Uint8Array.from({ length: rows * columns }, (_, i) => (i * 37 + 11) & 0xff);
  const f = imageFile(padded ? 4 : 5, { rows, columns, bitsAllocated: 8, pixelData: evenPad(pixels) });
  if (padded) return { ...f, pixels, rows, columns };
  // Patch the (last) PixelData element: length 35 and no pad byte.
  const pd = pixelDataOffset(f.bytes);
  const bytes = f.bytes.slice(0, f.bytes.length - 1);
  new DataView(bytes.buffer).setUint32(pd + 8, pixels.length, true);
  return { ...f, bytes, pixels, rows, columns };
}
