import * as dicomParserModule from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { inflateSync } from 'fflate';
import type { SkippedFile } from './parse';
import { DEFLATED_LE, EXPLICIT_LE, IMPLICIT_LE } from './transferSyntax';

/**
 * Turning a file's bytes into a dicom-parser data set: Part 10 files, files that start with the
 * meta group, bare data sets, deflated data sets, header-only reads of a file's first bytes.
 * Header extraction (what the elements mean) is parse.ts.
 */

// dicom-parser is a UMD bundle: Node's ESM loader exposes it as `default`, bundlers as named exports.
type DicomParserApi = typeof dicomParserModule;
const dicomParser: DicomParserApi =
  (dicomParserModule as unknown as { default?: DicomParserApi }).default ?? dicomParserModule;
const parseDicom: DicomParserApi['parseDicom'] = (bytes, options) => dicomParser.parseDicom(bytes, options);
const readPart10Header = (bytes: Uint8Array): DataSet & { position?: number } => dicomParser.readPart10Header(bytes);

// ---------------------------------------------------------------------------------------------
// Reading the bytes (header extraction is parse.ts)

const VRS = new Set(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '),
);

/**
 * Decides how to parse: a Part 10 file ('DICM' at 128), a file that starts directly with the
 * file meta group (no preamble), or a bare data set (implicit or explicit VR little endian),
 * as older modalities and some media write. Anything else is not DICOM.
 */
function sniff(bytes: Uint8Array): { kind: 'part10' } | { kind: 'meta-without-preamble' } | { kind: 'raw'; transferSyntaxUid: string } | undefined {
  if (bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d) {
    return { kind: 'part10' };
  }
  if (bytes.length < 8) return undefined;
  const group = bytes[0] | (bytes[1] << 8);
  const element = bytes[2] | (bytes[3] << 8);
  const vr = String.fromCharCode(bytes[4], bytes[5]);
  const explicitVr = VRS.has(vr);
  if (group === 0x0002 && explicitVr) return { kind: 'meta-without-preamble' };
  // A bare data set starts with a low, even group (0008 identifying, sometimes 0000 or 0018).
  if (group % 2 === 0 && group > 0 && group <= 0x0028 && element < 0x1000) {
    if (explicitVr) return { kind: 'raw', transferSyntaxUid: EXPLICIT_LE };
    const length = bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24);
    if (length >= 0 && length < bytes.length) return { kind: 'raw', transferSyntaxUid: IMPLICIT_LE };
  }
  return undefined;
}

/** End of the file meta group from (0002,0000) FileMetaInformationGroupLength, if present. */
function metaGroupEnd(bytes: Uint8Array): number | undefined {
  if (bytes.length < 144) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isGroupLength = dv.getUint16(132, true) === 0x0002 && dv.getUint16(134, true) === 0 && bytes[136] === 0x55 && bytes[137] === 0x4c;
  if (!isGroupLength) return undefined;
  const end = 144 + dv.getUint32(140, true);
  return end <= bytes.length ? end : undefined;
}

/** True when a Part 10 file ends before its file meta group (0002,0000 gives its length) does. */
function isInsideMeta(bytes: Uint8Array): boolean {
  if (bytes.length < 144) return true;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint16(132, true) !== 0x0002 || dv.getUint16(134, true) !== 0x0000) return false;
  return bytes.length < 144 + dv.getUint32(140, true);
}

export function messageOf(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'exception' in e) return messageOf((e as { exception: unknown }).exception);
  return String(e);
}

/** A parsed data set and the transfer syntax its pixel data is in. */
export interface ParsedDataSet {
  readonly dataSet: DataSet;
  readonly transferSyntaxUid: string;
  /** MediaStorageSOPClassUID from the file meta information, when there is one. */
  readonly metaSopClassUid?: string;
  /** Offsets in `dataSet.byteArray` minus this are offsets in the file (a preamble we added). */
  readonly offsetShift: number;
}

/** Thrown when a header-only read of the first bytes of a file was not enough. */
export class NeedWholeFile extends Error {
  constructor() {
    super('the header is longer than the bytes read');
  }
}

/**
 * How much of a file the header scan reads: first 16 KiB (most headers), then 256 KiB (long
 * private headers), then the whole file (Enhanced multi-frame, deflated).
 */
export const HEADER_PREFIX_STEPS = [16 * 1024, 256 * 1024] as const;

/**
 * Parses the data set; the caller keeps `bytes`. Returns the data set or a skip reason.
 *
 * Deflated files are inflated here rather than by dicom-parser: to find the end of the meta
 * group it parses one element past it, i.e. compressed bytes, which throws for some files (seen
 * with DCMTK's `dcmconv +td` output), and its inflater hook restarts parsing at byte 0.
 */
export function parseDataSet(
  bytes: Uint8Array,
  fileName: string,
  opts: { untilPixelData?: boolean } = {},
): ParsedDataSet | { skipped: SkippedFile } {
  const until = opts.untilPixelData ? { untilTag: 'x7fe00010' } : {};
  if (bytes.length === 0) return { skipped: { fileName, code: 'empty-file', reason: 'empty file (0 bytes)' } };
  const kind = sniff(bytes);
  if (!kind) {
    return {
      skipped: { fileName, code: 'not-dicom', reason: "not a DICOM file (no 'DICM' marker at byte 128 and no DICOM data set at the start)" },
    };
  }
  let input = bytes;
  if (kind.kind === 'meta-without-preamble') {
    input = new Uint8Array(bytes.length + 132);
    input.set([0x44, 0x49, 0x43, 0x4d], 128);
    input.set(bytes, 132);
  }
  try {
    if (kind.kind === 'raw') {
      const dataSet = parseDicom(input, { TransferSyntaxUID: kind.transferSyntaxUid, ...until } as Parameters<typeof parseDicom>[1]);
      return { dataSet, transferSyntaxUid: kind.transferSyntaxUid, offsetShift: 0 };
    }
    // Read the meta group on its own bytes: dicom-parser reads one element past the group to
    // find its end, which for a deflated file means parsing compressed bytes (and can throw).
    const metaEnd = metaGroupEnd(input);
    const meta = readPart10Header(metaEnd ? input.subarray(0, metaEnd) : input);
    const transferSyntaxUid = (meta.string('x00020010') ?? '').trim();
    const metaSopClassUid = (meta.string('x00020002') ?? '').trim() || undefined;
    if (!transferSyntaxUid) throw new Error('the file meta information has no TransferSyntaxUID (0002,0010)');
    if (transferSyntaxUid === DEFLATED_LE) {
      if (opts.untilPixelData) throw new NeedWholeFile();
      const inflated = inflateSync(input.subarray(metaEnd ?? meta.position ?? 132));
      const dataSet = parseDicom(inflated, { TransferSyntaxUID: EXPLICIT_LE } as Parameters<typeof parseDicom>[1]);
      return { dataSet, transferSyntaxUid, metaSopClassUid, offsetShift: 0 };
    }
    const dataSet = parseDicom(input, until as Parameters<typeof parseDicom>[1]);
    return { dataSet, transferSyntaxUid, metaSopClassUid, offsetShift: input === bytes ? 0 : 132 };
  } catch (e) {
    if (e instanceof NeedWholeFile) throw e;
    const msg = messageOf(e);
    const metaCut = kind.kind === 'part10' && isInsideMeta(bytes);
    const truncated = metaCut || /overr(un|ead)|beyond|exceed|end of (buffer|file)|unexpected EOF|past|truncat|outside the bounds|out of bounds/i.test(msg);
    return {
      skipped: {
        fileName,
        code: truncated ? 'truncated' : 'malformed',
        reason: metaCut
          ? 'truncated file: it ends inside the file meta information'
          : truncated
            ? `truncated file: it ends (at ${bytes.length} bytes) inside a data element`
            : `unreadable DICOM: ${msg}`,
      },
    };
  }
}
