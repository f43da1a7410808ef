import type { SerializedError } from '../core/errors';
import type { HuRange } from '../core/segmentation/presets';
import type { FinishSettings, ModelResult } from '../core/mesh/model';
import type { SurfaceInput, VoxelChunk } from '../core/mesh/surfaceNets';
import type { VolumeGeometry, VoxelArray } from '../core/volume/volume';

/**
 * Messages between the page and a mesh worker. Arrays are views on SharedArrayBuffers when the
 * page is cross-origin isolated (shared, not copied), otherwise copies or transfers.
 */
export type MeshRequest =
  | {
      readonly type: 'segment';
      readonly id: number;
      readonly dimensions: readonly [number, number, number];
      readonly values: VoxelArray;
      readonly range: HuRange;
      readonly keepLargest: boolean;
      /** Write the mask into shared memory so every worker can read it. */
      readonly shared: boolean;
    }
  | { readonly type: 'surface'; readonly id: number; readonly input: SurfaceInput; readonly from: number; readonly to: number; readonly kernel: KernelChoice }
  | {
      readonly type: 'finish';
      readonly id: number;
      readonly positions: Float32Array;
      readonly indices: Uint32Array;
      readonly geometry: VolumeGeometry;
      readonly settings: FinishSettings;
    };

/** 'auto': the WebAssembly kernel, or the TypeScript one where WebAssembly (with SIMD) fails. */
export type KernelChoice = 'auto' | 'typescript';

export type MeshResponse =
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number }
  | { readonly type: 'segmented'; readonly id: number; readonly mask: Uint8Array; readonly selectedVoxels: number; readonly keptVoxels: number }
  | { readonly type: 'surface'; readonly id: number; readonly chunk: VoxelChunk; readonly kernel: string }
  | { readonly type: 'finished'; readonly id: number; readonly result: ModelResult }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };
