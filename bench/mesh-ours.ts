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
import { extractSurface } from '../src/core/mesh/surfaceNets';
import type { HuRange } from '../src/core/segmentation/presets';
import { thresholdMask } from '../src/core/segmentation/threshold';
import type { VolumeGeometry, VoxelArray } from '../src/core/volume/volume';

/** A volume as the benchmark hands it to every mesher: grid geometry plus values. */
export interface MeshVolume extends VolumeGeometry {
  readonly voxels: VoxelArray;
}

/** Our mesher's output (LPS mm, indexed triangles). */
export interface OursMesh {
  readonly positionsMm: Float32Array;
  readonly indices: Uint32Array;
}

/** Shown in the benchmark's tables and results: which implementation "ours" is today. */
export const OURS_LABEL = 'ours: surface nets, TypeScript reference (src/core/mesh/surfaceNets.ts), 1 thread';

export async function initOurs(): Promise<void> {
  // The TypeScript reference needs no set-up.
}

export async function meshOurs(volume: MeshVolume, range: HuRange, mask?: Uint8Array): Promise<OursMesh> {
  const m = mask ?? thresholdMask(volume.voxels, range);
  const mesh = extractSurface({ dimensions: volume.dimensions, mask: m, values: volume.voxels, range }, volume);
  return { positionsMm: mesh.positionsMm, indices: mesh.indices };
}
