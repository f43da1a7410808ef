/// <reference lib="webworker" />
import kernelUrl from '../kernel/build/surfaceNets.wasm?url';
import { serializeError } from '../core/errors';
import { finishModel, segmentLabel, segmentRange } from '../core/mesh/model';
import type { HuRange } from '../core/segmentation/presets';
import type { VoxelArray } from '../core/volume/volume';
import { runChunk, writeChunkLps } from '../core/mesh/surfaceNets';
import type { SurfaceKernel } from '../core/mesh/surfaceKernel';
import { TsSurfaceKernel } from '../core/mesh/surfaceKernel';
import { createWasmSurfaceKernel } from '../kernel/wasmSurfaceKernel';
import type { LpsArrays, MeshRequest, MeshResponse } from './meshProtocol';
import { surfaceDeviation } from '../core/mesh/deviation';
import { vertexNormals } from '../core/mesh/normals';
import { displayCopy } from '../core/mesh/displayCopy';
import { exportMeshes } from '../core/export';
import { meshTopology } from '../core/mesh/stats';
import type { MeshTopology } from '../core/mesh/stats';

/** Thin worker over the core's meshing: segmentation, a chunk of the surface, writing it, finishing. */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: MeshResponse, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);

let wasmKernel: Promise<SurfaceKernel> | undefined;
const tsKernel = new TsSurfaceKernel();
/** The kernel holding the last extracted chunk (until the 'write' that follows). */
let lastKernel: SurfaceKernel | undefined;

/** The WebAssembly kernel, compiled once per worker and kept (its memory is reused); TS if it fails. */
function kernel(choice: 'auto' | 'typescript'): Promise<SurfaceKernel> {
  if (choice === 'typescript') return Promise.resolve(tsKernel);
  wasmKernel ??= (async () => {
    try {
      const response = await fetch(kernelUrl);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return await createWasmSurfaceKernel(await response.arrayBuffer());
    } catch (e) {
      console.warn(`voxelprint: WebAssembly mesher unavailable (${(e as Error).message}); using the TypeScript one`);
      return tsKernel;
    }
  })();
  return wasmKernel;
}

const transferable = (a: ArrayBufferView): Transferable[] => (a.buffer instanceof ArrayBuffer ? [a.buffer] : []);

/** Topologies handed over for a 'finish' (by its id), and the finishes waiting for theirs. */
const topologies = new Map<number, MeshTopology | undefined>();
const topologyWaiters = new Map<number, (t: MeshTopology | undefined) => void>();
function topologyFor(id: number): Promise<MeshTopology | undefined> {
  if (topologies.has(id)) {
    const t = topologies.get(id);
    topologies.delete(id);
    return Promise.resolve(t);
  }
  return new Promise((resolve) => topologyWaiters.set(id, resolve));
}

scope.onmessage = async (ev: MessageEvent<MeshRequest>) => {
  const msg = ev.data;
  if (msg.type === 'topology-for') {
    const waiter = topologyWaiters.get(msg.id);
    topologyWaiters.delete(msg.id);
    if (waiter) waiter(msg.topology);
    else topologies.set(msg.id, msg.topology);
    return;
  }
  try {
    if (msg.type === 'segment') {
      const n = msg.labels?.length ?? msg.values?.length ?? 0;
      const into = msg.shared ? new Uint8Array(new SharedArrayBuffer(n)) : new Uint8Array(n);
      const r =
        msg.labels && msg.label !== undefined
          ? segmentLabel(msg.labels, msg.label, msg.dimensions, msg.keepLargest, into)
          : segmentRange(msg.values as VoxelArray, msg.dimensions, msg.range as HuRange, msg.keepLargest, into);
      post({ type: 'segmented', id: msg.id, mask: r.mask, selectedVoxels: r.selectedVoxels, keptVoxels: r.keptVoxels }, transferable(r.mask));
    } else if (msg.type === 'surface') {
      const k = await kernel(msg.kernel);
      lastKernel = undefined;
      const chunk = runChunk(k, msg.input, msg.from, msg.to, {
        onProgress: (p) => post({ type: 'progress', id: msg.id, done: p.stepsDone, total: p.stepsTotal }),
      });
      lastKernel = k;
      post({ type: 'surfaced', id: msg.id, chunk, kernel: k.name });
    } else if (msg.type === 'write') {
      if (!lastKernel) throw new Error('mesh worker: no chunk to write');
      const own = !msg.target;
      const target = msg.target ?? { positionsMm: new Float32Array(msg.plan.vertices * 3), indices: new Uint32Array(msg.plan.indexCount) };
      writeChunkLps(lastKernel.output(), msg.chunk, msg.plan, msg.index, msg.geometry, target);
      post({ type: 'written', id: msg.id, mesh: own ? target : undefined }, own ? [...transferable(target.positionsMm), ...transferable(target.indices)] : []);
    } else if (msg.type === 'warm') {
      post({ type: 'warmed', id: msg.id, kernel: (await kernel('auto')).name });
    } else if (msg.type === 'deviation') {
      const lps = (m: LpsArrays) => ({ positionsMm: m.positionsMm, indices: m.indices, frame: 'LPS' as const });
      post({ type: 'measured', id: msg.id, deviation: surfaceDeviation(lps(msg.before), lps(msg.after)) });
    } else if (msg.type === 'topology') {
      const topology = meshTopology(msg.indices, msg.vertexCount);
      post({ type: 'topology', id: msg.id, topology }, [...transferable(topology.shellOf), ...transferable(topology.referenced)]);
    } else if (msg.type === 'display') {
      const copies = await Promise.all(
        msg.meshes.map(async (m, i) => {
          const c = await displayCopy({ positionsMm: m.positionsMm, indices: m.indices, frame: 'LPS' }, { maxTriangles: msg.maxTriangles[i] });
          return { positionsMm: c.mesh.positionsMm, indices: c.mesh.indices, normals: c.normals };
        }),
      );
      post({ type: 'displayed', id: msg.id, copies }, copies.flatMap((c) => [...transferable(c.positionsMm), ...transferable(c.indices), ...transferable(c.normals)]));
    } else if (msg.type === 'export') {
      const meshes = msg.meshes.map((m) => ({ name: m.name, colorRgb: m.colorRgb, mesh: { positionsMm: m.positionsMm, indices: m.indices, frame: 'LPS' as const } }));
      const files = exportMeshes({ meshes, format: msg.format, frame: msg.frame, perSegment: msg.perSegment });
      post({ type: 'exported', id: msg.id, files: files.map((f) => ({ fileName: f.fileName, blob: new Blob([f.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }) })) });
    } else {
      const raw = { positionsMm: msg.mesh.positionsMm, indices: msg.mesh.indices, frame: 'LPS' as const };
      const result = await finishModel(raw, msg.geometry, msg.settings, msg.separateTopology ? topologyFor(msg.id) : undefined);
      const m = result.mesh;
      const normals = vertexNormals(m);
      const transfer = [...transferable(m.positionsMm), ...(m.indices.buffer === m.positionsMm.buffer ? [] : transferable(m.indices)), ...transferable(normals)];
      post({ type: 'finished', id: msg.id, result, normals }, transfer);
    }
  } catch (e) {
    post({ type: 'error', id: msg.id, error: serializeError(e) });
  }
};
