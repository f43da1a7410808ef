import type { VoxelArray } from '../volume/volume';
import { checkGrid, type LabelGrid, type VoxelBox } from './grid';

/**
 * "Grow from seeds": competitive region growing from painted strokes (the "fast GrowCut" of
 * Zhu et al. 2014, the algorithm behind 3D Slicer's Grow from seeds).
 *
 * Every seed voxel starts at cost 0 with its label. A voxel's cost is the cheapest path to any
 * seed, 6-connected (face neighbours), where stepping from voxel a to its neighbour b costs
 *
 *     |value(a) − value(b)| + distancePenaltyPerMm × stepMm
 *
 * (stepMm = the grid spacing along that axis). The intensity term needs no spacing scaling:
 * summed along a path it is the path integral of |gradient| ds, independent of the sampling;
 * the optional distance term is in millimetres, so anisotropic grids are handled physically.
 * Each voxel takes the label of the seed that reaches it at the least cost: Dijkstra, exact.
 * When every step cost is an integer (an Int16 volume and an integer penalty × spacing, e.g.
 * the default penalty 0) the queue is a circular bucket queue (Dial's algorithm, O(1) per
 * voxel); otherwise a binary min-heap; both on typed arrays. Ties keep the label that arrived
 * first.
 *
 * Only the region of interest is computed: the seeds' bounding box padded on each side by
 * `marginFraction` × its extent along that axis (at least `minMarginVoxels`), clamped to the
 * grid. Voxels outside it are 0 in the result.
 */
export interface GrowFromSeedsOptions {
  /** Padding of the seeds' bounding box on each side, as a fraction of its extent along that axis. Default 0.15. */
  readonly marginFraction?: number;
  /** Smallest padding on each side, in voxels. Default 1. */
  readonly minMarginVoxels?: number;
  /**
   * Extra cost per millimetre of path, in value units per mm (HU/mm for CT). Default 0 (pure
   * intensity). Larger values favour the nearer seed inside flat or noisy regions.
   */
  readonly distancePenaltyPerMm?: number;
  /**
   * The previous result on the same volume (the caller's responsibility: values are not
   * compared), to refine incrementally. Used when the only change is seed voxels added (every
   * previous seed still holds its label) and the grid, the options and the region of interest
   * are unchanged; otherwise the growth is recomputed from scratch. Either way the costs equal a
   * full run's and so do the labels, up to ties between equal-cost seeds. Incremental work is
   * proportional to the voxels that change label or cost (plus one scan of the seeds). The
   * previous result's `state` is reused and updated in place (no copy of the box); its
   * `labels` array is not touched unless it is also `into`.
   */
  readonly previous?: GrowFromSeedsResult;
  /** Write the labelmap here (every voxel is overwritten) instead of allocating a new one. */
  readonly into?: Uint8Array;
}

export interface GrowFromSeedsResult {
  /** A labelmap over the whole grid: the winning seed label inside `box`, 0 outside it. */
  readonly labels: Uint8Array;
  /** The region of interest that was computed (voxel indices, max exclusive). */
  readonly box: VoxelBox;
  /** True when this result was refined from `options.previous` instead of recomputed. */
  readonly incremental: boolean;
  /** Voxels settled by the search (the work done; 0 when nothing needed updating). */
  readonly visitedVoxels: number;
  /** Internal state for incremental refinement: treat as opaque. */
  readonly state: GrowCutState;
}

/**
 * Opaque refinement state: costs and labels over the padded box, and the seeds that produced
 * them. A refinement updates it in place (and returns it again), so it always describes the
 * latest seeds it was grown from; results sharing it stay valid `previous` values.
 */
export interface GrowCutState {
  readonly grid: readonly [number, number, number];
  readonly spacingMm: readonly [number, number, number];
  readonly box: VoxelBox;
  readonly marginFraction: number;
  readonly minMarginVoxels: number;
  readonly distancePenaltyPerMm: number;
  /**
   * Path cost per voxel of the box padded by one voxel on each side: Int32 (padding −1) when
   * the step costs are integers, else Float32 (padding −Infinity).
   */
  readonly costs: Int32Array | Float32Array;
  /** The volume's values over the padded box (Int16 for integer step costs, else Float32). */
  readonly values: Int16Array | Float32Array;
  /** The largest step cost in the box (sizes the bucket queue). */
  readonly maxStep: number;
  /** Label per voxel of the padded box. */
  readonly labels: Uint8Array;
  /** The seed labelmap restricted to the box (unpadded layout). */
  readonly seeds: Uint8Array;
}

/**
 * Grows labelled seeds over the volume. `seeds` is a labelmap (0 = unseeded) holding strokes
 * of at least two labels (one of them may be a "background" label the caller discards later).
 * Returns the grown labelmap (new, or `options.into`); throws when fewer than two distinct
 * labels are seeded.
 */
export function growFromSeeds(voxels: VoxelArray, grid: LabelGrid, seeds: Uint8Array, options: GrowFromSeedsOptions = {}): GrowFromSeedsResult {
  checkGrid(voxels, grid, 'volume');
  checkGrid(seeds, grid, 'seed labelmap');
  const marginFraction = options.marginFraction ?? 0.15;
  const minMarginVoxels = options.minMarginVoxels ?? 1;
  const penalty = options.distancePenaltyPerMm ?? 0;
  if (!(marginFraction >= 0) || !(minMarginVoxels >= 0) || !(penalty >= 0)) throw new Error('growFromSeeds: margins and penalty must be ≥ 0');
  const [nx, ny, nz] = grid.dimensions;

  const seedBox = seedBounds(seeds, grid.dimensions);
  if (!seedBox) throw new Error('growFromSeeds: needs seeds of at least two labels (none painted)');
  if (seedBox.labelCount < 2) throw new Error('growFromSeeds: needs seeds of at least two labels (only one painted)');
  const min = [0, 0, 0];
  const max = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const extent = seedBox.max[a] - seedBox.min[a];
    const pad = Math.max(minMarginVoxels, Math.ceil(marginFraction * extent));
    min[a] = Math.max(0, seedBox.min[a] - pad);
    max[a] = Math.min(grid.dimensions[a], seedBox.max[a] + pad);
  }
  const box: VoxelBox = { min: [min[0], min[1], min[2]], max: [max[0], max[1], max[2]] };
  const bx = max[0] - min[0];
  const by = max[1] - min[1];
  const bz = max[2] - min[2];
  // Padded box: one voxel of −Infinity cost on every side, so neighbours need no bounds checks.
  const px = bx + 2;
  const py = by + 2;
  const pxy = px * py;
  const paddedCount = pxy * (bz + 2);

  const [sx, sy, sz] = grid.spacingMm;
  const steps: [number, number, number] = [penalty * sx, penalty * sy, penalty * sz];
  const integerCosts = voxels instanceof Int16Array && steps.every(Number.isInteger);

  const prev = options.previous?.state;
  const canRefine =
    prev !== undefined &&
    prev.grid[0] === nx &&
    prev.grid[1] === ny &&
    prev.grid[2] === nz &&
    prev.spacingMm.every((x, a) => x === grid.spacingMm[a]) &&
    prev.marginFraction === marginFraction &&
    prev.minMarginVoxels === minMarginVoxels &&
    prev.distancePenaltyPerMm === penalty &&
    prev.costs instanceof Int32Array === integerCosts &&
    sameBox(prev.box, box) &&
    seedsOnlyAdded(prev.seeds, seeds, box, grid.dimensions);

  if (options.into) checkGrid(options.into, grid, 'output labelmap');
  // A refinement continues in the previous state's arrays (updated in place, so the state
  // always matches the seeds it records); a full run starts new ones.
  const values = canRefine ? prev.values : integerCosts ? new Int16Array(paddedCount) : new Float32Array(paddedCount);
  const costs = canRefine ? prev.costs : integerCosts ? new Int32Array(paddedCount) : new Float32Array(paddedCount);
  const labels = canRefine ? prev.labels : new Uint8Array(paddedCount);
  const boxSeeds = canRefine ? prev.seeds : new Uint8Array(bx * by * bz);
  const queued: number[] = [];
  const nxy = nx * ny;
  let maxStep = canRefine ? prev.maxStep : 0;

  /**
   * Each row of the box: its first voxel in the volume (`src`), in the padded layout (`dst`)
   * and in the box's own layout (`s`); the row is `bx` voxels long in all three.
   */
  const forEachRow = (row: (src: number, dst: number, s: number) => void): void => {
    for (let k = 0, s = 0; k < bz; k++) {
      for (let j = 0; j < by; j++, s += bx) row(min[0] + (min[1] + j) * nx + (min[2] + k) * nxy, 1 + (j + 1) * px + (k + 1) * pxy, s);
    }
  };

  if (canRefine) {
    // Only the added seed voxels start a search.
    forEachRow((src, dst, s) => {
      for (let i = 0; i < bx; i++) {
        const seed = seeds[src + i];
        if (seed === 0 || boxSeeds[s + i] !== 0) continue;
        boxSeeds[s + i] = seed;
        costs[dst + i] = 0;
        labels[dst + i] = seed;
        queued.push(dst + i);
      }
    });
  } else {
    // Copy values and seeds into box layouts; set up costs and the initial queue.
    costs.fill(integerCosts ? -1 : -Infinity);
    const unreached = integerCosts ? UNREACHED : Infinity;
    let minValue = Infinity;
    let maxValue = -Infinity;
    forEachRow((src, dst, s) => {
      let lo = minValue; // locals in the voxel loop, not the closure's variables
      let hi = maxValue;
      for (let i = 0; i < bx; i++) {
        const p = dst + i;
        const value = voxels[src + i];
        values[p] = value;
        if (value < lo) lo = value;
        if (value > hi) hi = value;
        const seed = seeds[src + i];
        boxSeeds[s + i] = seed;
        if (seed !== 0) {
          costs[p] = 0;
          labels[p] = seed;
          queued.push(p);
        } else {
          costs[p] = unreached;
        }
      }
      minValue = lo;
      maxValue = hi;
    });
    maxStep = maxValue - minValue + Math.max(...steps);
  }

  const strides: [number, number, number] = [1, px, pxy];
  const visitedVoxels =
    costs instanceof Int32Array
      ? dial(values as Int16Array, costs, labels, queued, strides, steps, maxStep)
      : heapSearch(values as Float32Array, costs as Float32Array, labels, queued, strides, steps);

  const out = options.into ?? new Uint8Array(nx * ny * nz);
  if (options.into) out.fill(0);
  forEachRow((volumeRow, paddedRow) => out.set(labels.subarray(paddedRow, paddedRow + bx), volumeRow));
  return {
    labels: out,
    box,
    incremental: canRefine,
    visitedVoxels,
    state: canRefine ? prev : { grid: [nx, ny, nz], spacingMm: [sx, sy, sz], box, marginFraction, minMarginVoxels, distancePenaltyPerMm: penalty, maxStep, values, costs, labels, seeds: boxSeeds },
  };
}

/** Cost of a voxel no seed has reached yet, in the integer search. */
const UNREACHED = 0x7fffffff;

/**
 * Dial's algorithm: Dijkstra with integer step costs ≤ `maxStep` and a circular array of
 * maxStep + 1 buckets (every queued cost lies in [current, current + maxStep]). Each bucket is
 * a FIFO list of entries in typed arrays, recycled through a free list; FIFO makes equal-cost
 * ties go to the seed fewest steps away (flat regions split like a breadth-first search). A
 * voxel is queued only when its cost strictly decreases, so an entry is stale exactly when the
 * voxel's cost no longer equals the bucket's. Returns the number of voxels settled.
 */
function dial(
  values: Int16Array,
  costs: Int32Array,
  labels: Uint8Array,
  queued: readonly number[],
  strides: readonly [number, number, number],
  steps: readonly [number, number, number],
  maxStep: number,
): number {
  const bucketCount = maxStep + 1;
  const heads = new Int32Array(bucketCount).fill(-1);
  const tails = new Int32Array(bucketCount).fill(-1);
  let entryNode: Int32Array = new Int32Array(Math.max(4096, queued.length * 2));
  let entryNext: Int32Array = new Int32Array(entryNode.length);
  let capacity = entryNode.length;
  let used = 0; // entries ever allocated
  let free = -1; // free list of recycled entries
  let freeCount = 0;
  let live = 0;
  for (const p of queued) {
    if (used === capacity) {
      entryNode = grow(entryNode);
      entryNext = grow(entryNext);
      capacity = entryNode.length;
    }
    const x = used++;
    const b = costs[p] % bucketCount;
    entryNode[x] = p;
    entryNext[x] = -1;
    if (tails[b] < 0) heads[b] = x;
    else entryNext[tails[b]] = x;
    tails[b] = x;
    live++;
  }

  const offsets = Int32Array.of(-strides[0], strides[0], -strides[1], strides[1], -strides[2], strides[2]);
  const stepCosts = Int32Array.of(steps[0], steps[0], steps[1], steps[1], steps[2], steps[2]);
  let settled = 0;
  let current = 0;
  let bucket = 0;
  while (live > 0) {
    let e = heads[bucket];
    while (e < 0) {
      current++;
      if (++bucket === bucketCount) bucket = 0;
      e = heads[bucket];
    }
    const next = entryNext[e];
    heads[bucket] = next;
    if (next < 0) tails[bucket] = -1;
    entryNext[e] = free;
    free = e;
    freeCount++;
    live--;
    const v = entryNode[e];
    if (costs[v] !== current) continue; // stale: reached more cheaply since it was queued
    settled++;
    if (freeCount + capacity - used < 6) {
      // Room for six more entries, so the neighbour loop never allocates.
      entryNode = grow(entryNode);
      entryNext = grow(entryNext);
      capacity = entryNode.length;
    }
    const value = values[v];
    const label = labels[v];
    // Six face neighbours; padding voxels hold cost −1 and are never improved.
    for (let n = 0; n < 6; n++) {
      const w = v + offsets[n];
      const d = values[w] - value;
      const step = (d < 0 ? -d : d) + stepCosts[n];
      const c = current + step;
      if (c < costs[w]) {
        costs[w] = c;
        labels[w] = label;
        let b = bucket + step;
        if (b >= bucketCount) b -= bucketCount;
        let x = free;
        if (x >= 0) {
          free = entryNext[x];
          freeCount--;
        } else x = used++;
        entryNode[x] = w;
        entryNext[x] = -1;
        const t = tails[b];
        if (t < 0) heads[b] = x;
        else entryNext[t] = x;
        tails[b] = x;
        live++;
      }
    }
  }
  return settled;
}

function grow(a: Int32Array): Int32Array {
  const out = new Int32Array(a.length * 2);
  out.set(a);
  return out;
}

/** Dijkstra with a binary heap (any step costs); returns the number of voxels settled. */
function heapSearch(
  values: Float32Array,
  costs: Float32Array,
  labels: Uint8Array,
  queued: readonly number[],
  strides: readonly [number, number, number],
  steps: readonly [number, number, number],
): number {
  const heap = new CostHeap(Math.max(1024, queued.length * 2));
  for (const p of queued) heap.push(p, costs[p]);
  let settled = 0;
  const offsets = [-strides[0], strides[0], -strides[1], strides[1], -strides[2], strides[2]];
  const penalties = [steps[0], steps[0], steps[1], steps[1], steps[2], steps[2]];
  while (heap.size > 0) {
    const cost = heap.topCost();
    const v = heap.pop();
    if (cost > costs[v]) continue; // a stale entry: the voxel was reached more cheaply since
    settled++;
    const value = values[v];
    const label = labels[v];
    for (let n = 0; n < 6; n++) {
      const w = v + offsets[n];
      const step = values[w] - value;
      const c = Math.fround(cost + (step < 0 ? -step : step) + penalties[n]);
      if (c < costs[w]) {
        costs[w] = c;
        labels[w] = label;
        heap.push(w, c);
      }
    }
  }
  return settled;
}

/** A binary min-heap of (voxel, cost) pairs on growable typed arrays; duplicates allowed (lazy deletion). */
class CostHeap {
  private nodes: Int32Array;
  private keys: Float32Array;
  size = 0;

  constructor(capacity: number) {
    this.nodes = new Int32Array(capacity);
    this.keys = new Float32Array(capacity);
  }

  topCost(): number {
    return this.keys[0];
  }

  push(node: number, key: number): void {
    if (this.size === this.nodes.length) {
      const nodes = new Int32Array(this.size * 2);
      nodes.set(this.nodes);
      this.nodes = nodes;
      const keys = new Float32Array(this.size * 2);
      keys.set(this.keys);
      this.keys = keys;
    }
    const nodes = this.nodes;
    const keys = this.keys;
    const k = Math.fround(key);
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent];
      if (pk <= k) break;
      keys[i] = pk;
      nodes[i] = nodes[parent];
      i = parent;
    }
    keys[i] = k;
    nodes[i] = node;
  }

  /** Removes and returns the voxel with the least cost. */
  pop(): number {
    const nodes = this.nodes;
    const keys = this.keys;
    const top = nodes[0];
    const n = --this.size;
    if (n === 0) return top;
    const k = keys[n];
    const node = nodes[n];
    let i = 0;
    while (true) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ck = keys[c];
      const r = c + 1;
      if (r < n && keys[r] < ck) {
        c = r;
        ck = keys[r];
      }
      if (ck >= k) break;
      keys[i] = ck;
      nodes[i] = nodes[c];
      i = c;
    }
    keys[i] = k;
    nodes[i] = node;
    return top;
  }
}

function seedBounds(seeds: Uint8Array, dims: readonly [number, number, number]): { min: number[]; max: number[]; labelCount: number } | undefined {
  const [nx, ny] = dims;
  const nxy = nx * ny;
  const present = new Uint8Array(256);
  const min = [Infinity, Infinity, Infinity];
  const max = [-1, -1, -1];
  const visit = (v: number): void => {
    const s = seeds[v];
    if (s === 0) return;
    present[s] = 1;
    const k = Math.floor(v / nxy);
    const j = Math.floor((v - k * nxy) / nx);
    const i = v - k * nxy - j * nx;
    if (i < min[0]) min[0] = i;
    if (i > max[0]) max[0] = i;
    if (j < min[1]) min[1] = j;
    if (j > max[1]) max[1] = j;
    if (k < min[2]) min[2] = k;
    if (k > max[2]) max[2] = k;
  };
  // Seeds are sparse: skip zeros four at a time.
  const head = Math.min(seeds.length, (4 - (seeds.byteOffset & 3)) & 3);
  const words = new Uint32Array(seeds.buffer, seeds.byteOffset + head, (seeds.length - head) >> 2);
  for (let v = 0; v < head; v++) visit(v);
  for (let w = 0; w < words.length; w++) {
    if (words[w] === 0) continue;
    const v = head + 4 * w;
    visit(v);
    visit(v + 1);
    visit(v + 2);
    visit(v + 3);
  }
  for (let v = head + 4 * words.length; v < seeds.length; v++) visit(v);
  if (max[0] < 0) return undefined;
  let labelCount = 0;
  for (let l = 1; l < 256; l++) labelCount += present[l];
  return { min, max: [max[0] + 1, max[1] + 1, max[2] + 1], labelCount };
}

const sameBox = (a: VoxelBox, b: VoxelBox): boolean => a.min.every((x, i) => x === b.min[i]) && a.max.every((x, i) => x === b.max[i]);

/** True when every seed in `old` (box layout) still holds its label in `seeds` (grid layout). */
function seedsOnlyAdded(old: Uint8Array, seeds: Uint8Array, box: VoxelBox, dims: readonly [number, number, number]): boolean {
  const [nx, ny] = dims;
  let s = 0;
  for (let k = box.min[2]; k < box.max[2]; k++) {
    for (let j = box.min[1]; j < box.max[1]; j++) {
      const row = j * nx + k * nx * ny;
      for (let i = box.min[0]; i < box.max[0]; i++, s++) if (old[s] !== 0 && old[s] !== seeds[row + i]) return false;
    }
  }
  return true;
}
