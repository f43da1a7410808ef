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

/** A chunk's mesh in voxel coordinates; ids below `ghostVertices` belong to the previous chunk. */
export interface VoxelChunk {
  readonly from: number;
  readonly to: number;
  readonly positions: Float32Array;
  readonly indices: Uint32Array;
  readonly ghostVertices: number;
  /** Where the vertex block of the chunk's last layer starts, and its size. */
  readonly lastBlockStart: number;
  readonly lastBlockVertices: number;
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

/** Runs steps [from, to) of the surface of `input` through `kernel`. */
export function meshChunk(kernel: SurfaceKernel, input: SurfaceInput, from: number, to: number, options: ChunkOptions = {}): VoxelChunk {
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
  // One copy out of the kernel's (reused) memory: the only fresh memory this run touches.
  const out = kernel.output();
  const positions = out.positions.slice();
  const indices = out.indices.slice();
  return { from, to, positions, indices, ghostVertices, lastBlockStart, lastBlockVertices };
}

/** Joins consecutive chunks into one mesh (voxel coordinates), sharing the ghost vertices. */
export function mergeChunks(chunks: readonly VoxelChunk[]): { positions: Float32Array; indices: Uint32Array } {
  if (chunks.length === 1 && chunks[0].ghostVertices === 0) return { positions: chunks[0].positions, indices: chunks[0].indices };
  let vertices = 0;
  let triangles = 0;
  for (const ch of chunks) {
    vertices += ch.positions.length / 3 - ch.ghostVertices;
    triangles += ch.indices.length;
  }
  const positions = new Float32Array(vertices * 3);
  const indices = new Uint32Array(triangles);
  let vOffset = 0;
  let tOffset = 0;
  let prevBlockStart = 0; // global id of the previous chunk's last vertex block
  let prevBlockVertices = 0;
  for (let w = 0; w < chunks.length; w++) {
    const ch = chunks[w];
    if (w > 0 && chunks[w - 1].to !== ch.from) throw new Error('surface nets: chunks are not consecutive');
    const g = ch.ghostVertices;
    if (w > 0 && g !== prevBlockVertices) throw new Error(`surface nets: seam mismatch at step ${ch.from} (${g} ghost vertices, ${prevBlockVertices} owned)`);
    positions.set(ch.positions.subarray(g * 3), vOffset * 3);
    for (let t = 0; t < ch.indices.length; t++) {
      const id = ch.indices[t];
      indices[tOffset + t] = id < g ? prevBlockStart + id : vOffset + id - g;
    }
    prevBlockStart = vOffset + ch.lastBlockStart - g;
    prevBlockVertices = ch.lastBlockVertices;
    vOffset += ch.positions.length / 3 - g;
    tOffset += ch.indices.length;
  }
  return { positions, indices };
}

/**
 * Voxel coordinates → LPS mm through the volume's origin, direction and spacing. A left-handed
 * direction matrix mirrors the mesh, so the winding flips to keep normals outward.
 */
export function voxelMeshToLps(positions: Float32Array, indices: Uint32Array, geometry: VolumeGeometry): TriangleMesh {
  const [r, c, n] = geometry.directionLps;
  const [sx, sy, sz] = geometry.spacingMm;
  const o = geometry.originLps;
  const count = positions.length / 3;
  const positionsMm = new Float32Array(count * 3);
  for (let w = 0; w < count; w++) {
    const x = positions[w * 3] * sx;
    const y = positions[w * 3 + 1] * sy;
    const z = positions[w * 3 + 2] * sz;
    for (let a = 0; a < 3; a++) positionsMm[w * 3 + a] = o[a] + r[a] * x + c[a] * y + n[a] * z;
  }
  const det = r[0] * (c[1] * n[2] - c[2] * n[1]) - r[1] * (c[0] * n[2] - c[2] * n[0]) + r[2] * (c[0] * n[1] - c[1] * n[0]);
  const out = det < 0 ? indices.slice() : indices;
  if (det < 0) for (let t = 0; t < out.length; t += 3) [out[t + 1], out[t + 2]] = [out[t + 2], out[t + 1]];
  return { positionsMm, indices: out, frame: 'LPS' };
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
  const chunk = meshChunk(kernel, input, 0, input.dimensions[2] + 1, options);
  return voxelMeshToLps(chunk.positions, chunk.indices, geometry);
}
