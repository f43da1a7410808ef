import type { SerializedError } from '../core/errors';
import type { HuRange } from '../core/segmentation/presets';
import type { FinishSettings, ModelResult } from '../core/mesh/model';
import type { SurfaceDeviation } from '../core/mesh/deviation';
import type { ChunkSummary, MergePlan, SurfaceInput } from '../core/mesh/surfaceNets';
import type { VolumeGeometry, VoxelArray } from '../core/volume/volume';
import type { ExportFormat } from '../core/export';
import type { MeshFrame } from '../core/mesh/mesh';
import type { MeshTopology } from '../core/mesh/stats';

/**
 * Messages between the page and a mesh worker. Arrays are views on SharedArrayBuffers when the
 * page is cross-origin isolated (shared, not copied), otherwise copies or transfers.
 */
export type MeshRequest =
  | {
      readonly type: 'segment';
      readonly id: number;
      readonly dimensions: readonly [number, number, number];
      /** Either values and a range, or a labelmap and the label to take. */
      readonly values?: VoxelArray;
      readonly range?: HuRange;
      readonly labels?: Uint8Array;
      readonly label?: number;
      readonly keepLargest: boolean;
      /** Write the mask into shared memory so every worker can read it. */
      readonly shared: boolean;
    }
  /** Extracts a chunk; its mesh stays in the worker's kernel for the 'write' that follows. */
  | { readonly type: 'surface'; readonly id: number; readonly input: SurfaceInput; readonly from: number; readonly to: number; readonly kernel: KernelChoice }
  /**
   * Writes the chunk just extracted into the joined LPS mesh: into `target` (shared arrays that
   * every worker writes its part of), or into arrays the worker allocates and hands back.
   */
  | {
      readonly type: 'write';
      readonly id: number;
      readonly chunk: ChunkSummary;
      readonly plan: MergePlan;
      readonly index: number;
      readonly geometry: VolumeGeometry;
      readonly target?: LpsArrays;
    }
  /**
   * Smoothing, decimation and stats. With `separateTopology` the mesh's topology is computed by
   * another worker meanwhile and arrives in a 'topology-for' message with this request's id.
   */
  | {
      readonly type: 'finish';
      readonly id: number;
      readonly mesh: LpsArrays;
      readonly geometry: VolumeGeometry;
      readonly settings: FinishSettings;
      readonly separateTopology?: boolean;
    }
  /** The index-only part of the mesh stats (`meshTopology`), for a 'finish' running elsewhere. */
  | { readonly type: 'topology'; readonly id: number; readonly indices: Uint32Array; readonly vertexCount: number }
  /** Hands a 'finish' (`id`) the topology it waits for; undefined if it could not be computed. No answer. */
  | { readonly type: 'topology-for'; readonly id: number; readonly topology?: MeshTopology }
  /** Start-up: load the module and compile the WebAssembly kernel before the first model. */
  | { readonly type: 'warm'; readonly id: number }
  /** The two-sided deviation between the unsmoothed (`before`) and the finished (`after`) surface. */
  | { readonly type: 'deviation'; readonly id: number; readonly before: LpsArrays; readonly after: LpsArrays }
  /** Lighter copies of the models for the screen (`displayCopy`), one budget of triangles each. */
  | { readonly type: 'display'; readonly id: number; readonly meshes: readonly LpsArrays[]; readonly maxTriangles: readonly number[] }
  /** Writes the models as files (the core's exporters) and hands them back as Blobs. */
  | {
      readonly type: 'export';
      readonly id: number;
      readonly meshes: readonly ExportMesh[];
      readonly format: Exclude<ExportFormat, 'mtl'>;
      readonly frame: MeshFrame;
      readonly perSegment: boolean;
    };

/** A display copy (see `displayCopy`): its mesh and normals. */
export interface DisplayArrays extends LpsArrays {
  readonly normals: Float32Array;
}

/** A model to export: its name and colour (for file names and colour-aware formats), LPS mm. */
export interface ExportMesh extends LpsArrays {
  readonly name: string;
  readonly colorRgb: readonly [number, number, number];
}

export interface LpsArrays {
  readonly positionsMm: Float32Array;
  readonly indices: Uint32Array;
}

/** 'auto': the WebAssembly kernel, or the TypeScript one where WebAssembly (with SIMD) fails. */
export type KernelChoice = 'auto' | 'typescript';

export type MeshResponse =
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number }
  | { readonly type: 'segmented'; readonly id: number; readonly mask: Uint8Array; readonly selectedVoxels: number; readonly keptVoxels: number }
  | { readonly type: 'surfaced'; readonly id: number; readonly chunk: ChunkSummary; readonly kernel: string }
  | { readonly type: 'written'; readonly id: number; readonly mesh?: LpsArrays }
  /** The finished model, with its vertex normals (LPS) for the preview. */
  | { readonly type: 'finished'; readonly id: number; readonly result: ModelResult; readonly normals: Float32Array }
  | { readonly type: 'displayed'; readonly id: number; readonly copies: readonly DisplayArrays[] }
  /** Blobs are handles: the bytes are not copied to the page. */
  | { readonly type: 'exported'; readonly id: number; readonly files: readonly { readonly fileName: string; readonly blob: Blob }[] }
  | { readonly type: 'measured'; readonly id: number; readonly deviation: SurfaceDeviation }
  | { readonly type: 'topology'; readonly id: number; readonly topology: MeshTopology }
  | { readonly type: 'warmed'; readonly id: number; readonly kernel: string }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };
