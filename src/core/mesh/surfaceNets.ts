import type { CancelSignal } from '../errors';
import { throwIfCancelled } from '../errors';
import type { HuRange } from '../segmentation/presets';
import type { VolumeGeometry, VoxelArray } from '../volume/volume';
import type { TriangleMesh } from './mesh';
import type { KernelSettings, SurfaceKernel } from './surfaceKernel';
import { TsSurfaceKernel } from './surfaceKernel';

/**
 * Manifold surface nets: the driver around a `SurfaceKernel` (TypeScript or WebAssembly).
 * The algorithm and its guarantees are described in docs/meshing.md and kernelTables.ts.
 *
 * Work is cut along the slice axis into chunks of lattice layers ("steps" 0…nz). A chunk that
 * starts at step c0 > 0 recomputes layer c0 − 1's vertex block (its "ghost") exactly as the
 * previous chunk did, so the joined mesh has no seam and no duplicate vertex, and equals the
 * one-chunk mesh vertex for vertex and triangle for triangle.
 */

export interface SurfaceInput {
  readonly dimensions: readonly [number, number, number];
  /** Labelmap or 0/1 mask (layout i + j*nx + k*nx*ny); inside = `label`, or non-zero without one. */
  readonly mask?: Uint8Array;
  readonly label?: number;
  /** With `range`: vertices placed where the values cross the range bounds (sub-voxel). Without a
   * mask, the inside is lo ≤ value ≤ hi. */
  readonly values?: VoxelArray;
  readonly range?: HuRange;
  /**
   * For a slab (a worker given part of the volume): the index of the first slice held by `mask`
   * and `values`; they then hold whole slices from there. Default 0, the whole volume.
   */
  readonly firstSlice?: number;
}

/** The slices a chunk of steps [from, to) reads: [first, end). */
export function chunkSlices(nz: number, from: number, to: number): [number, number] {
  return [Math.max(0, from - 3), Math.min(nz, to)];
}

export interface MeshProgress {
  readonly stepsDone: number;
  readonly stepsTotal: number;
}

export interface ChunkOptions {
  readonly signal?: CancelSignal;
  readonly onProgress?: (p: MeshProgress) => void;
}

/** What a chunk produced (its mesh stays in the kernel until written or copied out). */
export interface ChunkSummary {
  readonly from: number;
  readonly to: number;
  /** Vertices (ghosts included) and index entries (3 per triangle) of the chunk's output. */
  readonly vertices: number;
  readonly indexCount: number;
  /** Ids below this belong to the previous chunk (its last layer's vertex block). */
  readonly ghostVertices: number;
  /** Where the vertex block of the chunk's last layer starts, and its size. */
  readonly lastBlockStart: number;
  readonly lastBlockVertices: number;
}

/** Where each chunk goes in the joined mesh. */
export interface MergePlan {
  readonly vertices: number;
  readonly indexCount: number;
  /** Per chunk: first owned vertex and first index entry in the joined mesh, and the joined id
   * of the previous chunk's last vertex block (what this chunk's ghost ids map to). */
  readonly vertexOffset: readonly number[];
  readonly indexOffset: readonly number[];
  readonly ghostTarget: readonly number[];
}

export function kernelSettings(input: SurfaceInput): KernelSettings {
  const [nx, ny, nz] = input.dimensions;
  const voxels = input.firstSlice === undefined ? nx * ny * nz : (input.mask ?? input.values)!.length;
  if (voxels % (nx * ny) !== 0 || (input.firstSlice ?? 0) + voxels / (nx * ny) > nz) throw new Error('surface nets: the slab does not fit the grid');
  if (!input.mask && !(input.values && input.range)) throw new Error('surface nets: need a mask, or values with a range');
  if (input.mask && input.mask.length !== voxels) throw new Error(`surface nets: mask has ${input.mask.length} voxels, grid ${voxels}`);
  if (input.values && input.values.length !== voxels) throw new Error(`surface nets: values have ${input.values.length} voxels, grid ${voxels}`);
  const withValues = input.values !== undefined && input.range !== undefined;
  return {
    nx,
    ny,
    hasMask: input.mask !== undefined,
    label: input.label ?? 0,
    valueKind: !withValues ? 'none' : input.values instanceof Int16Array ? 'int16' : 'float32',
    lo: input.range?.lo ?? 0,
    hi: input.range?.hi ?? 0,
  };
}

/** Steps 0…nz split into `parts` contiguous chunks of about equal size: [from, to) each. */
export function splitSteps(nz: number, parts: number): [number, number][] {
  const steps = nz + 1;
  const n = Math.max(1, Math.min(parts, steps));
  const out: [number, number][] = [];
  for (let p = 0; p < n; p++) out.push([Math.floor((p * steps) / n), Math.floor(((p + 1) * steps) / n)]);
  return out;
}

/**
 * Runs steps [from, to) of the surface of `input` through `kernel`; the mesh stays in the
 * kernel (`kernel.output()`) until its next `begin`.
 */
export function runChunk(kernel: SurfaceKernel, input: SurfaceInput, from: number, to: number, options: ChunkOptions = {}): ChunkSummary {
  const [nx, ny, nz] = input.dimensions;
  const sliceSize = nx * ny;
  const settings = kernelSettings(input);
  const useValues = settings.valueKind !== 'none';
  const first = input.firstSlice ?? 0;
  const held = ((input.mask ?? input.values)!.length / sliceSize) | 0;
  const push = (k: number): void => {
    const real = k >= 0 && k < nz;
    if (real && (k < first || k >= first + held)) throw new Error(`surface nets: slice ${k} is outside the slab ${first}…${first + held - 1}`);
    const at = (k - first) * sliceSize;
    kernel.pushSlice(
      real && input.mask ? input.mask.subarray(at, at + sliceSize) : null,
      real && useValues ? input.values!.subarray(at, at + sliceSize) : null,
    );
  };
  kernel.begin(settings);
  const start = Math.max(0, from - 2);
  push(start - 1);
  let ghostVertices = 0;
  let lastBlockStart = 0;
  let lastBlockVertices = 0;
  for (let c = start; c < to; c++) {
    if (c >= from && (c - from) % 8 === 0) {
      throwIfCancelled(options.signal);
      options.onProgress?.({ stepsDone: c - from, stepsTotal: to - from });
    }
    push(c);
    const mode = c < from - 1 ? 'silent' : c < from ? 'ghost' : 'full';
    const r = kernel.layer(c, mode);
    if (mode === 'silent') continue;
    lastBlockStart = r.blockStart;
    lastBlockVertices = r.blockVertices;
    if (mode === 'ghost') ghostVertices = r.blockVertices;
  }
  options.onProgress?.({ stepsDone: to - from, stepsTotal: to - from });
  const out = kernel.output();
  return { from, to, vertices: out.positions.length / 3, indexCount: out.indices.length, ghostVertices, lastBlockStart, lastBlockVertices };
}

/** Checks that the chunks are consecutive with matching seams and places them in the joined mesh. */
export function planMerge(chunks: readonly ChunkSummary[]): MergePlan {
  const vertexOffset: number[] = [];
  const indexOffset: number[] = [];
  const ghostTarget: number[] = [];
  let vertices = 0;
  let indexCount = 0;
  let prevBlockStart = 0;
  let prevBlockVertices = 0;
  chunks.forEach((ch, w) => {
    const g = ch.ghostVertices;
    if (w > 0 && chunks[w - 1].to !== ch.from) throw new Error('surface nets: chunks are not consecutive');
    if (w > 0 && g !== prevBlockVertices) throw new Error(`surface nets: seam mismatch at step ${ch.from} (${g} ghost vertices, ${prevBlockVertices} owned)`);
    if (w === 0 && g !== 0) throw new Error('surface nets: the first chunk has ghost vertices');
    vertexOffset.push(vertices);
    indexOffset.push(indexCount);
    ghostTarget.push(prevBlockStart);
    prevBlockStart = vertices + ch.lastBlockStart - g;
    prevBlockVertices = ch.lastBlockVertices;
    vertices += ch.vertices - g;
    indexCount += ch.indexCount;
  });
  return { vertices, indexCount, vertexOffset, indexOffset, ghostTarget };
}

/** det of the direction matrix < 0: the mesh is mirrored and every triangle must be flipped. */
const mirrored = (geometry: VolumeGeometry): boolean => {
  const [r, c, n] = geometry.directionLps;
  return r[0] * (c[1] * n[2] - c[2] * n[1]) - r[1] * (c[0] * n[2] - c[2] * n[0]) + r[2] * (c[0] * n[1] - c[1] * n[0]) < 0;
};

/**
 * Writes chunk `w` (its mesh: the kernel's output or a copy) into the joined mesh: owned vertices
 * to LPS mm at their place, indices remapped (ghosts onto the previous chunk's vertices, and
 * flipped for a mirrored grid). Chunks can be written in any order, by different workers, into
 * shared arrays.
 */
export function writeChunkLps(
  mesh: { readonly positions: Float32Array; readonly indices: Uint32Array },
  chunk: ChunkSummary,
  plan: MergePlan,
  w: number,
  geometry: VolumeGeometry,
  target: { readonly positionsMm: Float32Array; readonly indices: Uint32Array },
): void {
  const [r, c, n] = geometry.directionLps;
  const [sx, sy, sz] = geometry.spacingMm;
  const [ox, oy, oz] = geometry.originLps;
  const g = chunk.ghostVertices;
  const src = mesh.positions;
  const dst = target.positionsMm;
  let o = plan.vertexOffset[w] * 3;
  for (let v = g; v < chunk.vertices; v++) {
    const x = src[v * 3] * sx;
    const y = src[v * 3 + 1] * sy;
    const z = src[v * 3 + 2] * sz;
    dst[o++] = ox + r[0] * x + c[0] * y + n[0] * z;
    dst[o++] = oy + r[1] * x + c[1] * y + n[1] * z;
    dst[o++] = oz + r[2] * x + c[2] * y + n[2] * z;
  }
  const ids = mesh.indices;
  const out = target.indices;
  const base = plan.indexOffset[w];
  const ghostTarget = plan.ghostTarget[w];
  const shift = plan.vertexOffset[w] - g;
  const flip = mirrored(geometry);
  for (let t = 0; t < chunk.indexCount; t += 3) {
    const a = ids[t];
    const b = ids[t + 1];
    const d = ids[t + 2];
    const ma = a < g ? ghostTarget + a : a + shift;
    const mb = b < g ? ghostTarget + b : b + shift;
    const md = d < g ? ghostTarget + d : d + shift;
    out[base + t] = ma;
    out[base + t + 1] = flip ? md : mb;
    out[base + t + 2] = flip ? mb : md;
  }
}

/**
 * Extracts the boundary surface of `input` as a closed 2-manifold mesh in LPS mm, in-process,
 * with the given kernel (the TypeScript one by default).
 */
export function extractSurface(
  input: SurfaceInput,
  geometry: VolumeGeometry,
  kernel: SurfaceKernel = new TsSurfaceKernel(),
  options: ChunkOptions = {},
): TriangleMesh {
  const chunk = runChunk(kernel, input, 0, input.dimensions[2] + 1, options);
  const plan = planMerge([chunk]);
  const mesh = { positionsMm: new Float32Array(plan.vertices * 3), indices: new Uint32Array(plan.indexCount), frame: 'LPS' as const };
  writeChunkLps(kernel.output(), chunk, plan, 0, geometry, mesh);
  return mesh;
}
