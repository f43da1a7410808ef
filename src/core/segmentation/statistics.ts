import type { TriangleMesh } from '../mesh/mesh';
import type { SurfaceKernel } from '../mesh/surfaceKernel';
import { TsSurfaceKernel } from '../mesh/surfaceKernel';
import { extractSurface } from '../mesh/surfaceNets';
import type { VoxelArray } from '../volume/volume';
import { cropArray } from './crop';
import type { LabelGrid, VoxelBox } from './grid';
import { checkGrid, voxelVolumeMm3 } from './grid';

/**
 * Statistics of the segments of a labelmap (or of a mask): size, volume, surface area, value
 * statistics (HU for CT) and bounding box.
 *
 * Counts, bounding boxes and value sums for every label come from one pass over the labelmap
 * (walked in runs of equal labels). Means and standard deviations are accumulated in float64
 * about each label's first value (shifted sums, so large offsets do not cancel); the standard
 * deviation is the population one (divide by n).
 *
 * Surface area, `surface`:
 * - `'mesh'` (default): the area of the surface-nets mesh of the segment (src/core/mesh/surfaceNets.ts,
 *   from the labels alone, before smoothing), i.e. the surface that gets exported and printed. On
 *   the segment's bounding box (the mesher closes it at the border exactly like the full grid).
 *   Without values it is the voxel boundary, except where two voxels touch only along an edge:
 *   there the mesher adds pinch vertices, pulled 20 % towards the voxel centres, which changes the
 *   area slightly. Costs one mesh per segment; pass the WebAssembly `kernel` for speed.
 * - `'faces'`: the voxel boundary, counted: exposed voxel faces (towards another label, the
 *   background or the grid border) times each face's area (sy·sz, sx·sz or sx·sy mm²). One extra pass.
 * - `'none'`: not computed.
 */

export type SurfaceMethod = 'mesh' | 'faces' | 'none';

export interface StatisticsOptions {
  readonly surface?: SurfaceMethod;
  /** Kernel for `surface: 'mesh'` (default: the TypeScript kernel). */
  readonly kernel?: SurfaceKernel;
}

export interface SegmentStatistics {
  /** The segment's label (1…255; 1 for a mask). */
  readonly label: number;
  readonly voxelCount: number;
  /** voxelCount × voxel volume. */
  readonly volumeMm3: number;
  /** See {@link SurfaceMethod}; undefined with `surface: 'none'`. */
  readonly surfaceAreaMm2?: number;
  /** Smallest box holding the segment (inclusive min, exclusive max); undefined for an empty mask. */
  readonly bbox?: VoxelBox;
  /** With values: mean, population standard deviation, minimum and maximum over the segment's voxels. */
  readonly mean?: number;
  readonly std?: number;
  readonly min?: number;
  readonly max?: number;
}

interface Accumulated {
  count: Float64Array;
  ref: Float64Array;
  sum: Float64Array;
  sumSq: Float64Array;
  min: Float64Array;
  max: Float64Array;
  box: Int32Array; // 6 per label: i0, j0, k0, i1, j1, k1 (inclusive)
}

/** One pass over `labels` through `lut` (label → slot 0…255, 0 = skip). */
function accumulate(labels: Uint8Array, grid: LabelGrid, values: VoxelArray | undefined, lut: Uint8Array): Accumulated {
  const [nx, ny, nz] = grid.dimensions;
  const count = new Float64Array(256);
  const ref = new Float64Array(256);
  const sum = new Float64Array(256);
  const sumSq = new Float64Array(256);
  const min = new Float64Array(256).fill(Infinity);
  const max = new Float64Array(256).fill(-Infinity);
  const box = new Int32Array(256 * 6);
  for (let l = 0; l < 256; l++) {
    box[6 * l] = nx;
    box[6 * l + 1] = ny;
    box[6 * l + 2] = nz;
    box[6 * l + 3] = -1;
    box[6 * l + 4] = -1;
    box[6 * l + 5] = -1;
  }
  let off = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++, off += nx) {
      const stop = off + nx;
      let v = off;
      while (v < stop) {
        const l = lut[labels[v]];
        const s = v;
        v++;
        while (v < stop && lut[labels[v]] === l) v++;
        if (l === 0) continue;
        const b = 6 * l;
        const i0 = s - off;
        if (i0 < box[b]) box[b] = i0;
        if (v - 1 - off > box[b + 3]) box[b + 3] = v - 1 - off;
        if (j < box[b + 1]) box[b + 1] = j;
        if (j > box[b + 4]) box[b + 4] = j;
        if (k < box[b + 2]) box[b + 2] = k;
        box[b + 5] = k;
        if (values) {
          if (count[l] === 0) ref[l] = values[s];
          const r = ref[l];
          let s1 = 0;
          let s2 = 0;
          let lo = min[l];
          let hi = max[l];
          for (let w = s; w < v; w++) {
            const x = values[w];
            const d = x - r;
            s1 += d;
            s2 += d * d;
            if (x < lo) lo = x;
            if (x > hi) hi = x;
          }
          sum[l] += s1;
          sumSq[l] += s2;
          min[l] = lo;
          max[l] = hi;
        }
        count[l] += v - s;
      }
    }
  }
  return { count, ref, sum, sumSq, min, max, box };
}

/** Exposed faces per slot and axis (3 per slot: faces normal to i, j, k). */
function countFaces(labels: Uint8Array, grid: LabelGrid, lut: Uint8Array): Float64Array {
  const [nx, ny, nz] = grid.dimensions;
  const sliceSize = nx * ny;
  const faces = new Float64Array(256 * 3);
  let v = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        const l = lut[labels[v]];
        if (l === 0) continue;
        const f = 3 * l;
        if (i === 0 || lut[labels[v - 1]] !== l) faces[f] += 1;
        if (i === nx - 1 || lut[labels[v + 1]] !== l) faces[f] += 1;
        if (j === 0 || lut[labels[v - nx]] !== l) faces[f + 1] += 1;
        if (j === ny - 1 || lut[labels[v + nx]] !== l) faces[f + 1] += 1;
        if (k === 0 || lut[labels[v - sliceSize]] !== l) faces[f + 2] += 1;
        if (k === nz - 1 || lut[labels[v + sliceSize]] !== l) faces[f + 2] += 1;
      }
    }
  }
  return faces;
}

/** Area of a triangle mesh in mm² (sum of triangle areas in float64, as `meshStats` does). */
export function meshArea(mesh: Pick<TriangleMesh, 'positionsMm' | 'indices'>): number {
  const pos = mesh.positionsMm;
  const idx = mesh.indices;
  let area = 0;
  for (let t = 0; t < idx.length; t += 3) {
    const a = 3 * idx[t];
    const b = 3 * idx[t + 1];
    const c = 3 * idx[t + 2];
    const ax = pos[a];
    const ay = pos[a + 1];
    const az = pos[a + 2];
    const e1x = pos[b] - ax;
    const e1y = pos[b + 1] - ay;
    const e1z = pos[b + 2] - az;
    const e2x = pos[c] - ax;
    const e2y = pos[c + 1] - ay;
    const e2z = pos[c + 2] - az;
    const x = e1y * e2z - e1z * e2y;
    const y = e1z * e2x - e1x * e2z;
    const z = e1x * e2y - e1y * e2x;
    area += 0.5 * Math.sqrt(x * x + y * y + z * z);
  }
  return area;
}

function collect(labels: Uint8Array, grid: LabelGrid, values: VoxelArray | undefined, options: StatisticsOptions, binary: boolean): SegmentStatistics[] {
  checkGrid(labels, grid, binary ? 'mask' : 'labelmap');
  if (values) checkGrid(values, grid, 'values');
  const method = options.surface ?? 'mesh';
  if (method !== 'mesh' && method !== 'faces' && method !== 'none') throw new Error(`surface method must be 'mesh', 'faces' or 'none', got ${String(method)}`);
  const lut = new Uint8Array(256);
  for (let x = 1; x < 256; x++) lut[x] = binary ? 1 : x;
  const acc = accumulate(labels, grid, values, lut);
  const faces = method === 'faces' ? countFaces(labels, grid, lut) : undefined;
  const [sx, sy, sz] = grid.spacingMm;
  const vv = voxelVolumeMm3(grid);
  const kernel = method === 'mesh' ? (options.kernel ?? new TsSurfaceKernel()) : undefined;
  const out: SegmentStatistics[] = [];
  for (let l = 1; l < 256; l++) {
    const n = acc.count[l];
    if (n === 0) continue;
    const b = 6 * l;
    const bbox: VoxelBox = { min: [acc.box[b], acc.box[b + 1], acc.box[b + 2]], max: [acc.box[b + 3] + 1, acc.box[b + 4] + 1, acc.box[b + 5] + 1] };
    let surfaceAreaMm2: number | undefined;
    if (faces) surfaceAreaMm2 = faces[3 * l] * sy * sz + faces[3 * l + 1] * sx * sz + faces[3 * l + 2] * sx * sy;
    else if (kernel) {
      // The mesher treats voxels outside its grid as outside, so the bounding box gives the same
      // surface. Slices k0…k1 are a view (no copy); i and j are cropped by copying only when that
      // at least halves the slices (a large segment's box is most of the grid: copying it would
      // cost more than meshing the margin).
      const [nx, ny] = grid.dimensions;
      const sliceBox = (bbox.max[0] - bbox.min[0]) * (bbox.max[1] - bbox.min[1]);
      let dims: [number, number, number];
      let mask: Uint8Array;
      if (sliceBox * 2 <= nx * ny) {
        dims = [bbox.max[0] - bbox.min[0], bbox.max[1] - bbox.min[1], bbox.max[2] - bbox.min[2]];
        mask = cropArray(labels, grid.dimensions, bbox);
      } else {
        dims = [nx, ny, bbox.max[2] - bbox.min[2]];
        mask = labels.subarray(bbox.min[2] * nx * ny, bbox.max[2] * nx * ny);
      }
      const mesh = extractSurface(
        { dimensions: dims, mask, label: binary ? undefined : l },
        { dimensions: dims, spacingMm: grid.spacingMm, originLps: [0, 0, 0], directionLps: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] },
        kernel,
      );
      surfaceAreaMm2 = meshArea(mesh);
    }
    const stats: SegmentStatistics = { label: l, voxelCount: n, volumeMm3: n * vv, surfaceAreaMm2, bbox };
    if (values) {
      const m = acc.sum[l] / n;
      const variance = Math.max(0, acc.sumSq[l] / n - m * m);
      out.push({ ...stats, mean: acc.ref[l] + m, std: Math.sqrt(variance), min: acc.min[l], max: acc.max[l] });
    } else out.push(stats);
  }
  return out;
}

/**
 * Statistics of every segment present in a labelmap (labels 1…255 with at least one voxel),
 * ordered by label. `values` (the volume's voxels, same grid) adds mean/std/min/max.
 */
export function segmentStatistics(labels: Uint8Array, grid: LabelGrid, values?: VoxelArray, options: StatisticsOptions = {}): SegmentStatistics[] {
  return collect(labels, grid, values, options, false);
}

/** Statistics of a mask (non-zero = inside), reported as label 1; an empty mask gives zeros and no bbox or values. */
export function maskStatistics(mask: Uint8Array, grid: LabelGrid, values?: VoxelArray, options: StatisticsOptions = {}): SegmentStatistics {
  const [stats] = collect(mask, grid, values, options, true);
  return stats ?? { label: 1, voxelCount: 0, volumeMm3: 0, surfaceAreaMm2: (options.surface ?? 'mesh') === 'none' ? undefined : 0 };
}
