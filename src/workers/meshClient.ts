import { VoxelprintError } from '../core/errors';
import { workerRequest } from './workerRequest';
import type { FinishSettings, ModelResult } from '../core/mesh/model';
import { chunkSlices, planMerge, splitSteps } from '../core/mesh/surfaceNets';
import type { ChunkSummary, SurfaceInput } from '../core/mesh/surfaceNets';
import type { SurfaceDeviation } from '../core/mesh/deviation';
import type { HuRange } from '../core/segmentation/presets';
import type { Volume } from '../core/volume/volume';
import type { ExportFormat } from '../core/export';
import type { MeshFrame } from '../core/mesh/mesh';
import type { DisplayArrays, ExportMesh, KernelChoice, LpsArrays, MeshRequest, MeshResponse } from './meshProtocol';

export type ModelPhase = 'segment' | 'surface' | 'finish';

export interface ModelProgress {
  readonly phase: ModelPhase;
  readonly done: number;
  readonly total: number;
}

export interface ModelRequest extends FinishSettings {
  /** What to mesh: the voxels in a value range, or one segment of a labelmap. */
  readonly range?: HuRange;
  readonly segment?: { readonly labels: Uint8Array; readonly label: number };
  readonly keepLargest: boolean;
}

export interface ModelRunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ModelProgress) => void;
  /** Chunks to split the surface into (default: every worker when memory is shared, else 1). */
  readonly parts?: number;
  readonly kernel?: KernelChoice;
}

export interface BuiltModel {
  readonly result: ModelResult;
  /** Voxels in the range and in the kept piece; known only when the largest piece was kept. */
  readonly selectedVoxels?: number;
  readonly keptVoxels?: number;
  /** 'wasm' or 'typescript', and how many workers shared the surface extraction. */
  readonly kernel: string;
  readonly parts: number;
  /** Unit vertex normals of `result.mesh` (LPS), for shading the preview. */
  readonly normals: Float32Array;
  /**
   * Measures the smoothing's deviation in a worker (undefined when smoothing is off). The caller
   * starts it once the model is shown, so it does not compete with the first frame; rejects if
   * the pool is cancelled meanwhile.
   */
  readonly measureSmoothingDeviation?: () => Promise<SurfaceDeviation>;
}

const isShared = (a: ArrayBufferView): boolean => typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;

/**
 * Mesh workers: segmentation, surface extraction split by slabs of lattice layers (seam-free,
 * see surfaceNets.ts), and finishing (smoothing, stats), all off the main thread. With shared
 * memory the workers read the volume in place; otherwise each gets a copy of its slab only.
 * Cancelling terminates the workers; the next job starts fresh ones.
 */
export class MeshWorkerPool {
  private workers: Worker[] = [];
  private nextId = 1;
  /** Aborted when the workers are terminated: every request still waiting on them then rejects. */
  private lifetime = new AbortController();

  constructor(readonly size = Math.max(1, Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2))) {}

  private ensureWorkers(): Worker[] {
    while (this.workers.length < this.size) {
      this.workers.push(new Worker(new URL('./mesh.worker.ts', import.meta.url), { type: 'module', name: 'voxelprint-mesh' }));
    }
    return this.workers;
  }

  /**
   * Starts the workers and compiles their kernels ahead of the first model (a cold start costs
   * seconds on a busy small machine); resolves when they are ready. Safe to call again.
   */
  warm(): Promise<void> {
    const workers = this.ensureWorkers();
    return Promise.all(workers.map((w) => this.call(w, (id) => ({ type: 'warm', id }), 'warmed', [], undefined))).then(() => undefined);
  }

  /**
   * Terminates the workers. Requests still waiting on them (an export, a deviation, a display
   * copy: whatever a cancel or a crash cut short) reject as cancelled instead of waiting forever.
   */
  dispose(): void {
    for (const w of this.workers) w.terminate();
    this.workers = [];
    const ended = this.lifetime;
    this.lifetime = new AbortController();
    ended.abort();
  }

  /** One request to one worker; progress messages go to `onProgress`. */
  private call<T extends MeshResponse['type']>(
    w: Worker,
    request: (id: number) => MeshRequest,
    expect: T,
    transfer: Transferable[],
    signal: AbortSignal | undefined,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Extract<MeshResponse, { type: T }>> {
    const id = this.nextId++;
    const ended = this.lifetime.signal;
    return workerRequest<MeshResponse, T>(w, id, request(id), expect, {
      transfer,
      signal: signal ? AbortSignal.any([signal, ended]) : ended,
      name: 'mesh worker',
      // A cancel or a crash of this request ends every worker; when the workers have ended
      // already (another request's cancel), there is nothing more to do.
      onAbort: () => ended.aborted || this.dispose(),
      onInterim: (m) => m.type === 'progress' && (onProgress?.(m.done, m.total), true),
    });
  }

  /** Segments `range` on the volume, extracts its surface and finishes the model. */
  async createModel(volume: Volume, req: ModelRequest, opts: ModelRunOptions = {}): Promise<BuiltModel> {
    const { signal, onProgress } = opts;
    const workers = this.ensureWorkers();
    const [nx, ny, nz] = volume.dimensions;
    const sliceSize = nx * ny;
    const shared = isShared(volume.voxels);
    const { range, segment } = req;
    if (!range && !segment) throw new VoxelprintError('usage', 'nothing to mesh: give a range or a segment');
    const what = segment ? `segment ${segment.label}` : `${range!.lo}…${range!.hi}`;

    // 1. The mask: only needed to keep the largest piece; otherwise the kernel thresholds itself.
    let mask: Uint8Array | undefined;
    let selectedVoxels: number | undefined;
    let keptVoxels: number | undefined;
    if (req.keepLargest) {
      onProgress?.({ phase: 'segment', done: 0, total: 1 });
      const r = await this.call(
        workers[0],
        (id) =>
          segment
            ? { type: 'segment', id, dimensions: volume.dimensions, labels: segment.labels, label: segment.label, keepLargest: true, shared }
            : { type: 'segment', id, dimensions: volume.dimensions, values: volume.voxels, range, keepLargest: true, shared },
        'segmented',
        [],
        signal,
      );
      mask = r.mask;
      selectedVoxels = r.selectedVoxels;
      keptVoxels = r.keptVoxels;
      if (keptVoxels === 0) throw new VoxelprintError('not-a-volume', `no voxel lies in ${what}: nothing to mesh`);
    }

    // 2. The surface, split across the workers when they can share the volume.
    const parts = Math.max(1, Math.min(opts.parts ?? (shared ? workers.length : 1), workers.length));
    const ranges = splitSteps(nz, parts);
    const done = new Array<number>(ranges.length).fill(0);
    const totalSteps = nz + 1;
    onProgress?.({ phase: 'surface', done: 0, total: totalSteps });
    const chunks: ChunkSummary[] = [];
    let kernelName = '';
    await Promise.all(
      ranges.map(async ([from, to], p) => {
        let input: SurfaceInput;
        // A segment is meshed from its mask alone (voxel faces); a range from the values too
        // (vertices placed where the values cross the bounds).
        const labelInput = segment && !mask ? { mask: segment.labels, label: segment.label } : { mask };
        if (shared && (!labelInput.mask || isShared(labelInput.mask))) {
          input = { dimensions: volume.dimensions, ...labelInput, ...(!segment && { values: volume.voxels, range }) };
        } else {
          const [first, end] = chunkSlices(nz, from, to);
          input = {
            dimensions: volume.dimensions,
            mask: labelInput.mask?.slice(first * sliceSize, end * sliceSize),
            ...(labelInput.label !== undefined && { label: labelInput.label }),
            ...(!segment && { values: volume.voxels.slice(first * sliceSize, end * sliceSize), range }),
            firstSlice: first,
          };
        }
        const r = await this.call(
          workers[p],
          (id) => ({ type: 'surface', id, input, from, to, kernel: opts.kernel ?? 'auto' }),
          'surfaced',
          [],
          signal,
          (d) => {
            done[p] = d;
            onProgress?.({ phase: 'surface', done: done.reduce((a, b) => a + b, 0), total: totalSteps });
          },
        );
        chunks[p] = r.chunk;
        kernelName = r.kernel;
      }),
    );
    const plan = planMerge(chunks);
    if (plan.indexCount === 0) throw new VoxelprintError('not-a-volume', `no voxel lies in ${what}: nothing to mesh`);

    // 3. Each worker writes its chunk into the joined LPS mesh: shared arrays when split (no
    //    copy, no join on this thread), else arrays the one worker hands back.
    const geometry = geometryOf(volume);
    let mesh: LpsArrays;
    if (parts > 1) {
      mesh = { positionsMm: new Float32Array(new SharedArrayBuffer(plan.vertices * 12)), indices: new Uint32Array(new SharedArrayBuffer(plan.indexCount * 4)) };
      const target = mesh;
      await Promise.all(chunks.map((chunk, p) => this.call(workers[p], (id) => ({ type: 'write', id, chunk, plan, index: p, geometry, target }), 'written', [], signal)));
    } else {
      const w = await this.call(workers[0], (id) => ({ type: 'write', id, chunk: chunks[0], plan, index: 0, geometry }), 'written', [], signal);
      if (!w.mesh) throw new VoxelprintError('mesh-failed', 'mesh worker returned no mesh');
      mesh = w.mesh;
    }

    // 4. Finish (smoothing, decimation, stats) in a worker.
    onProgress?.({ phase: 'finish', done: 0, total: 1 });
    // With smoothing, the deviation from the unsmoothed surface is measured afterwards in another
    // worker: the unsmoothed mesh is kept here (copied to the worker, not transferred).
    const smoothing = req.smoothing !== 'off';
    const transfer: Transferable[] = [];
    if (!smoothing && mesh.positionsMm.buffer instanceof ArrayBuffer) transfer.push(mesh.positionsMm.buffer);
    if (!smoothing && mesh.indices.buffer instanceof ArrayBuffer) transfer.push(mesh.indices.buffer);
    // While one worker smooths, another computes the mesh's topology (smoothing keeps the
    // triangles; decimation does not, and then the finishing worker measures it all).
    const separateTopology = smoothing && !(req.decimate && req.decimate > 0) && workers.length > 1;
    let finishId = 0;
    const finished = this.call(
      workers[0],
      (id) => {
        finishId = id;
        return { type: 'finish', id, mesh, geometry, settings: { smoothing: req.smoothing, decimate: req.decimate, measureDeviation: !smoothing }, separateTopology };
      },
      'finished',
      transfer,
      signal,
    );
    if (separateTopology) {
      const vertexCount = mesh.positionsMm.length / 3;
      this.call(workers[1], (id) => ({ type: 'topology', id, indices: mesh.indices, vertexCount }), 'topology', [], signal).then(
        ({ topology }) => workers[0].postMessage({ type: 'topology-for', id: finishId, topology } satisfies MeshRequest, [topology.shellOf.buffer, topology.referenced.buffer]),
        // Cancelled, or it failed: the finishing worker computes the topology itself.
        () => workers[0].postMessage({ type: 'topology-for', id: finishId } satisfies MeshRequest),
      );
    }
    const f = await finished;
    onProgress?.({ phase: 'finish', done: 1, total: 1 });
    const before = mesh;
    const after = { positionsMm: f.result.mesh.positionsMm, indices: f.result.mesh.indices };
    const measureSmoothingDeviation = smoothing
      ? () => this.call(this.ensureWorkers()[this.size - 1], (id) => ({ type: 'deviation', id, before, after }), 'measured', [], undefined).then((m) => m.deviation)
      : undefined;
    return { result: f.result, normals: f.normals, selectedVoxels, keptVoxels, kernel: kernelName, parts, measureSmoothingDeviation };
  }

  /**
   * Lighter copies of meshes for the screen, at most `maxTriangles[i]` triangles each, made in
   * the last worker (the first may be writing an export meanwhile).
   */
  async displayCopies(meshes: readonly LpsArrays[], maxTriangles: readonly number[]): Promise<readonly DisplayArrays[]> {
    const r = await this.call(this.ensureWorkers()[this.size - 1], (id) => ({ type: 'display', id, meshes, maxTriangles }), 'displayed', [], undefined);
    return r.copies;
  }

  /**
   * Writes the models as files in a worker (the core's exporters), so the page stays free while
   * tens of megabytes are written; the files come back as Blobs, ready to download.
   */
  async exportFiles(
    meshes: readonly ExportMesh[],
    options: { readonly format: Exclude<ExportFormat, 'mtl'>; readonly frame: MeshFrame; readonly perSegment: boolean },
  ): Promise<readonly { readonly fileName: string; readonly blob: Blob }[]> {
    // The first worker: the last one may still be measuring a deviation.
    const r = await this.call(this.ensureWorkers()[0], (id) => ({ type: 'export', id, meshes, ...options }), 'exported', [], undefined);
    return r.files;
  }
}

const geometryOf = (v: Volume) => ({ dimensions: v.dimensions, spacingMm: v.spacingMm, originLps: v.originLps, directionLps: v.directionLps });
