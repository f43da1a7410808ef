import { type CancelSignal, VoxelprintError, throwIfCancelled } from '../errors';
import { VolumeAssembler } from '../volume/assemble';
import type { Volume } from '../volume/volume';
import type { FrameCodecs } from './codecs/frameCodecs';
import type { InstanceHeader, SkippedFile } from './parse';
import { HEADER_PREFIX_STEPS, parseDataSet } from './dataSet';
import { parseDicomFile, parseDicomHeader } from './parse';
import type { ParseResult } from './parse';
import { decodeFrameWords, wordsToValues } from './pixels';
import type { ScanResult, VolumePlan } from './series';
import { buildSeries, findStack } from './series';

/**
 * The DICOM → Volume pipeline as plain functions over bytes. Reading files is the caller's
 * job (Node's fs in the CLI, File objects in a worker), so the same code runs everywhere.
 */

export interface InputFile {
  readonly name: string;
  /** Reads the whole file (for loading pixels, and for headers the prefix did not hold). */
  readonly read: () => Promise<Uint8Array>;
  /**
   * Reads up to `bytes` bytes from the start, with the file's total size, so headers are scanned
   * without reading pixel data. A reader may return the whole file (then bytes.length === size).
   */
  readonly readPrefix?: (bytes: number) => Promise<{ readonly bytes: Uint8Array; readonly size: number }>;
}

export interface Progress {
  readonly phase: 'scan' | 'decode';
  readonly done: number;
  readonly total: number;
}

export interface RunOptions {
  readonly signal?: CancelSignal;
  readonly onProgress?: (p: Progress) => void;
}

/** In-memory files (tests, drops already read) as InputFiles. */
export const memoryFiles = (files: readonly { name: string; bytes: Uint8Array }[]): InputFile[] =>
  files.map((f) => ({ name: f.name, read: async () => f.bytes }));

/** Reads every file's header (pixels are not decoded) and groups them into series and stacks. */
export async function scanFiles(files: readonly InputFile[], opts: RunOptions = {}): Promise<ScanResult> {
  const headers: (InstanceHeader | undefined)[] = [];
  const skipped: SkippedFile[] = [];
  for (let i = 0; i < files.length; i++) {
    throwIfCancelled(opts.signal);
    let r: ParseResult;
    try {
      r = await readHeader(files[i]);
    } catch (e) {
      skipped.push({ fileName: files[i].name, code: 'io', reason: `could not be read: ${e instanceof Error ? e.message : String(e)}` });
      headers.push(undefined);
      continue;
    }
    if (r.ok) headers.push(r.header);
    else {
      headers.push(undefined);
      skipped.push(r.skipped);
    }
    opts.onProgress?.({ phase: 'scan', done: i + 1, total: files.length });
  }
  return buildSeries(headers, skipped);
}

/** One file's header: from its first bytes when it can say how big it is, else from all of it. */
export async function readHeader(file: InputFile): Promise<ParseResult> {
  for (const n of HEADER_PREFIX_STEPS) {
    if (!file.readPrefix) break;
    const prefix = await file.readPrefix(n);
    if (prefix.bytes.length >= prefix.size) return parseDicomFile(prefix.bytes, file.name); // the whole file
    const r = parseDicomHeader(prefix.bytes, file.name, prefix.size);
    if (r !== 'need-whole-file') return r;
  }
  return parseDicomFile(await file.read(), file.name);
}

export interface SliceRequest {
  readonly frame: number;
  /** Index into the plan's sources. */
  readonly source: number;
  readonly rescaleSlope: number;
  readonly rescaleIntercept: number;
}

export interface DecodedSlice {
  readonly source: number;
  readonly values: Int16Array | Float32Array;
  readonly paddedVoxels: number;
  /** True when `values` is a view of the caller's volume (written in place). */
  readonly inPlace: boolean;
}

/**
 * Decodes the requested frames of one file to modality values (HU for CT). With `volume`
 * (the whole voxel array, `sliceSize` values per source slice) the values are written straight
 * into it when they fit its type.
 */
export async function decodeFileSlices(
  bytes: Uint8Array,
  header: InstanceHeader,
  requests: readonly SliceRequest[],
  preferInt16: boolean,
  codecs: FrameCodecs,
  volume?: { readonly voxels: Int16Array | Float32Array; readonly sliceSize: number },
): Promise<DecodedSlice[]> {
  const parsed = parseDataSet(bytes, header.fileName);
  if ('skipped' in parsed) throw new VoxelprintError(parsed.skipped.code, parsed.skipped.reason, header.fileName);
  const out: DecodedSlice[] = [];
  for (const req of requests) {
    const words = await decodeFrameWords(parsed.dataSet, header, req.frame, codecs);
    const frame = { ...header.frames[req.frame], rescaleSlope: req.rescaleSlope, rescaleIntercept: req.rescaleIntercept };
    const into = volume?.voxels.subarray(req.source * volume.sliceSize, (req.source + 1) * volume.sliceSize);
    const { values, paddedVoxels } = wordsToValues(words, header, frame, preferInt16, into);
    out.push({ source: req.source, values, paddedVoxels, inPlace: values === into });
  }
  return out;
}

/** The plan's slices grouped by file, so each file is parsed once. */
export function requestsByFile(plan: VolumePlan): Map<number, SliceRequest[]> {
  const byFile = new Map<number, SliceRequest[]>();
  plan.sources.forEach((s, source) => {
    const list = byFile.get(s.fileIndex) ?? [];
    list.push({ frame: s.frame, source, rescaleSlope: s.header.rescaleSlope, rescaleIntercept: s.header.rescaleIntercept });
    byFile.set(s.fileIndex, list);
  });
  return byFile;
}

/**
 * The files of a plan with their slice requests, in the order to decode them: the file holding
 * the middle slice first (where the slice views open), then outwards, so a progressive display
 * shows what the user looks at before the ends of the stack.
 */
export function requestsFromTheMiddle(plan: VolumePlan): [number, SliceRequest[]][] {
  const mid = Math.floor(plan.sources.length / 2);
  const distance = (list: readonly SliceRequest[]): number => Math.min(...list.map((r) => Math.abs(r.source - mid)));
  return [...requestsByFile(plan)].map((e) => [e, distance(e[1])] as const).sort((a, b) => a[1] - b[1]).map(([e]) => e);
}

export function planOf(scan: ScanResult, stackId: string | undefined): VolumePlan {
  const id = stackId ?? scan.preferredStackId;
  if (!id) {
    const reasons = scan.series.flatMap((s) => s.stacks).map((s) => `${s.label}: ${s.refusal?.reason}`);
    throw new VoxelprintError('no-series', reasons.length ? `no loadable volume: ${reasons.join('; ')}` : 'no DICOM images found');
  }
  const stack = findStack(scan, id);
  if (!stack) throw new VoxelprintError('usage', `no stack ${id}`);
  if (!stack.plan) throw new VoxelprintError(stack.refusal?.code ?? 'not-a-volume', `${stack.label}: ${stack.refusal?.reason ?? 'not a volume'}`);
  return stack.plan;
}

/** Decodes a stack in-process (Node CLI, tests) into its volume. */
export async function loadVolume(
  files: readonly InputFile[],
  scan: ScanResult,
  stackId: string | undefined,
  codecs: FrameCodecs,
  opts: RunOptions = {},
): Promise<Volume> {
  const plan = planOf(scan, stackId);
  const assembler = new VolumeAssembler(plan);
  const total = plan.sources.length;
  for (const [fileIndex, requests] of requestsByFile(plan)) {
    throwIfCancelled(opts.signal);
    const header = scan.headers[fileIndex];
    if (!header) throw new VoxelprintError('malformed', 'header missing', files[fileIndex].name);
    const bytes = await files[fileIndex].read();
    for (const s of await decodeFileSlices(bytes, header, requests, plan.preferInt16, codecs)) {
      assembler.put(s.source, s.values, s.paddedVoxels);
    }
    opts.onProgress?.({ phase: 'decode', done: assembler.sourcesReceived, total });
  }
  return assembler.finish();
}
