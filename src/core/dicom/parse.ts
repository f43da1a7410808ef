import type { DataSet, Element } from 'dicom-parser';
import type { ErrorCode } from '../errors';
import type { Vec3 } from '../geometry/vec3';
import { decodeDicomText } from './charset';
import { NeedWholeFile, messageOf, parseDataSet } from './dataSet';
import type { ParsedDataSet } from './dataSet';
import { IMPLICIT_LE, describeTransferSyntax, transferSyntax } from './transferSyntax';

/**
 * One DICOM file's header, reduced to what grouping, geometry and decoding need. It holds no
 * reference to the file's bytes, so thousands of them cost little and they can cross
 * postMessage. Patient and study text lives apart, in `display`, and is never used for logic.
 */
export interface InstanceHeader {
  readonly fileName: string;
  readonly transferSyntaxUid: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly frameOfReferenceUid: string;
  readonly modality: string;
  readonly imageType: readonly string[];
  readonly instanceNumber?: number;
  readonly acquisitionNumber?: number;
  readonly echoNumber?: number;
  readonly temporalPositionIdentifier?: number;
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: number;
  readonly photometricInterpretation: string;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly highBit: number;
  /** 0 unsigned, 1 two's complement. */
  readonly pixelRepresentation: number;
  readonly planarConfiguration: number;
  readonly numberOfFrames: number;
  readonly pixelPadding?: { readonly value: number; readonly rangeLimit?: number };
  /** Per frame (length numberOfFrames): geometry and value transform, functional groups resolved. */
  readonly frames: readonly FrameHeader[];
  /** Legacy multi-frame: how frame positions were derived, when they were not stored per frame. */
  readonly frameGeometrySource?: 'per-frame' | 'grid-frame-offset' | 'spacing-between-slices' | 'slice-thickness';
  readonly sliceThicknessMm?: number;
  readonly spacingBetweenSlicesMm?: number;
  readonly pixelDataBytes: number;
  readonly encapsulated: boolean;
  readonly lossyCompressed: boolean;
  readonly display: DisplayText;
}

export interface FrameHeader {
  readonly positionLps?: Vec3;
  readonly rowCosine?: Vec3;
  readonly columnCosine?: Vec3;
  /** DICOM order: [between rows, between columns] in mm. */
  readonly pixelSpacingMm?: readonly [number, number];
  readonly rescaleSlope: number;
  readonly rescaleIntercept: number;
  readonly windows: readonly { center: number; width: number; explanation: string }[];
  /** Enhanced objects: StackID and InStackPositionNumber, when present. */
  readonly stackId?: string;
  readonly inStackPosition?: number;
}

/** Text for display only: never parsed as markup, never used to decide anything. */
export interface DisplayText {
  readonly patientName: string;
  readonly patientId: string;
  readonly patientBirthDate: string;
  readonly patientSex: string;
  readonly studyDescription: string;
  readonly studyDate: string;
  readonly seriesDescription: string;
  readonly seriesNumber: string;
  readonly institutionName: string;
  readonly manufacturer: string;
  readonly bodyPartExamined: string;
}

export interface SkippedFile {
  readonly fileName: string;
  readonly code: ErrorCode;
  readonly reason: string;
}

export type ParseResult =
  | { readonly ok: true; readonly header: InstanceHeader }
  | { readonly ok: false; readonly skipped: SkippedFile };

/** Frames whose declared size exceeds this are refused before anything is allocated. */
export const MAX_DECLARED_VOXELS = 2 ** 31;


const DICOMDIR_SOP_CLASS = '1.2.840.10008.1.3.10';
const SOP_CLASS_NAMES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.88.11': 'Basic Text SR',
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced SR',
  '1.2.840.10008.5.1.4.1.1.88.33': 'Comprehensive SR',
  '1.2.840.10008.5.1.4.1.1.11.1': 'Grayscale Softcopy Presentation State',
  '1.2.840.10008.5.1.4.1.1.481.3': 'RT Structure Set',
  '1.2.840.10008.5.1.4.1.1.66': 'Raw Data',
  '1.2.840.10008.5.1.4.1.1.104.1': 'Encapsulated PDF',
  '1.2.840.10008.5.1.4.1.1.66.4': 'Segmentation',
  '1.2.840.10008.5.1.4.1.1.7': 'Secondary Capture',
};

const skip = (fileName: string, code: ErrorCode, reason: string): ParseResult => ({
  ok: false,
  skipped: { fileName, code, reason },
});

// ---------------------------------------------------------------------------------------------
// Element access

const str = (ds: DataSet, tag: string): string => (ds.string(tag) ?? '').trim();
const num = (ds: DataSet, tag: string, index = 0): number | undefined => {
  const s = ds.string(tag, index);
  if (s === undefined || s.trim() === '') return undefined;
  const v = Number(s.trim());
  return Number.isFinite(v) ? v : undefined;
};
const nums = (ds: DataSet, tag: string): number[] | undefined => {
  const s = ds.string(tag);
  if (s === undefined || s.trim() === '') return undefined;
  const out = s.split('\\').map((p) => Number(p.trim()));
  return out.every(Number.isFinite) ? out : undefined;
};
const us = (ds: DataSet, tag: string): number | undefined => (ds.elements[tag] && ds.elements[tag].length >= 2 ? ds.uint16(tag) : undefined);

function elementBytes(ds: DataSet, el: Element): Uint8Array {
  return new Uint8Array(ds.byteArray.buffer, ds.byteArray.byteOffset + el.dataOffset, el.length);
}

function text(ds: DataSet, tag: string, charset: string | undefined, vr: string): string {
  const el = ds.elements[tag];
  if (!el || !el.length || el.dataOffset + el.length > ds.byteArray.length) return '';
  return decodeDicomText(elementBytes(ds, el), charset, vr);
}

const item = (ds: DataSet | undefined, tag: string, index = 0): DataSet | undefined => ds?.elements[tag]?.items?.[index]?.dataSet;

const vec3 = (a: number[] | undefined, offset = 0): Vec3 | undefined =>
  a && a.length >= offset + 3 ? [a[offset], a[offset + 1], a[offset + 2]] : undefined;

// ---------------------------------------------------------------------------------------------
// Header extraction

function windowsOf(ds: DataSet | undefined): FrameHeader['windows'] {
  if (!ds) return [];
  const centers = nums(ds, 'x00281050') ?? [];
  const widths = nums(ds, 'x00281051') ?? [];
  const explanations = (ds.string('x00281055') ?? '').split('\\');
  const out: { center: number; width: number; explanation: string }[] = [];
  for (let i = 0; i < Math.min(centers.length, widths.length); i++) {
    if (widths[i] > 0) out.push({ center: centers[i], width: widths[i], explanation: (explanations[i] ?? '').trim() });
  }
  return out;
}

/** Frame header from a data set holding the plain (non-functional-group) attributes. */
function planeFrom(ds: DataSet | undefined): Partial<FrameHeader> {
  if (!ds) return {};
  const iop = nums(ds, 'x00200037');
  const ps = nums(ds, 'x00280030');
  return {
    positionLps: vec3(nums(ds, 'x00200032')),
    rowCosine: iop && iop.length === 6 ? vec3(iop, 0) : undefined,
    columnCosine: iop && iop.length === 6 ? vec3(iop, 3) : undefined,
    pixelSpacingMm: ps && ps.length >= 2 && ps[0] > 0 && ps[1] > 0 ? [ps[0], ps[1]] : undefined,
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Enhanced multi-frame: resolves each frame's functional groups (per-frame wins over shared). */
function enhancedFrames(ds: DataSet, frameCount: number): FrameHeader[] | undefined {
  const shared = item(ds, 'x52009229');
  const perFrame = ds.elements['x52009230']?.items;
  if (!perFrame && !shared) return undefined;
  const frames: FrameHeader[] = [];
  for (let f = 0; f < frameCount; f++) {
    const groups = [shared, perFrame?.[f]?.dataSet];
    let frame: Partial<FrameHeader> & { windows?: FrameHeader['windows'] } = {};
    for (const g of groups) {
      if (!g) continue;
      const position = planeFrom(item(g, 'x00209113'));
      const orientation = planeFrom(item(g, 'x00209116'));
      const measures = planeFrom(item(g, 'x00289110'));
      const transform = item(g, 'x00289145');
      const voi = item(g, 'x00289132');
      const content = item(g, 'x00209111');
      frame = {
        ...frame,
        ...definedOnly({
          positionLps: position.positionLps,
          rowCosine: orientation.rowCosine,
          columnCosine: orientation.columnCosine,
          pixelSpacingMm: measures.pixelSpacingMm,
          rescaleSlope: transform ? num(transform, 'x00281053') : undefined,
          rescaleIntercept: transform ? num(transform, 'x00281052') : undefined,
          stackId: content ? str(content, 'x00209056') || undefined : undefined,
          inStackPosition: content ? num(content, 'x00209057') : undefined,
        }),
      };
      const w = windowsOf(voi);
      if (w.length) frame.windows = w;
    }
    frames.push({
      ...frame,
      rescaleSlope: frame.rescaleSlope ?? num(ds, 'x00281053') ?? 1,
      rescaleIntercept: frame.rescaleIntercept ?? num(ds, 'x00281052') ?? 0,
      windows: frame.windows ?? windowsOf(ds),
    });
  }
  return frames;
}

/** Legacy multi-frame: one position and orientation for the object, frame offsets from a vector. */
function legacyFrames(ds: DataSet, frameCount: number): { frames: FrameHeader[]; source: InstanceHeader['frameGeometrySource'] } {
  const plane = planeFrom(ds);
  const base: FrameHeader = {
    ...plane,
    rescaleSlope: num(ds, 'x00281053') ?? 1,
    rescaleIntercept: num(ds, 'x00281052') ?? 0,
    windows: windowsOf(ds),
  };
  if (frameCount === 1) return { frames: [base], source: 'per-frame' };
  const normal =
    plane.rowCosine && plane.columnCosine
      ? ([
          plane.rowCosine[1] * plane.columnCosine[2] - plane.rowCosine[2] * plane.columnCosine[1],
          plane.rowCosine[2] * plane.columnCosine[0] - plane.rowCosine[0] * plane.columnCosine[2],
          plane.rowCosine[0] * plane.columnCosine[1] - plane.rowCosine[1] * plane.columnCosine[0],
        ] as Vec3)
      : undefined;
  const grid = nums(ds, 'x3004000c');
  const between = num(ds, 'x00180088');
  const thickness = num(ds, 'x00180050');
  let offsets: number[] | undefined;
  let source: InstanceHeader['frameGeometrySource'];
  if (grid && grid.length === frameCount) {
    // GridFrameOffsetVector: offsets relative to the first frame when its first value is 0.
    offsets = grid[0] === 0 ? grid : grid.map((g) => g - grid[0]);
    source = 'grid-frame-offset';
  } else if (between !== undefined && between !== 0) {
    offsets = Array.from({ length: frameCount }, (_, f) => f * between);
    source = 'spacing-between-slices';
  } else if (thickness !== undefined && thickness > 0) {
    offsets = Array.from({ length: frameCount }, (_, f) => f * thickness);
    source = 'slice-thickness';
  }
  const frames = Array.from({ length: frameCount }, (_, f): FrameHeader => {
    const p = plane.positionLps;
    if (!p || !normal || !offsets) return { ...base, positionLps: undefined };
    const o = offsets[f];
    return { ...base, positionLps: [p[0] + normal[0] * o, p[1] + normal[1] * o, p[2] + normal[2] * o] };
  });
  return { frames, source };
}

function displayText(ds: DataSet, charset: string | undefined): DisplayText {
  return {
    patientName: text(ds, 'x00100010', charset, 'PN'),
    patientId: text(ds, 'x00100020', charset, 'LO'),
    patientBirthDate: str(ds, 'x00100030'),
    patientSex: str(ds, 'x00100040'),
    studyDescription: text(ds, 'x00081030', charset, 'LO'),
    studyDate: str(ds, 'x00080020'),
    seriesDescription: text(ds, 'x0008103e', charset, 'LO'),
    seriesNumber: str(ds, 'x00200011'),
    institutionName: text(ds, 'x00080080', charset, 'LO'),
    manufacturer: text(ds, 'x00080070', charset, 'LO'),
    bodyPartExamined: str(ds, 'x00180015'),
  };
}

/** Expected bytes of one frame of native pixel data. */
export function frameByteLength(h: Pick<InstanceHeader, 'rows' | 'columns' | 'samplesPerPixel' | 'bitsAllocated'>): number {
  return Math.ceil((h.rows * h.columns * h.samplesPerPixel * h.bitsAllocated) / 8);
}

/**
 * Parses one file's header. Never throws: anything that cannot become an image is returned as a
 * skipped file with a reason a user can act on.
 */
export function parseDicomFile(bytes: Uint8Array, fileName: string): ParseResult {
  return parseDicomHeader(bytes, fileName, bytes.length) as ParseResult;
}

/**
 * Parses a header from the first bytes of a file of `fileSize` bytes (the whole file when
 * `bytes.length === fileSize`). Reading stops at the pixel data element, whose declared size
 * is checked against the file size. Returns 'need-whole-file' when the prefix was too short
 * (a long header, a deflated file): the caller then passes the whole file.
 */
export function parseDicomHeader(bytes: Uint8Array, fileName: string, fileSize: number): ParseResult | 'need-whole-file' {
  const prefix = bytes.length < fileSize;
  if (prefix && bytes.length < 1024) return 'need-whole-file';
  let parsed: ParsedDataSet | { skipped: SkippedFile };
  try {
    parsed = parseDataSet(bytes, fileName, { untilPixelData: prefix });
  } catch (e) {
    if (e instanceof NeedWholeFile) return 'need-whole-file';
    throw e;
  }
  if ('skipped' in parsed) {
    if (prefix && parsed.skipped.code !== 'not-dicom' && parsed.skipped.code !== 'empty-file') return 'need-whole-file';
    return { ok: false, skipped: parsed.skipped };
  }
  if (prefix && !parsed.dataSet.elements['x7fe00010']) return 'need-whole-file';
  try {
    const fileEnd = prefix ? fileSize + parsed.offsetShift : parsed.dataSet.byteArray.length;
    return extractHeader(parsed, fileName, fileEnd, prefix);
  } catch (e) {
    return skip(fileName, 'malformed', `unreadable DICOM header: ${messageOf(e)}`);
  }
}

function extractHeader(parsed: ParsedDataSet, fileName: string, fileEnd: number, prefix: boolean): ParseResult {
  const ds = parsed.dataSet;
  const transferSyntaxUid = parsed.transferSyntaxUid || IMPLICIT_LE;
  const sopClassUid = parsed.metaSopClassUid || str(ds, 'x00080016');
  if (sopClassUid === DICOMDIR_SOP_CLASS || ds.elements['x00041220']) {
    return skip(fileName, 'dicomdir', 'DICOMDIR (the index of a CD/DVD), not an image: the images are read from the folder itself');
  }
  const pixelEl = ds.elements['x7fe00010'];
  if (!pixelEl) {
    if (ds.elements['x7fe00008'] || ds.elements['x7fe00009']) {
      return skip(fileName, 'unsupported-pixel-format', 'float or double-float pixel data is not supported');
    }
    const kind = SOP_CLASS_NAMES[sopClassUid];
    return skip(fileName, 'no-pixel-data', `no pixel data${kind ? ` (a ${kind} object)` : sopClassUid ? ` (SOP class ${sopClassUid})` : ''}`);
  }
  const ts = transferSyntax(transferSyntaxUid);
  if (!ts) {
    return skip(fileName, 'unsupported-transfer-syntax', `unsupported transfer syntax ${describeTransferSyntax(transferSyntaxUid)}`);
  }

  const rows = us(ds, 'x00280010') ?? 0;
  const columns = us(ds, 'x00280011') ?? 0;
  const samplesPerPixel = us(ds, 'x00280002') ?? 1;
  const bitsAllocated = us(ds, 'x00280100') ?? 0;
  const bitsStored = us(ds, 'x00280101') ?? bitsAllocated;
  const highBit = us(ds, 'x00280102') ?? bitsStored - 1;
  const pixelRepresentation = us(ds, 'x00280103') ?? 0;
  const numberOfFrames = Math.max(1, Math.trunc(num(ds, 'x00280008') ?? 1));
  const photometricInterpretation = str(ds, 'x00280004').toUpperCase() || (samplesPerPixel === 1 ? 'MONOCHROME2' : 'RGB');

  if (rows === 0 || columns === 0) return skip(fileName, 'malformed', `image size missing or zero (Rows ${rows}, Columns ${columns})`);
  if (bitsAllocated === 1) {
    return skip(fileName, 'unsupported-pixel-format', '1-bit pixel data (a binary overlay or segmentation), not an image volume');
  }
  if (![8, 16, 32].includes(bitsAllocated)) {
    return skip(fileName, 'unsupported-pixel-format', `BitsAllocated ${bitsAllocated} is not supported (8, 16 or 32)`);
  }
  if (bitsStored < 1 || bitsStored > bitsAllocated || highBit >= bitsAllocated || highBit < bitsStored - 1) {
    return skip(fileName, 'malformed', `inconsistent bit depth: BitsAllocated ${bitsAllocated}, BitsStored ${bitsStored}, HighBit ${highBit}`);
  }
  const declaredSamples = rows * columns * samplesPerPixel * numberOfFrames;
  if (declaredSamples > MAX_DECLARED_VOXELS) {
    return skip(
      fileName,
      'too-large',
      `declared image size ${columns}×${rows}×${numberOfFrames} frame(s) × ${samplesPerPixel} sample(s) is beyond what can be loaded (${declaredSamples.toExponential(2)} samples)`,
    );
  }

  const encapsulated = Boolean(pixelEl.encapsulatedPixelData || pixelEl.hadUndefinedLength) || ts.encoding !== 'native';
  let pixelDataBytes: number;
  if (encapsulated) {
    const fragments = pixelEl.fragments ?? [];
    if (!pixelEl.encapsulatedPixelData && !pixelEl.hadUndefinedLength) {
      return skip(fileName, 'malformed', `transfer syntax ${ts.name} requires encapsulated pixel data, but the pixel data is not encapsulated`);
    }
    // Fragments are only known when the whole file was parsed; otherwise they are checked
    // when the frames are decoded.
    pixelDataBytes = prefix ? fileEnd - pixelEl.dataOffset : fragments.reduce((s, f) => s + f.length, 0);
    if (!prefix && (fragments.length === 0 || pixelDataBytes === 0)) {
      return skip(fileName, 'pixel-data-size-mismatch', 'encapsulated pixel data holds no fragments');
    }
    const last = fragments[fragments.length - 1];
    if (last && last.position + last.length > ds.byteArray.length) {
      return skip(fileName, 'truncated', 'truncated file: the last pixel data fragment ends beyond the end of the file');
    }
    if (!prefix && fragments.length < numberOfFrames && !(pixelEl.basicOffsetTable && pixelEl.basicOffsetTable.length === numberOfFrames)) {
      return skip(
        fileName,
        'pixel-data-size-mismatch',
        `header declares ${numberOfFrames} frames but the pixel data holds only ${fragments.length} fragment(s) and no offset table`,
      );
    }
  } else {
    const expected = frameByteLength({ rows, columns, samplesPerPixel, bitsAllocated }) * numberOfFrames;
    const available = Math.min(pixelEl.length, fileEnd - pixelEl.dataOffset);
    pixelDataBytes = available;
    if (available < expected) {
      const truncated = pixelEl.dataOffset + pixelEl.length > fileEnd;
      return skip(
        fileName,
        truncated ? 'truncated' : 'pixel-data-size-mismatch',
        `${truncated ? 'truncated file: ' : ''}header declares ${columns}×${rows}${numberOfFrames > 1 ? `×${numberOfFrames} frames` : ''} at ${bitsAllocated} bits (${expected} bytes) but the pixel data holds ${Math.max(0, available)} bytes`,
      );
    }
  }

  const charset = ds.string('x00080005');
  const enhanced = numberOfFrames >= 1 ? enhancedFrames(ds, numberOfFrames) : undefined;
  let frames: FrameHeader[];
  let frameGeometrySource: InstanceHeader['frameGeometrySource'] = 'per-frame';
  if (enhanced) {
    // Attributes outside the functional groups fill what the groups leave out.
    const plain = planeFrom(ds);
    frames = enhanced.map((f) => ({ ...plain, ...definedOnly(f) }) as FrameHeader);
  } else {
    const legacy = legacyFrames(ds, numberOfFrames);
    frames = legacy.frames;
    frameGeometrySource = legacy.source;
  }
  const paddingEl = ds.elements['x00280120'];
  const readPadding = (tag: string): number | undefined => {
    const el = ds.elements[tag];
    if (!el || el.length < 2) return undefined;
    // US or SS depending on PixelRepresentation (the VR is implicit in implicit VR files).
    return pixelRepresentation === 1 ? ds.int16(tag) : ds.uint16(tag);
  };
  const paddingValue = paddingEl ? readPadding('x00280120') : undefined;
  const imageType = (ds.string('x00080008') ?? '').split('\\').map((s) => s.trim().toUpperCase()).filter(Boolean);

  const header: InstanceHeader = {
    fileName,
    transferSyntaxUid,
    sopClassUid,
    sopInstanceUid: str(ds, 'x00080018'),
    studyInstanceUid: str(ds, 'x0020000d'),
    seriesInstanceUid: str(ds, 'x0020000e'),
    frameOfReferenceUid: str(ds, 'x00200052'),
    modality: str(ds, 'x00080060').toUpperCase() || 'OT',
    imageType,
    instanceNumber: num(ds, 'x00200013'),
    acquisitionNumber: num(ds, 'x00200012'),
    echoNumber: num(ds, 'x00180086'),
    temporalPositionIdentifier: num(ds, 'x00200100'),
    rows,
    columns,
    samplesPerPixel,
    photometricInterpretation,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation,
    planarConfiguration: us(ds, 'x00280006') ?? 0,
    numberOfFrames,
    pixelPadding:
      paddingValue !== undefined ? { value: paddingValue, rangeLimit: readPadding('x00280121') } : undefined,
    frames,
    frameGeometrySource,
    sliceThicknessMm: num(ds, 'x00180050'),
    spacingBetweenSlicesMm: num(ds, 'x00180088'),
    pixelDataBytes,
    encapsulated,
    lossyCompressed: ts.lossy || str(ds, 'x00282110') === '01',
    display: displayText(ds, charset),
  };
  return { ok: true, header };
}

