/// <reference lib="webworker" />
/**
 * Meshing benchmark worker (bench/browser/mesh.ts creates a fresh one per volume and engine, so
 * the first run is cold: JIT, WASM compile, first-touch memory). It fetches the raw volume from
 * /data/mesh/ (bench/mesh-volumes.ts wrote it) into a SharedArrayBuffer when crossOriginIsolated,
 * builds the labelmap with `thresholdMask` (not timed; also shared), then runs the engine when told, one call per message, so the page can reset and read
 * the renderer's peak memory around each call. The engines are bench/mesh-engines.ts, the same
 * module the Node runner uses; "ours" is whatever bench/mesh-ours.ts wraps (bundled by Vite).
 */
import polysegLauncher from '@icr/polyseg-wasm/js';
import polysegWasmUrl from '@icr/polyseg-wasm/wasm?url';
import { thresholdMask } from '../../src/core/segmentation/threshold';
import { countInside, gridBbox, makeEngines } from '../mesh-engines';
import type { Bbox, Engine, EngineId, EngineInput, PolysegModule } from '../mesh-engines';
import type { MeshVolumeMeta } from '../mesh-volumes';

export type MeshWorkerRequest =
  | { readonly type: 'ping' }
  | { readonly type: 'load'; readonly volume: string; readonly engine: EngineId }
  | { readonly type: 'run'; readonly index: number };

export type MeshWorkerReply =
  | { readonly type: 'pong' }
  | { readonly type: 'loaded'; readonly voxels: number; readonly insideVoxels: number; readonly inputBytes: number; readonly label: string; readonly fetchMs: number }
  | {
      readonly type: 'ran';
      readonly index: number;
      readonly ms: number;
      readonly initMs: number;
      readonly callMs: number;
      readonly triangles: number;
      readonly vertices: number;
      readonly bbox?: Bbox;
    }
  | { readonly type: 'error'; readonly message: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function loadPolysegBrowser(): Promise<PolysegModule> {
  const quiet = (): void => undefined;
  return (await polysegLauncher({ locateFile: (f) => (f.endsWith('.wasm') ? polysegWasmUrl : f), print: quiet, printErr: quiet })) as PolysegModule;
}

/** Shared memory when the page is crossOriginIsolated (as the app's volumes are), so a mesher split across workers can share it. */
const newBuffer = (bytes: number): ArrayBufferLike => (crossOriginIsolated ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));

/** Streams a response into one fresh buffer (no second copy of a 268 MB volume). */
async function fetchInto(url: string, bytes: number): Promise<ArrayBufferLike> {
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`${url}: HTTP ${res.status}`);
  const buffer = newBuffer(bytes);
  const out = new Uint8Array(buffer);
  const reader = res.body.getReader();
  let o = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (o + value.length > bytes) throw new Error(`${url}: more than ${bytes} bytes`);
    out.set(value, o);
    o += value.length;
  }
  if (o !== bytes) throw new Error(`${url}: ${o} bytes, expected ${bytes}`);
  return buffer;
}

let engine: Engine | undefined;
let input: EngineInput | undefined;

async function handle(req: MeshWorkerRequest): Promise<MeshWorkerReply> {
  if (req.type === 'ping') return { type: 'pong' };
  if (req.type === 'load') {
    const t = performance.now();
    const meta = (await (await fetch(`/data/mesh/${req.volume}.json`)).json()) as MeshVolumeMeta;
    const voxels = new Int16Array(await fetchInto(`/data/mesh/${meta.file}`, meta.bytes));
    const mask = thresholdMask(voxels, meta.range, new Uint8Array(newBuffer(voxels.length)));
    const fetchMs = performance.now() - t;
    const volume = { dimensions: meta.dimensions, spacingMm: meta.spacingMm, originLps: meta.originLps, directionLps: meta.directionLps, voxels };
    input = { volume, range: meta.range, mask };
    engine = makeEngines(loadPolysegBrowser)[req.engine];
    return { type: 'loaded', voxels: voxels.length, insideVoxels: countInside(mask), inputBytes: voxels.byteLength + mask.byteLength, label: engine.label, fetchMs };
  }
  if (!engine || !input) throw new Error('load first');
  gc();
  const t0 = performance.now();
  if (req.index === 0) await engine.init();
  const t1 = performance.now();
  const out = await engine.run(input);
  const t2 = performance.now();
  return {
    type: 'ran',
    index: req.index,
    ms: t2 - t0,
    initMs: t1 - t0,
    callMs: t2 - t1,
    triangles: out.triangles,
    vertices: out.vertices,
    bbox: req.index === 0 ? gridBbox(out, input.volume) : undefined,
  };
}

scope.onmessage = (e: MessageEvent<MeshWorkerRequest>) => {
  handle(e.data).then(
    (reply) => scope.postMessage(reply),
    (err: unknown) => scope.postMessage({ type: 'error', message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) } satisfies MeshWorkerReply),
  );
};
