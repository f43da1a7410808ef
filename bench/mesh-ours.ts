/**
 * "Our mesher" for the meshing benchmark (bench/mesh-bench.mjs): the ONE place that says which
 * implementation is measured. Everything else in the benchmark (Node runner, browser worker,
 * peers, report) calls only what this module exports, so switching from the TypeScript
 * reference to the WebAssembly kernel (or to a split across workers) is a change to this file
 * alone. The browser worker (bench/browser/mesh.worker.ts) imports it, so Vite bundles whatever
 * it imports (`?init` WASM, nested workers, ...).
 *
 * Contract (keep it when switching implementations):
 * - `meshOurs(volume, range, mask?)` returns the closed surface of the voxels with
 *   range.lo ≤ value ≤ range.hi as an indexed triangle mesh: `positionsMm` x, y, z per vertex
 *   in patient LPS mm (the volume's origin, spacing and direction applied), `indices` three
 *   vertex indices per triangle, counter-clockwise seen from outside.
 * - `mask`, when given, is that selection already computed (1 inside, 0 outside, layout
 *   i + j*nx + k*nx*ny, `thresholdMask(volume.voxels, range)`); the benchmark always passes it
 *   (built once, outside the timing, and given to every mesher). Without it the adapter
 *   thresholds itself.
 * - `initOurs()` is awaited once before the first (cold) run and timed as part of "cold":
 *   compile/instantiate WASM, start workers, etc. It must be idempotent.
 * - Neither function may keep references to the volume or the result between calls (the
 *   benchmark measures peak memory per run). Kernel memory reused across runs is fine.
 * - Same code in Node (in-process) and in a browser Web Worker.
 */
import { planMerge, splitSteps } from '../src/core/mesh/surfaceNets';
import type { ChunkSummary, SurfaceInput } from '../src/core/mesh/surfaceNets';
import type { HuRange } from '../src/core/segmentation/presets';
import type { VolumeGeometry, VoxelArray } from '../src/core/volume/volume';
import type { ThreadJob, ThreadReply } from './mesh-ours-job';

/** A volume as the benchmark hands it to every mesher: grid geometry plus values. */
export interface MeshVolume extends VolumeGeometry {
  readonly voxels: VoxelArray;
}

/** Our mesher's output (LPS mm, indexed triangles). */
export interface OursMesh {
  readonly positionsMm: Float32Array;
  readonly indices: Uint32Array;
}

const isNode = typeof process !== 'undefined' && Boolean(process.versions?.node) && typeof (globalThis as { window?: unknown }).window === 'undefined' && typeof (globalThis as { importScripts?: unknown }).importScripts === 'undefined';
/** Threads: one per core, at most 4 (the app's mesh pool uses the same rule). */
const THREADS = Math.max(1, Math.min(4, isNode ? (await import(/* @vite-ignore */ 'node:os')).availableParallelism() : (globalThis.navigator?.hardwareConcurrency ?? 2)));

/** Shown in the benchmark's tables and results: which implementation "ours" is today. */
export const OURS_LABEL = `ours: surface nets, WebAssembly kernel (src/kernel), split across ${THREADS} thread${THREADS > 1 ? 's' : ''} sharing the volume and writing one shared mesh`;

interface Thread {
  post(job: ThreadJob): void;
  onReply: (r: ThreadReply) => void;
}

let threads: Promise<Thread[]> | undefined;

async function startThreads(): Promise<Thread[]> {
  const started: Promise<Thread>[] = [];
  for (let t = 0; t < THREADS; t++) {
    started.push(
      new Promise<Thread>((resolve, reject) => {
        if (isNode) {
          void import(/* @vite-ignore */ 'node:worker_threads').then(({ Worker }) => {
            const w = new Worker(new URL('./mesh-ours-thread.mjs', import.meta.url));
            // Referenced only while a job runs, so an idle pool never keeps the process alive.
            const thread: Thread = {
              post: (job) => {
                w.ref();
                w.postMessage(job);
              },
              onReply: () => undefined,
            };
            w.once('message', () => {
              w.unref();
              w.on('message', (r: ThreadReply) => {
                w.unref();
                thread.onReply(r);
              });
              resolve(thread);
            });
            w.once('error', reject);
          });
        } else {
          const w = new Worker(new URL('./browser/mesh-ours.worker.ts', import.meta.url), { type: 'module', name: 'ours-mesh-thread' });
          const thread: Thread = { post: (job) => w.postMessage(job), onReply: () => undefined };
          w.onmessage = () => {
            w.onmessage = (ev: MessageEvent<ThreadReply>) => thread.onReply(ev.data);
            resolve(thread);
          };
          w.onerror = (e) => reject(new Error(e.message));
        }
      }),
    );
  }
  return Promise.all(started);
}

export async function initOurs(): Promise<void> {
  threads ??= startThreads();
  await threads;
}

let nextId = 1;

/** Runs one job on one thread. */
function ask(thread: Thread, job: (id: number) => ThreadJob): Promise<ThreadReply> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    thread.onReply = (r) => {
      if (r.id !== id) return;
      if (r.error) reject(new Error(r.error));
      else resolve(r);
    };
    thread.post(job(id));
  });
}

export async function meshOurs(volume: MeshVolume, range: HuRange, mask?: Uint8Array): Promise<OursMesh> {
  const pool = await (threads ??= startThreads());
  const shared = volume.voxels.buffer instanceof SharedArrayBuffer && (!mask || mask.buffer instanceof SharedArrayBuffer);
  if (!shared) throw new Error('bench/mesh-ours: the volume and mask must be on SharedArrayBuffers');
  const input: SurfaceInput = { dimensions: volume.dimensions, mask, values: volume.voxels, range };
  const ranges = splitSteps(volume.dimensions[2], pool.length);
  // 1. Each thread extracts its chunk (kept in its kernel).
  const chunks = (await Promise.all(ranges.map(([from, to], t) => ask(pool[t], (id) => ({ type: 'surface', id, input, from, to }))))).map(
    (r) => r.chunk as ChunkSummary,
  );
  // 2. Each writes it, in LPS mm, into its place in one shared mesh.
  const plan = planMerge(chunks);
  const target = { positionsMm: new Float32Array(new SharedArrayBuffer(plan.vertices * 12)), indices: new Uint32Array(new SharedArrayBuffer(plan.indexCount * 4)) };
  const geometry = { dimensions: volume.dimensions, spacingMm: volume.spacingMm, originLps: volume.originLps, directionLps: volume.directionLps };
  await Promise.all(chunks.map((chunk, t) => ask(pool[t], (id) => ({ type: 'write', id, chunk, plan, index: t, geometry, target }))));
  return target;
}
