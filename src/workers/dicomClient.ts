import { VoxelprintError, deserializeError } from '../core/errors';
import { planOf, requestsFromTheMiddle } from '../core/dicom/load';
import type { Progress, SliceRequest } from '../core/dicom/load';
import type { InstanceHeader, SkippedFile } from '../core/dicom/parse';
import { buildSeries } from '../core/dicom/series';
import type { ScanResult } from '../core/dicom/series';
import { VolumeAssembler } from '../core/volume/assemble';
import type { Volume } from '../core/volume/volume';
import type { SourceRef, WorkerRequest, WorkerResponse } from './dicomProtocol';

export interface PoolRunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export interface PoolLoadOptions extends PoolRunOptions {
  /**
   * After each decoded file: the volume so far (final geometry and buffer) and, per output
   * slice, 1 once it holds its values. Files are decoded from the middle slice outwards.
   */
  readonly onPartial?: (volume: Volume, sliceReady: Uint8Array) => void;
}

type Task = {
  readonly request: (id: number) => { readonly message: WorkerRequest; readonly transfer?: Transferable[] };
  readonly onMessage: (m: WorkerResponse) => boolean; // true when the task is finished
};

const SCAN_CHUNK = 32;
/**
 * Selections of local files up to this size are read whole while scanning and the bytes kept
 * for decoding: a browser file read costs about as much for 16 KB as for a whole slice, so the
 * second read is saved. Larger selections scan only the headers (the first image comes sooner).
 */
const KEEP_BYTES_MAX = 64 * 1024 * 1024;
/** Files a worker holds at once while decoding (one decoding, the others being read). */
const DECODES_IN_FLIGHT = 4;

/**
 * A pool of DICOM workers. Headers are parsed and slices decoded off the main thread; the
 * decoded slices (transferred, not copied) go straight into the volume being assembled here.
 * Cancelling terminates the workers (a decode in progress cannot be interrupted otherwise)
 * and the pool starts fresh ones for the next job.
 */
export class DicomWorkerPool {
  private workers: Worker[] = [];
  private nextId = 1;
  /** Bytes read while scanning, by source, until a decode takes them (transferred). */
  private kept = new WeakMap<SourceRef, ArrayBuffer>();

  constructor(private readonly size = Math.max(1, Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2))) {}

  private ensureWorkers(): Worker[] {
    while (this.workers.length < this.size) {
      this.workers.push(new Worker(new URL('./dicom.worker.ts', import.meta.url), { type: 'module', name: 'voxelprint-dicom' }));
    }
    return this.workers;
  }

  /** Starts the workers now (module load, codecs) instead of on the first scan. */
  warm(): void {
    this.ensureWorkers();
  }

  dispose(): void {
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }

  /**
   * Runs tasks on the pool with up to `depth` of them in flight per worker: a worker then reads
   * the next file while it decodes one, and never waits for this thread to hand it work (the
   * page may be busy drawing the slices that just came in).
   */
  private run(tasks: Task[], depth: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new VoxelprintError('cancelled', 'cancelled by the user'));
    const workers = this.ensureWorkers();
    return new Promise<void>((resolve, reject) => {
      let next = 0;
      let active = 0;
      let failed = false;
      const detach = (): void => {
        for (const w of workers) {
          w.onmessage = null;
          w.onerror = null;
        }
        signal?.removeEventListener('abort', onAbort);
      };
      const finish = (err?: unknown): void => {
        if (failed) return;
        if (err) {
          failed = true;
          detach();
          reject(err);
        } else if (next >= tasks.length && active === 0) {
          detach();
          resolve();
        }
      };
      const onAbort = (): void => {
        this.dispose();
        finish(new VoxelprintError('cancelled', 'cancelled by the user'));
      };
      signal?.addEventListener('abort', onAbort);
      const feed = (w: Worker, inFlight: Map<number, Task>): void => {
        while (!failed && next < tasks.length && inFlight.size < depth) {
          const task = tasks[next++];
          const id = this.nextId++;
          inFlight.set(id, task);
          active++;
          try {
            const { message, transfer = [] } = task.request(id);
            w.postMessage(message, transfer);
          } catch (e) {
            return finish(e);
          }
        }
      };
      for (const w of workers) {
        const inFlight = new Map<number, Task>();
        w.onmessage = (ev: MessageEvent<WorkerResponse>) => {
          const m = ev.data;
          const task = inFlight.get(m.id);
          if (!task || failed) return;
          if (m.type === 'error') return finish(deserializeError(m.error));
          try {
            if (task.onMessage(m)) {
              inFlight.delete(m.id);
              active--;
              feed(w, inFlight);
              finish();
            }
          } catch (e) {
            finish(e);
          }
        };
        w.onerror = (ev) => finish(new VoxelprintError('decode-failed', `worker failed: ${ev.message}`));
        feed(w, inFlight);
      }
      finish();
    });
  }

  /** Parses every file's header in the workers and groups the results into series. */
  async scan(sources: readonly SourceRef[], opts: PoolRunOptions = {}): Promise<ScanResult> {
    const headers: (InstanceHeader | undefined)[] = new Array(sources.length).fill(undefined);
    const skipped: (SkippedFile | undefined)[] = new Array(sources.length).fill(undefined);
    let done = 0;
    const tasks: Task[] = [];
    const kept = new WeakMap<SourceRef, ArrayBuffer>();
    this.kept = kept;
    const totalBytes = sources.reduce((sum, s) => sum + (s.kind === 'file' ? s.file.size : Infinity), 0);
    const keepBytes = totalBytes <= KEEP_BYTES_MAX;
    for (let start = 0; start < sources.length; start += SCAN_CHUNK) {
      const chunk = sources.slice(start, start + SCAN_CHUNK);
      tasks.push({
        request: (id) => ({ message: { type: 'scan', id, sources: chunk, keepBytes } }),
        onMessage: (m) => {
          if (m.type === 'scanned') {
            const i = start + m.index;
            if (m.bytes) kept.set(sources[i], m.bytes);
            if (m.result.ok) headers[i] = m.result.header;
            else skipped[i] = m.result.skipped;
            opts.onProgress?.({ phase: 'scan', done: ++done, total: sources.length });
          }
          return m.type === 'done';
        },
      });
    }
    await this.run(tasks, 1, opts.signal);
    return buildSeries(headers, skipped.filter((s): s is SkippedFile => s !== undefined));
  }

  /** Decodes one stack in the workers, assembling the volume as slices arrive. */
  async load(scan: ScanResult, stackId: string | undefined, sources: readonly SourceRef[], opts: PoolLoadOptions = {}): Promise<Volume> {
    const plan = planOf(scan, stackId);
    const assembler = new VolumeAssembler(plan, { shared: globalThis.crossOriginIsolated === true });
    const total = plan.sources.length;
    const tasks: Task[] = requestsFromTheMiddle(plan).map(([fileIndex, requests]: [number, SliceRequest[]]) => ({
      request: (id) => {
        const header = scan.headers[fileIndex];
        const source = sources[fileIndex];
        if (!header) throw new VoxelprintError('malformed', 'header missing', source.name);
        const target = assembler.sharedTarget;
        // The bytes the scan kept go to the decoding worker (once: they are transferred).
        const bytes = this.kept.get(source);
        this.kept.delete(source);
        if (bytes) return { message: { type: 'decode', id, source: { kind: 'bytes', name: source.name, bytes }, header, requests, preferInt16: plan.preferInt16, target }, transfer: [bytes] };
        return { message: { type: 'decode', id, source, header, requests, preferInt16: plan.preferInt16, target } };
      },
      onMessage: (m) => {
        if (m.type !== 'decoded') return false;
        for (const s of m.slices) {
          if (s.values) assembler.put(s.source, s.values, s.paddedVoxels);
          else assembler.markWritten(s.source, s.paddedVoxels);
        }
        opts.onProgress?.({ phase: 'decode', done: assembler.sourcesReceived, total });
        opts.onPartial?.(assembler.partial(), assembler.sliceReady);
        return true;
      },
    }));
    await this.run(tasks, DECODES_IN_FLIGHT, opts.signal);
    return assembler.finish();
  }
}
