import type { SurfaceKernel } from '../../src/core/mesh/surfaceKernel';
import { planMerge, runChunk, writeChunkLps } from '../../src/core/mesh/surfaceNets';
import type { ChunkOptions, ChunkSummary, SurfaceInput } from '../../src/core/mesh/surfaceNets';
import type { VolumeGeometry } from '../../src/core/volume/volume';

/** A chunk's mesh in voxel coordinates, copied out of the kernel (as a worker would hand it over). */
export interface VoxelChunk extends ChunkSummary {
  readonly positions: Float32Array;
  readonly indices: Uint32Array;
}

export function meshChunk(kernel: SurfaceKernel, input: SurfaceInput, from: number, to: number, options: ChunkOptions = {}): VoxelChunk {
  const summary = runChunk(kernel, input, from, to, options);
  const out = kernel.output();
  return { ...summary, positions: out.positions.slice(), indices: out.indices.slice() };
}

/**
 * Joins chunks with the app's own join (`planMerge` + `writeChunkLps`) on the identity grid, so
 * positions stay voxel coordinates exactly (x·1 + 0 is x in float arithmetic).
 */
export function mergeChunks(chunks: readonly VoxelChunk[]): { positions: Float32Array; indices: Uint32Array } {
  const plan = planMerge(chunks);
  const identity: VolumeGeometry = {
    dimensions: [1, 1, 1],
    spacingMm: [1, 1, 1],
    originLps: [0, 0, 0],
    directionLps: [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
  };
  const target = { positionsMm: new Float32Array(plan.vertices * 3), indices: new Uint32Array(plan.indexCount) };
  chunks.forEach((ch, w) => writeChunkLps(ch, ch, plan, w, identity, target));
  return { positions: target.positionsMm, indices: target.indices };
}
