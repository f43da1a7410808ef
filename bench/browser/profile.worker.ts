/// <reference lib="webworker" />
/**
 * Profiling worker for bench/browser/profile.ts: the steps of src/workers/dicom.worker.ts
 * (read a Blob, parse the header, decode a slice, transfer it back) with each step timed.
 * Times are epoch milliseconds (performance.timeOrigin + now) so the page can line them up.
 */
import { decodeFileSlices } from '../../src/core/dicom/load';
import { parseDicomFile } from '../../src/core/dicom/parse';
import { browserCodecs } from '../../src/workers/browserCodecs';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const codecs = browserCodecs();
const now = (): number => performance.timeOrigin + performance.now();

export type ProfileRequest =
  | { readonly type: 'read'; readonly files: readonly Blob[]; readonly headerBytes?: number }
  | { readonly type: 'scan'; readonly files: readonly Blob[]; readonly headerBytes?: number }
  | { readonly type: 'decode'; readonly files: readonly Blob[]; readonly first: number };

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
    for (let i = 0; i < m.files.length; i++) {
      const f = m.files[i];
      let a = now();
      const blob = m.type !== 'decode' && m.headerBytes ? f.slice(0, m.headerBytes) : f;
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
      const slices = await decodeFileSlices(bytes, h, [{ frame: 0, source: m.first + i, rescaleSlope: h.rescaleSlope, rescaleIntercept: h.rescaleIntercept }], true, codecs);
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
