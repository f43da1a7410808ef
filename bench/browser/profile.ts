/**
 * Profile of our browser load path (bench/profile-load.mjs drives it): the steps of
 * DicomWorkerPool.scan/load measured one by one, for three kinds of input Blob:
 *  - fetched: File objects built from fetch().blob() (what the benchmark page uses),
 *  - memory: Blobs built from ArrayBuffers already in the page,
 *  - disk: File objects from an <input type=file> (set by Playwright: disk-backed, like a drop).
 * Steps: reading every file (main thread, 1 and 2 workers, whole file and first 4 KB only),
 * read + header parse (scan), read + parse + decode + transfer + assemble (load), and the real
 * pool (scan + load) on the same input.
 */
import { DicomWorkerPool } from '../../src/workers/dicomClient';
import type { SourceRef } from '../../src/workers/dicomProtocol';
import type { Volume } from '../../src/core/volume/volume';
import type { ProfileRequest, ProfileTotals, ProtoHeader, ProtoJob } from './profile.worker';

const params = new URLSearchParams(location.search);
const SERIES = params.get('series') ?? 'ct512';
/** fetched (File from fetch().blob()), memory (Blob from an ArrayBuffer) or disk (<input type=file>, set by the driver). */
const KIND = params.get('kind') ?? 'fetched';
const logEl = document.getElementById('log') as HTMLPreElement;
const log = (msg: string): void => {
  console.log(`[bench] ${msg}`);
  logEl.textContent += `${msg}\n`;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const settle = async (): Promise<void> => {
  gc();
  await sleep(300);
};
const now = (): number => performance.timeOrigin + performance.now();

interface Manifest {
  readonly dimensions: [number, number, number];
  readonly files: string[];
  readonly bytes: number;
}

function newWorkers(n: number): Worker[] {
  return Array.from({ length: n }, () => new Worker(new URL('./profile.worker.ts', import.meta.url), { type: 'module' }));
}

interface WorkerRun {
  wallMs: number;
  /** Per worker: summed step times. */
  totals: ProfileTotals[];
  /** Main thread time spent assembling received slices. */
  assembleMs: number;
  /** Mean latency from postMessage in the worker to the main thread's handler (ms). */
  meanTransferLatencyMs: number;
  maxTransferLatencyMs: number;
}

async function runWorkers(workers: Worker[], files: readonly Blob[], type: ProfileRequest['type'], headerBytes?: number, sliceVoxels = 0): Promise<WorkerRun> {
  const n = workers.length;
  const per = Math.ceil(files.length / n);
  const out = type === 'decode' ? new Int16Array(files.length * sliceVoxels) : undefined;
  let assembleMs = 0;
  let latency = 0;
  let maxLatency = 0;
  let slices = 0;
  const t0 = now();
  let doneCount = 0;
  const watchdog = setTimeout(() => log(`  (still waiting after 60 s: ${type}, ${n} workers, ${doneCount} done, ${slices} slices received)`), 60_000);
  const totals = await Promise.all(
    workers.map(
      (w, q) =>
        new Promise<ProfileTotals>((resolve, reject) => {
          w.onmessage = (ev: MessageEvent) => {
            const m = ev.data as { type: string; totals?: ProfileTotals; message?: string; index?: number; values?: Int16Array; sent?: number };
            if (m.type === 'slice' && out && m.values && m.index !== undefined && m.sent !== undefined) {
              const a = now();
              const l = a - m.sent;
              latency += l;
              maxLatency = Math.max(maxLatency, l);
              slices++;
              out.set(m.values, m.index * sliceVoxels);
              assembleMs += now() - a;
            } else if (m.type === 'done' && m.totals) {
              doneCount++;
              resolve(m.totals);
            }
            else if (m.type === 'error') reject(new Error(m.message));
          };
          w.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
          const first = q * per;
          w.postMessage({ type, files: files.slice(first, first + per), headerBytes, first, mb: 128 } as unknown as ProfileRequest);
        }),
    ),
  );
  clearTimeout(watchdog);
  return { wallMs: now() - t0, totals, assembleMs, meanTransferLatencyMs: slices ? latency / slices : 0, maxTransferLatencyMs: maxLatency };
}

async function mainThreadRead(files: readonly Blob[], parallel: boolean): Promise<number> {
  const t0 = performance.now();
  let bytes = 0;
  if (parallel) for (const b of await Promise.all(files.map((f) => f.arrayBuffer()))) bytes += b.byteLength;
  else for (const f of files) bytes += (await f.arrayBuffer()).byteLength;
  if (bytes === 0) throw new Error('nothing read');
  return performance.now() - t0;
}

function call<T>(w: Worker, msg: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    w.onmessage = (ev: MessageEvent) => {
      const m = ev.data as { type: string; message?: string };
      if (m.type === 'done') resolve(m as T);
      else if (m.type === 'error') reject(new Error(m.message));
    };
    w.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
    w.postMessage(msg);
  });
}

interface ProtoRun {
  scanMs: number;
  loadMs: number;
  totalMs: number;
  scanTotals: ProfileTotals[];
  loadTotals: ProfileTotals[];
}

/**
 * The suggested pipeline, prototyped here (not in src/): header-only scan, sort, then one read
 * of each file's PixelData range, converted straight into a SharedArrayBuffer volume.
 */
async function prototype(files: readonly Blob[], sliceVoxels: number): Promise<{ run: ProtoRun; voxels: Int16Array }> {
  const t0 = performance.now();
  const ws = newWorkers(2);
  const per = Math.ceil(files.length / ws.length);
  const scans = await Promise.all(
    ws.map((w, q) => call<{ totals: ProfileTotals; headers: ProtoHeader[] }>(w, { type: 'protoScan', files: files.slice(q * per, (q + 1) * per), first: q * per })),
  );
  const headers = scans.flatMap((s) => s.headers);
  const o = headers[0].orientation;
  const n = [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
  const sorted = [...headers].sort((a, b) => a.position[0] * n[0] + a.position[1] * n[1] + a.position[2] * n[2] - (b.position[0] * n[0] + b.position[1] * n[1] + b.position[2] * n[2]));
  const t1 = performance.now();
  const volume = new SharedArrayBuffer(files.length * sliceVoxels * 2);
  const jobs: ProtoJob[][] = ws.map(() => []);
  sorted.forEach((h, k) => jobs[k % ws.length].push({ file: h.index, k, pixelOffset: h.pixelOffset, pixelLength: h.pixelLength, intercept: h.intercept }));
  const loads = await Promise.all(
    ws.map((w, q) => call<{ totals: ProfileTotals }>(w, { type: 'protoLoad', files, jobs: jobs[q], volume, sliceVoxels })),
  );
  const t2 = performance.now();
  for (const w of ws) w.terminate();
  return {
    run: { scanMs: t1 - t0, loadMs: t2 - t1, totalMs: t2 - t0, scanTotals: scans.map((s) => s.totals), loadTotals: loads.map((l) => l.totals) },
    voxels: new Int16Array(volume),
  };
}

async function pool(files: readonly Blob[], names: readonly string[]): Promise<{ scanMs: number; loadMs: number; totalMs: number; volume: Volume }> {
  const sources: SourceRef[] = files.map((file, i) => ({ kind: 'file', name: names[i], file }));
  const t0 = performance.now();
  const p = new DicomWorkerPool();
  const scan = await p.scan(sources);
  const t1 = performance.now();
  const volume = await p.load(scan, undefined, sources);
  const t2 = performance.now();
  p.dispose();
  return { scanMs: t1 - t0, loadMs: t2 - t1, totalMs: t2 - t0, volume };
}

const sum = (ts: readonly ProfileTotals[], k: keyof ProfileTotals): number => ts.reduce((a, t) => a + t[k], 0);

async function profileKind(kind: string, files: readonly Blob[], names: readonly string[], sliceVoxels: number): Promise<Record<string, unknown>> {
  const r: Record<string, unknown> = {};
  const fmt = (w: WorkerRun): string =>
    `wall ${w.wallMs.toFixed(0)} ms; summed over workers: read ${sum(w.totals, 'readMs').toFixed(0)}, parse ${sum(w.totals, 'parseMs').toFixed(0)}, ` +
    `decode ${sum(w.totals, 'decodeMs').toFixed(0)}, post ${sum(w.totals, 'postMs').toFixed(0)}` +
    (w.assembleMs ? `; main assemble ${w.assembleMs.toFixed(0)}, transfer latency mean ${w.meanTransferLatencyMs.toFixed(1)} max ${w.maxTransferLatencyMs.toFixed(0)}` : '');

  r.mainReadSequentialMs = await mainThreadRead(files, false);
  await settle();
  r.mainReadParallelMs = await mainThreadRead(files, true);
  await settle();
  log(`${kind}: main thread read all: sequential ${(r.mainReadSequentialMs as number).toFixed(0)} ms, Promise.all ${(r.mainReadParallelMs as number).toFixed(0)} ms`);

  for (const n of [1, 2]) {
    const ws = newWorkers(n);
    // Warm up (module load, codecs) on a couple of files.
    log(`${kind}: ${n} worker(s) starting`);
    await runWorkers(ws, files.slice(0, 2 * n), 'decode', undefined, sliceVoxels);
    const read = await runWorkers(ws, files, 'read');
    await settle();
    const head = await runWorkers(ws, files, 'read', 4096);
    await settle();
    const scan = await runWorkers(ws, files, 'scan');
    await settle();
    const decode = await runWorkers(ws, files, 'decode', undefined, sliceVoxels);
    await settle();
    for (const w of ws) w.terminate();
    r[`workers${n}`] = { read, readFirst4KB: head, scan, decode };
    log(`${kind}: ${n} worker(s) read whole files: ${fmt(read)}`);
    log(`${kind}: ${n} worker(s) read first 4 KB:  ${fmt(head)}`);
    log(`${kind}: ${n} worker(s) scan (read+parse): ${fmt(scan)}`);
    log(`${kind}: ${n} worker(s) load (read+parse+decode+post+assemble): ${fmt(decode)}`);
  }
  for (let rep = 1; rep <= 2; rep++) {
    const p = await pool(files, names);
    await settle();
    log(`${kind}: DicomWorkerPool scan ${p.scanMs.toFixed(0)} + load ${p.loadMs.toFixed(0)} = ${p.totalMs.toFixed(0)} ms`);
    // (A variant reading through Blob.stream() BYOB into a reused buffer hung intermittently in
    // Chromium 156 here: left out.)
    const proto = await prototype(files, sliceVoxels);
    let mismatches = 0;
    const v = p.volume.voxels;
    for (let q = 0; q < v.length; q++) if (v[q] !== proto.voxels[q]) mismatches++;
    const sc = proto.run.scanTotals;
    const ld = proto.run.loadTotals;
    log(
      `${kind}: prototype (header-only scan, PixelData-range read, convert into SharedArrayBuffer) ` +
        `scan ${proto.run.scanMs.toFixed(0)} + load ${proto.run.loadMs.toFixed(0)} = ${proto.run.totalMs.toFixed(0)} ms ` +
        `[summed over 2 workers: scan read ${sum(sc, 'readMs').toFixed(0)} parse ${sum(sc, 'parseMs').toFixed(0)}; load read ${sum(ld, 'readMs').toFixed(0)} convert ${sum(ld, 'decodeMs').toFixed(0)}]; ` +
        `${mismatches} voxels differ from the pool's volume`,
    );
    r[`prototype${rep}`] = { ...proto.run, mismatches };
    await settle();
    r[`pool${rep}`] = { scanMs: p.scanMs, loadMs: p.loadMs, totalMs: p.totalMs };
    await settle();
  }
  return r;
}

async function main(): Promise<void> {
  log(`env: cores ${navigator.hardwareConcurrency}, crossOriginIsolated ${globalThis.crossOriginIsolated}`);
  {
    const a = performance.now();
    new Uint8Array(128 * 1024 * 1024).fill(1);
    const b = performance.now();
    const w = newWorkers(1);
    const t = await runWorkers(w, [], 'touch' as ProfileRequest['type']);
    w[0].terminate();
    log(`first touch of 128 MB fresh memory: main thread ${(b - a).toFixed(0)} ms, worker ${t.totals[0].readMs.toFixed(0)} ms`);
  }
  const manifest = (await (await fetch(`/data/${SERIES}.json`)).json()) as Manifest;
  const [nx, ny] = manifest.dimensions;
  const names = manifest.files;
  const result: Record<string, unknown> = {
    kind: KIND, manifest: { dimensions: manifest.dimensions, files: names.length, bytes: manifest.bytes } };

  if (KIND === 'disk') {
    const input = document.getElementById('files') as HTMLInputElement;
    (window as unknown as { __profileReadyForFiles: boolean }).__profileReadyForFiles = true;
    while (!input.files || input.files.length < names.length) await sleep(100);
    const byName = new Map([...input.files].map((f) => [f.name, f]));
    const disk = names.map((n) => byName.get(n) as File);
    log(`got ${disk.length} disk-backed files from <input type=file>`);
    result.disk = await profileKind('disk', disk, names, nx * ny);
  } else if (KIND === 'memory') {
    const t1 = performance.now();
    const buffers = await Promise.all(names.map(async (n) => (await fetch(`/data/${SERIES}/${n}`)).arrayBuffer()));
    result.fetchArrayBufferMs = performance.now() - t1;
    const memory = buffers.map((b) => new Blob([b]));
    buffers.length = 0;
    log(`fetch all as arrayBuffer ${(result.fetchArrayBufferMs as number).toFixed(0)} ms → Blobs`);
    await settle();
    result.memory = await profileKind('memory', memory, names, nx * ny);
  } else {
    const t0 = performance.now();
    const fetched = await Promise.all(names.map(async (n) => new File([await (await fetch(`/data/${SERIES}/${n}`)).blob()], n)));
    result.fetchBlobMs = performance.now() - t0;
    log(`fetch all as blob ${(result.fetchBlobMs as number).toFixed(0)} ms`);
    await settle();
    result.fetched = await profileKind('fetched', fetched, names, nx * ny);
  }
  (window as unknown as { __profileResult: unknown }).__profileResult = result;
  log('done');
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? `${e.message}\n${e.stack}` : String(e);
  log(`FAILED: ${message}`);
  (window as unknown as { __profileResult: unknown }).__profileResult = { error: message };
});
