/// <reference lib="webworker" />
import { serializeError } from '../core/errors';
import { decodeFileSlices } from '../core/dicom/load';
import { parseDicomFile } from '../core/dicom/parse';
import { browserCodecs } from './browserCodecs';
import type { SourceRef, WorkerRequest, WorkerResponse } from './dicomProtocol';

/** Thin worker over the core's DICOM functions: reads bytes, parses headers, decodes slices. */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const codecs = browserCodecs();
const post = (m: WorkerResponse, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);

async function read(s: SourceRef): Promise<Uint8Array> {
  if (s.kind === 'bytes') return new Uint8Array(s.bytes);
  if (s.kind === 'file') return new Uint8Array(await s.file.arrayBuffer());
  const r = await fetch(s.url);
  if (!r.ok) throw new Error(`HTTP ${r.status} for ${s.url}`);
  return new Uint8Array(await r.arrayBuffer());
}

scope.onmessage = async (ev: MessageEvent<WorkerRequest>) => {
  const msg = ev.data;
  try {
    if (msg.type === 'scan') {
      for (let index = 0; index < msg.sources.length; index++) {
        const s = msg.sources[index];
        let result;
        try {
          result = parseDicomFile(await read(s), s.name);
        } catch (e) {
          result = { ok: false as const, skipped: { fileName: s.name, code: 'io' as const, reason: `could not be read: ${(e as Error).message}` } };
        }
        post({ type: 'scanned', id: msg.id, index, result });
      }
      post({ type: 'done', id: msg.id });
    } else {
      const slices = await decodeFileSlices(await read(msg.source), msg.header, msg.requests, msg.preferInt16, codecs);
      post({ type: 'decoded', id: msg.id, slices }, slices.map((s) => s.values.buffer as ArrayBuffer));
    }
  } catch (e) {
    post({ type: 'error', id: msg.id, error: serializeError(e) });
  }
};
