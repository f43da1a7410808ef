/**
 * The jobs of one mesh thread (a Node worker_thread or a browser Web Worker), shared by
 * bench/mesh-ours.ts and its two thread entry points: extract a chunk (kept in the kernel), then
 * write it into the joined LPS mesh in shared memory — the same two phases as the app's mesh
 * workers (src/workers/mesh.worker.ts).
 */
import type { SurfaceKernel } from '../src/core/mesh/surfaceKernel';
import { runChunk, writeChunkLps } from '../src/core/mesh/surfaceNets';
import type { ChunkSummary, MergePlan, SurfaceInput } from '../src/core/mesh/surfaceNets';
import type { VolumeGeometry } from '../src/core/volume/volume';

export type ThreadJob =
  | { readonly type: 'surface'; readonly id: number; readonly input: SurfaceInput; readonly from: number; readonly to: number }
  | {
      readonly type: 'write';
      readonly id: number;
      readonly chunk: ChunkSummary;
      readonly plan: MergePlan;
      readonly index: number;
      readonly geometry: VolumeGeometry;
      readonly target: { readonly positionsMm: Float32Array; readonly indices: Uint32Array };
    };

export interface ThreadReply {
  readonly id: number;
  readonly chunk?: ChunkSummary;
  readonly error?: string;
}

export function runJob(kernel: SurfaceKernel, job: ThreadJob): ThreadReply {
  try {
    if (job.type === 'surface') return { id: job.id, chunk: runChunk(kernel, job.input, job.from, job.to) };
    writeChunkLps(kernel.output(), job.chunk, job.plan, job.index, job.geometry, job.target);
    return { id: job.id };
  } catch (e) {
    return { id: job.id, error: (e as Error).message };
  }
}
