/// <reference lib="webworker" />
/**
 * Profiling worker for bench/browser/profile.ts: the steps of src/workers/dicom.worker.ts
 * (read a Blob, parse the header, decode a slice, transfer it back) with each step timed.
 * Times are epoch milliseconds (performance.timeOrigin + now) so the page can line them up.
 */
import * as dicomParserModule from 'dicom-parser';
import { decodeFileSlices } from '../../src/core/dicom/load';
import { parseDicomFile } from '../../src/core/dicom/parse';
import { browserCodecs } from '../../src/workers/browserCodecs';

type DicomParserApi = typeof dicomParserModule;
const dicomParser: DicomParserApi = (dicomParserModule as unknown as { default?: DicomParserApi }).default ?? dicomParserModule;
const scope = self as unknown as DedicatedWorkerGlobalScope;
const codecs = browserCodecs();
const now = (): number => performance.timeOrigin + performance.now();

export type ProfileRequest =
  | { readonly type: 'read'; readonly files: readonly Blob[]; readonly headerBytes?: number }
  | { readonly type: 'touch'; readonly files: readonly Blob[]; readonly mb: number }
  | { readonly type: 'protoScan'; readonly files: readonly Blob[]; readonly first: number }
  | {
      readonly type: 'protoLoad';
      readonly files: readonly Blob[];
      readonly jobs: readonly ProtoJob[];
      readonly volume: SharedArrayBuffer;
      readonly sliceVoxels: number;
    }
  | { readonly type: 'scan'; readonly files: readonly Blob[]; readonly headerBytes?: number }
  | { readonly type: 'decode'; readonly files: readonly Blob[]; readonly first: number };

/** What the prototype scan returns per file (a stand-in for InstanceHeader). */
export interface ProtoHeader {
  readonly index: number;
  readonly position: number[];
  readonly orientation: number[];
  readonly pixelOffset: number;
  readonly pixelLength: number;
  readonly intercept: number;
  readonly slope: number;
}

export interface ProtoJob {
  readonly file: number;
  readonly k: number;
  readonly pixelOffset: number;
  readonly pixelLength: number;
  readonly intercept: number;
}

const HEADER_PROBE = 16 * 1024;

/**
 * Prototype scan: reads only the first 16 KB of each file (re-reading more when the header
 * is longer) and parses up to PixelData (dicom-parser untilTag).
 */
async function protoScan(files: readonly Blob[], first: number, t: ProfileTotals): Promise<ProtoHeader[]> {
  const out: ProtoHeader[] = [];
  for (let i = 0; i < files.length; i++) {
    let probe = HEADER_PROBE;
    while (true) {
      let a = now();
      const bytes = new Uint8Array(await files[i].slice(0, probe).arrayBuffer());
      t.readMs += now() - a;
      t.bytes += bytes.length;
      a = now();
      try {
        const ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
        const el = ds.elements.x7fe00010;
        if (!el) throw new Error('no pixel data yet');
        const nums = (tag: string, n: number): number[] => Array.from({ length: n }, (_, q) => ds.floatString(tag, q) ?? 0);
        out.push({
          index: first + i,
          position: nums('x00200032', 3),
          orientation: nums('x00200037', 6),
          pixelOffset: el.dataOffset,
          pixelLength: el.length,
          intercept: ds.floatString('x00281052') ?? 0,
          slope: ds.floatString('x00281053') ?? 1,
        });
        t.parseMs += now() - a;
        break;
      } catch (e) {
        t.parseMs += now() - a;
        if (probe >= files[i].size) throw e;
        probe *= 4;
      }
    }
  }
  return out;
}

/**
 * Prototype load: reads only the PixelData range of each file and converts stored → HU
 * straight into the shared volume at slice k (no per-slice array, no transfer, no main-thread copy).
 */
async function protoLoad(m: Extract<ProfileRequest, { type: 'protoLoad' }>, t: ProfileTotals): Promise<void> {
  for (const job of m.jobs) {
    let a = now();
    const part = m.files[job.file].slice(job.pixelOffset, job.pixelOffset + job.pixelLength);
    const src = new Int16Array(await part.arrayBuffer());
    t.readMs += now() - a;
    t.bytes += job.pixelLength;
    a = now();
    const out = new Int16Array(m.volume, job.k * m.sliceVoxels * 2, m.sliceVoxels);
    const b = job.intercept;
    for (let q = 0; q < m.sliceVoxels; q++) out[q] = src[q] + b;
    t.decodeMs += now() - a;
  }
}

export interface ProfileTotals {
  readMs: number;
  parseMs: number;
  decodeMs: number;
  postMs: number;
  bytes: number;
  start: number;
  end: number;
}

scope.onmessage = async (ev: MessageEvent<ProfileRequest>) => {
  const m = ev.data;
  const t: ProfileTotals = { readMs: 0, parseMs: 0, decodeMs: 0, postMs: 0, bytes: 0, start: now(), end: 0 };
  try {
    if (m.type === 'touch') {
      // Cost of first-touching fresh memory in a worker (page faults), for comparison.
      const a = now();
      new Uint8Array(m.mb * 1024 * 1024).fill(1);
      t.readMs = now() - a;
      t.end = now();
      scope.postMessage({ type: 'done', totals: t });
      return;
    }
    if (m.type === 'protoScan') {
      const headers = await protoScan(m.files, m.first, t);
      t.end = now();
      scope.postMessage({ type: 'done', totals: t, headers });
      return;
    }
    if (m.type === 'protoLoad') {
      await protoLoad(m, t);
      t.end = now();
      scope.postMessage({ type: 'done', totals: t });
      return;
    }
    for (let i = 0; i < m.files.length; i++) {
      const f = m.files[i];
      let a = now();
      const blob = m.type !== 'decode' && 'headerBytes' in m && m.headerBytes ? f.slice(0, m.headerBytes) : f;
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let b = now();
      t.readMs += b - a;
      t.bytes += bytes.length;
      if (m.type === 'read') continue;
      a = now();
      const parsed = parseDicomFile(bytes, `f${i}`);
      b = now();
      t.parseMs += b - a;
      if (m.type === 'scan') continue; // with headerBytes the header parse of a truncated file may fail: only its cost matters here
      if (!parsed.ok) throw new Error(parsed.skipped.reason);
      const h = parsed.header;
      a = now();
      const slices = await decodeFileSlices(bytes, h, [{ frame: 0, source: m.first + i, rescaleSlope: h.frames[0].rescaleSlope, rescaleIntercept: h.frames[0].rescaleIntercept }], true, codecs);
      b = now();
      t.decodeMs += b - a;
      a = now();
      scope.postMessage({ type: 'slice', index: m.first + i, values: slices[0].values, sent: a }, [slices[0].values.buffer as ArrayBuffer]);
      t.postMs += now() - a;
    }
    t.end = now();
    scope.postMessage({ type: 'done', totals: t });
  } catch (e) {
    scope.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
