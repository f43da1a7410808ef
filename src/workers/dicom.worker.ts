/// <reference lib="webworker" />
import { serializeError } from '../core/errors';
import { decodeFileSlices, readHeader } from '../core/dicom/load';
import { parseDicomFile } from '../core/dicom/parse';
import type { InputFile } from '../core/dicom/load';
import { browserCodecs } from './browserCodecs';
import type { SourceRef, WireSlice, WorkerRequest, WorkerResponse } from './dicomProtocol';

/** Thin worker over the core's DICOM functions: reads bytes, parses headers, decodes slices. */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const codecs = browserCodecs();
const post = (m: WorkerResponse, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);
/** Header reads a worker keeps in flight while scanning. */
const CONCURRENT_READS = 8;

async function read(s: SourceRef): Promise<Uint8Array> {
  if (s.kind === 'bytes') return new Uint8Array(s.bytes);
  if (s.kind === 'file') return new Uint8Array(await s.file.arrayBuffer());
  const r = await fetch(s.url);
  if (!r.ok) throw new Error(`HTTP ${r.status} for ${s.url}`);
  return new Uint8Array(await r.arrayBuffer());
}

/**
 * Reads just the first bytes of a source and its total size, so headers are scanned without
 * reading pixel data.
 */
async function readPrefix(s: SourceRef, n: number): Promise<{ bytes: Uint8Array; size: number }> {
  if (s.kind === 'file') return { bytes: new Uint8Array(await s.file.slice(0, n).arrayBuffer()), size: s.file.size };
  if (s.kind === 'bytes') return { bytes: new Uint8Array(s.bytes, 0, Math.min(n, s.bytes.byteLength)), size: s.bytes.byteLength };
  // Never let a partial response into the HTTP cache: Chromium may later stitch it into the
  // full read of the same URL and hand back a short body (seen with vite preview).
  const r = await fetch(s.url, { headers: { Range: `bytes=0-${n - 1}` }, cache: 'no-store' });
  if (!r.ok) throw new Error(`HTTP ${r.status} for ${s.url}`);
  const bytes = new Uint8Array(await r.arrayBuffer());
  const range = r.headers.get('Content-Range')?.match(/\/(\d+)$/);
  if (r.status === 206 && range) return { bytes, size: Number(range[1]) };
  return { bytes, size: bytes.length }; // the server sent the whole file
}

/** A source as the core's InputFile (headers via readHeader's prefix steps). */
const inputFile = (s: SourceRef): InputFile => ({ name: s.name, read: () => read(s), readPrefix: (n) => readPrefix(s, n) });

scope.onmessage = async (ev: MessageEvent<WorkerRequest>) => {
  const msg = ev.data;
  try {
    if (msg.type === 'scan') {
      // Several reads in flight: each file read is a round trip to the browser's file backend
      // that takes milliseconds of waiting, not of work.
      let next = 0;
      const reader = async (): Promise<void> => {
        while (next < msg.sources.length) {
          const index = next++;
          const s = msg.sources[index];
          let result;
          let bytes: Uint8Array | undefined;
          try {
            if (msg.keepBytes) {
              bytes = await read(s);
              result = parseDicomFile(bytes, s.name);
            } else result = await readHeader(inputFile(s));
          } catch (e) {
            result = { ok: false as const, skipped: { fileName: s.name, code: 'io' as const, reason: `could not be read: ${(e as Error).message}` } };
          }
          // Only a DICOM image's bytes are worth keeping; the buffer is the file's own (read() made it).
          const keep = result.ok && bytes && bytes.byteOffset === 0 && bytes.buffer instanceof ArrayBuffer && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : undefined;
          post({ type: 'scanned', id: msg.id, index, result, bytes: keep }, keep ? [keep] : []);
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENT_READS, msg.sources.length) }, reader));
      post({ type: 'done', id: msg.id });
    } else {
      const t = msg.target;
      const volume = t && { voxels: t.type === 'int16' ? new Int16Array(t.buffer) : new Float32Array(t.buffer), sliceSize: t.sliceSize };
      const decoded = await decodeFileSlices(await read(msg.source), msg.header, msg.requests, msg.preferInt16, codecs, volume);
      const slices: WireSlice[] = [];
      const transfer: ArrayBuffer[] = [];
      for (const d of decoded) {
        if (d.inPlace) slices.push({ source: d.source, paddedVoxels: d.paddedVoxels });
        else {
          slices.push({ source: d.source, paddedVoxels: d.paddedVoxels, values: d.values });
          transfer.push(d.values.buffer as ArrayBuffer);
        }
      }
      post({ type: 'decoded', id: msg.id, slices }, transfer);
    }
  } catch (e) {
    post({ type: 'error', id: msg.id, error: serializeError(e) });
  }
};
