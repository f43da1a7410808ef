/**
 * Meshing benchmark page (bench/mesh-browser.mjs drives it). For every volume and engine: a
 * fresh Web Worker (bench/browser/mesh.worker.ts) fetches the volume and builds the labelmap,
 * then runs the engine once cold and `warm` times warm, one call per message. Nothing else runs
 * meanwhile; the main thread only waits.
 *
 * Memory baseline: the renderer's RSS once the worker is up (modules evaluated) and before it
 * fetches the volume, like Node's baseline (modules loaded, no volume).
 * Memory: the driver exposes `__meshMem(op)`, which reads /proc for Chromium's renderer
 * processes (the page and its dedicated workers live in one renderer): 'rss' = summed VmRSS,
 * 'reset' = clear the peak counters (VmHWM, via clear_refs) and return the RSS, 'peak' = summed
 * VmHWM since the reset. So each run's peak is that of the whole renderer, exact, not sampled.
 * After the last run, `performance.measureUserAgentSpecificMemory()` (the page is
 * crossOriginIsolated) gives a snapshot of the JS + ArrayBuffer + WASM memory the worker holds.
 * `performance.memory` is not used: it reports the main thread's heap only, not workers.
 *
 * Query: ?volumes=ct-phantom,mri-colin27&engines=ours,vtk-labelmap,vtk-hu,polyseg&warm=3&warm512=2
 * Result: window.__meshResult = { env, cells: MeshCell[] } or { error }.
 */
import type { EngineId, MeshCell, MeshRun } from '../mesh-engines';
import type { MeshWorkerReply, MeshWorkerRequest } from './mesh.worker';

type MemOp = 'rss' | 'reset' | 'peak';
interface MemReply {
  readonly mb: number;
  readonly method: string;
}
declare global {
  interface Window {
    __meshMem?: (op: MemOp) => Promise<MemReply>;
    __meshResult?: unknown;
  }
}

const params = new URLSearchParams(location.search);
const VOLUMES = (params.get('volumes') ?? 'ct-phantom,mri-colin27').split(',').filter(Boolean);
const ENGINES = (params.get('engines') ?? 'ours,vtk-labelmap,vtk-hu,polyseg').split(',').filter(Boolean) as EngineId[];
const WARM = Number(params.get('warm') ?? 3);
const WARM_512 = Number(params.get('warm512') ?? 2);
const MB = 1024 * 1024;

const logEl = document.getElementById('log') as HTMLPreElement;
function log(msg: string): void {
  console.log(`[bench] ${msg}`);
  logEl.textContent += `${msg}\n`;
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const mem = async (op: MemOp): Promise<MemReply> => (window.__meshMem ? window.__meshMem(op) : { mb: NaN, method: 'none (no driver)' });

/** Sends one request and waits for its reply. */
function call(worker: Worker, req: MeshWorkerRequest): Promise<MeshWorkerReply> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<MeshWorkerReply>) => (e.data.type === 'error' ? reject(new Error(e.data.message)) : resolve(e.data));
    worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
    worker.postMessage(req);
  });
}

interface UaMemoryResult {
  bytes: number;
  breakdown: { bytes: number; types: string[]; attribution: { scope: string }[] }[];
}

async function uaMemory(): Promise<MeshCell['uaMemory']> {
  const p = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<UaMemoryResult> };
  if (!crossOriginIsolated || !p.measureUserAgentSpecificMemory) return { error: 'measureUserAgentSpecificMemory unavailable' };
  try {
    const r = await Promise.race([p.measureUserAgentSpecificMemory(), sleep(30_000).then(() => undefined)]);
    if (!r) return { error: 'timed out after 30 s' };
    const workerBytes = r.breakdown
      .filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope'))
      .reduce((s, b) => s + b.bytes, 0);
    return { totalMB: r.bytes / MB, workerMB: workerBytes / MB };
  } catch (e) {
    return { error: String(e) };
  }
}

async function cell(volume: string, engine: EngineId, env: string): Promise<MeshCell> {
  gc();
  await sleep(300);
  const worker = new Worker(new URL('./mesh.worker.ts', import.meta.url), { type: 'module' });
  try {
    // Baseline: the worker is up with its modules evaluated, no volume yet (as in Node).
    await call(worker, { type: 'ping' });
    const baseline = await mem('rss');
    const loaded = await call(worker, { type: 'load', volume, engine });
    if (loaded.type !== 'loaded') throw new Error('unexpected reply');
    const warm = volume.endsWith('-512') ? WARM_512 : WARM;
    const runs: MeshRun[] = [];
    let first: Extract<MeshWorkerReply, { type: 'ran' }> | undefined;
    let stable = true;
    for (let r = 0; r <= warm; r++) {
      gc();
      await sleep(100);
      const before = await mem('reset');
      const ran = await call(worker, { type: 'run', index: r });
      const peak = await mem('peak');
      if (ran.type !== 'ran') throw new Error('unexpected reply');
      if (!first) first = ran;
      else if (ran.triangles !== first.triangles) stable = false;
      runs.push({ ms: ran.ms, initMs: ran.initMs, callMs: ran.callMs, peakMB: peak.mb, beforeMB: before.mb });
      log(`chromium ${volume} ${engine} ${r === 0 ? 'cold' : `warm ${r}`}: ${ran.ms.toFixed(0)} ms, renderer peak ${peak.mb.toFixed(0)} MB`);
    }
    if (!first?.bbox) throw new Error('no first run');
    return {
      env,
      volume,
      engine,
      label: loaded.label,
      voxels: loaded.voxels,
      insideVoxels: loaded.insideVoxels,
      inputMB: loaded.inputBytes / MB,
      baselineMB: baseline.mb,
      memoryMethod: `${baseline.method}; Chromium renderer processes summed (page + its workers)`,
      triangles: first.triangles,
      vertices: first.vertices,
      bboxGridMm: first.bbox,
      stable,
      cold: runs[0],
      warm: runs.slice(1),
      uaMemory: await uaMemory(),
    };
  } finally {
    worker.terminate();
  }
}

async function main(): Promise<void> {
  const env = `chromium ${/Chrome\/([\d.]+)/.exec(navigator.userAgent)?.[1] ?? '?'}`;
  log(`${env}, crossOriginIsolated=${crossOriginIsolated}, ${navigator.hardwareConcurrency} cores; volumes ${VOLUMES.join(', ')}; engines ${ENGINES.join(', ')}`);
  const cells: MeshCell[] = [];
  for (const volume of VOLUMES) for (const engine of ENGINES) cells.push(await cell(volume, engine, env));
  window.__meshResult = { env, crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, cells };
}

main().catch((e: unknown) => {
  log(`failed: ${String(e)}`);
  window.__meshResult = { error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
});
