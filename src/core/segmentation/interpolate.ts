import { checkGrid, type LabelGrid } from './grid';

/** A slicing axis: 0 = i (sagittal slices of an axial series), 1 = j, 2 = k (the acquired slices). */
export type SliceAxis = 0 | 1 | 2;

export interface FillBetweenSlicesOptions {
  /** The axis the user segmented slices along. */
  readonly axis: SliceAxis;
  /** Only these labels are interpolated (default: every label present). */
  readonly labels?: readonly number[];
  /**
   * Write the result here instead of a new array; it may be the input labelmap itself (the
   * fill then happens in place, which is safe: only voxels that were 0 are written).
   */
  readonly into?: Uint8Array;
}

export interface FillBetweenSlicesResult {
  /** The input plus the filled voxels: a new labelmap, or `options.into`. */
  readonly labels: Uint8Array;
  /** Voxels that were 0 and now hold a label. */
  readonly filledVoxels: number;
  /** Per filled label, the slice indices (along the axis) that were filled. */
  readonly filledSlices: ReadonlyMap<number, readonly number[]>;
}

/**
 * "Fill between slices": shape-based interpolation of the slices in between segmented ones.
 *
 * Per label, a slice (along `axis`) is *segmented* when it holds at least one voxel of that
 * label. For every two consecutive segmented slices s0 < s1 with empty slices between them,
 * each slice t strictly between gets the zero level set of the linearly interpolated 2D
 * signed distance maps of the label on s0 and s1:
 *
 *     d(p) = (1 − α)·d0(p) + α·d1(p),  α = (t − s0)/(s1 − s0),  filled where d(p) ≤ 0
 *
 * (ties, d = 0, count as inside, so a shape shifting by an odd number of voxels stays
 * connected). d is the exact in-plane Euclidean distance in millimetres (the two in-plane
 * spacings, so anisotropic pixels are respected): for a pixel outside the label the distance
 * to the nearest label pixel centre, for a pixel inside minus the distance to the nearest
 * non-label pixel centre. Slices before the first or after the last segmented slice stay
 * empty. Only voxels that are 0 in the input are filled (other segments are never
 * overwritten); where two labels' interpolations claim the same voxel, the deeper one (lower d)
 * wins. The interpolated shape is always within the union of the two key shapes' bounding
 * boxes, so the work is proportional to the segmented area, not the slice size. Each key
 * slice's distance map is computed once (shared by the gaps on both sides); along i, whose
 * slices are strided in memory, the volume is walked in row order instead of slice by slice.
 * On large volumes pass `into` (the input itself for an in-place fill) to skip allocating and
 * copying a whole labelmap.
 *
 * Like any distance-based interpolation, the shapes must overlap between key slices: a shape
 * that moves by more than about half its radius per slice thins in between (and disjoint keys
 * give nothing mid-way); the user then adds a key slice there.
 */
export function fillBetweenSlices(labels: Uint8Array, grid: LabelGrid, options: FillBetweenSlicesOptions): FillBetweenSlicesResult {
  checkGrid(labels, grid, 'labelmap');
  const { axis } = options;
  if (axis !== 0 && axis !== 1 && axis !== 2) throw new Error(`fillBetweenSlices: axis must be 0, 1 or 2, got ${String(axis)}`);
  const [nx, ny, nz] = grid.dimensions;
  const nxy = nx * ny;
  // Slice t along the axis is the 2D image (u, v) ↦ base(t) + u·strideU + v·strideV.
  const layout = [
    { count: nx, strideT: 1, nu: ny, strideU: nx, nv: nz, strideV: nxy, su: grid.spacingMm[1], sv: grid.spacingMm[2] },
    { count: ny, strideT: nx, nu: nx, strideU: 1, nv: nz, strideV: nxy, su: grid.spacingMm[0], sv: grid.spacingMm[2] },
    { count: nz, strideT: nxy, nu: nx, strideU: 1, nv: ny, strideV: nx, su: grid.spacingMm[0], sv: grid.spacingMm[1] },
  ][axis];
  const { count, strideT, nu, strideU, nv, strideV, su, sv } = layout;

  // Per label and slice: the bounding box (u0, v0, u1, v1 inclusive) of the label on that slice.
  const boxes = sliceBoxes(labels, grid.dimensions, axis, count);
  const wanted = options.labels ? new Set(options.labels) : undefined;
  const plans: LabelPlan[] = [];
  for (const [label, box] of boxes) {
    if (wanted && !wanted.has(label)) continue;
    const keys: number[] = [];
    for (let t = 0; t < count; t++) if (box[4 * t + 2] >= 0) keys.push(t);
    // Each key slice's signed distance is computed once, in a window holding its own shape and
    // its neighbouring keys' shapes, padded by one pixel: inside any window that contains a
    // shape with a one-pixel margin, both distances to it are exact (the nearest non-label
    // pixel of a point is never farther than the window's border ring), so both gaps next to
    // the key can read it.
    const windows = keys.map((_, g) => {
      let u0 = Infinity;
      let v0 = Infinity;
      let u1 = -1;
      let v1 = -1;
      for (let n = Math.max(0, g - 1); n <= Math.min(keys.length - 1, g + 1); n++) {
        const o = 4 * keys[n];
        u0 = Math.min(u0, box[o]);
        v0 = Math.min(v0, box[o + 1]);
        u1 = Math.max(u1, box[o + 2]);
        v1 = Math.max(v1, box[o + 3]);
      }
      u0 = Math.max(0, u0 - 1);
      v0 = Math.max(0, v0 - 1);
      u1 = Math.min(nu - 1, u1 + 1);
      v1 = Math.min(nv - 1, v1 + 1);
      return { u0, v0, w: u1 - u0 + 1, h: v1 - v0 + 1 };
    });
    const gaps: Gap[] = [];
    for (let g = 1; g < keys.length; g++) {
      const s0 = keys[g - 1];
      const s1 = keys[g];
      if (s1 - s0 < 2) continue;
      // The interpolated shape lies within the union of the two keys' shapes (d ≤ 0 needs d0 ≤ 0 or d1 ≤ 0).
      const u0 = Math.min(box[4 * s0], box[4 * s1]);
      const v0 = Math.min(box[4 * s0 + 1], box[4 * s1 + 1]);
      const u1 = Math.max(box[4 * s0 + 2], box[4 * s1 + 2]);
      const v1 = Math.max(box[4 * s0 + 3], box[4 * s1 + 3]);
      gaps.push({ s0, s1, key0: g - 1, u0, v0, w: u1 - u0 + 1, h: v1 - v0 + 1 });
    }
    if (gaps.length) plans.push({ label, keys, windows, gaps, next: 0, cache: [] });
  }

  const out = options.into ?? labels.slice();
  if (options.into) {
    checkGrid(out, grid, 'output labelmap');
    if (out !== labels) out.set(labels);
  }
  let filledVoxels = 0;
  const filledSlices = new Map<number, number[]>();
  if (plans.length === 0) return { labels: out, filledVoxels, filledSlices };

  // Per target slice: which pixels a fill claimed (stamp = slice), and how deep (for conflicts).
  const best = new Float32Array(nu * nv);
  const stamp = new Int32Array(nu * nv).fill(-1);
  const edt = new Edt2d(Math.max(nu, nv));
  const tol = 1e-5 * Math.min(su, sv);
  const keyDistance = (plan: LabelPlan, g: number): KeyDistance => {
    let cached = plan.cache.find((c) => c.key === g);
    if (!cached) {
      const { u0, v0, w, h } = plan.windows[g];
      const d = signedDistance(labels, plan.label, plan.keys[g] * strideT + u0 * strideU + v0 * strideV, strideU, strideV, w, h, su, sv, edt);
      cached = { key: g, d, u0, v0, w };
      plan.cache = axis === 0 ? [...plan.cache, cached] : [...plan.cache.filter((c) => c.key >= g - 1), cached];
    }
    return cached;
  };

  if (axis === 0) {
    // Slices along i are strided by nx in memory: walk the volume in row order instead (each
    // image row crosses every i-slice), with every needed key's distances computed up front.
    const keyD = plans.map((plan) => {
      const need = new Set(plan.gaps.flatMap((g) => [g.key0, g.key0 + 1]));
      return plan.keys.map((_, g) => (need.has(g) ? keyDistance(plan, g) : undefined));
    });
    const flags = plans.map(() => new Uint8Array(count));
    const bestRow = new Float32Array(nx);
    const stampRow = new Int32Array(nx).fill(-1);
    let rowId = 0;
    for (let v = 0; v < nv; v++) {
      for (let u = 0; u < nu; u++, rowId++) {
        const row = u * strideU + v * strideV;
        for (let q = 0; q < plans.length; q++) {
          const plan = plans[q];
          for (const gap of plan.gaps) {
            if (u < gap.u0 || u >= gap.u0 + gap.w || v < gap.v0 || v >= gap.v0 + gap.h) continue;
            const k0 = keyD[q][gap.key0] as KeyDistance;
            const k1 = keyD[q][gap.key0 + 1] as KeyDistance;
            const a = k0.d[u - k0.u0 + (v - k0.v0) * k0.w];
            const b = k1.d[u - k1.u0 + (v - k1.v0) * k1.w];
            if (a > tol && b > tol) continue; // outside both keys: outside every blend
            const { s0, s1 } = gap;
            for (let t = s0 + 1; t < s1; t++) {
              const alpha = (t - s0) / (s1 - s0);
              const d = (1 - alpha) * a + alpha * b;
              if (d > tol) continue;
              const voxel = row + t;
              if (stampRow[t] === rowId) {
                if (d >= bestRow[t]) continue;
              } else {
                if (labels[voxel] !== 0) continue;
                stampRow[t] = rowId;
                filledVoxels++;
              }
              bestRow[t] = d;
              out[voxel] = plan.label;
              flags[q][t] = 1;
            }
          }
        }
      }
    }
    plans.forEach((plan, q) => {
      const list: number[] = [];
      flags[q].forEach((f, t) => f && list.push(t));
      if (list.length) filledSlices.set(plan.label, list);
    });
    return { labels: out, filledVoxels, filledSlices };
  }

  for (let t = 0; t < count; t++) {
    for (const plan of plans) {
      while (plan.next < plan.gaps.length && plan.gaps[plan.next].s1 <= t) plan.next++;
      const gap = plan.gaps[plan.next];
      if (!gap || t <= gap.s0) continue;
      const { s0, s1, u0, v0, w, h } = gap;
      const k0 = keyDistance(plan, gap.key0);
      const k1 = keyDistance(plan, gap.key0 + 1);
      const d0 = k0.d;
      const d1 = k1.d;
      const alpha = (t - s0) / (s1 - s0);
      const beta = 1 - alpha;
      let any = false;
      for (let y = 0; y < h; y++) {
        const row = t * strideT + u0 * strideU + (v0 + y) * strideV;
        const pixRow = u0 + (v0 + y) * nu;
        const p0 = u0 - k0.u0 + (v0 + y - k0.v0) * k0.w;
        const p1 = u0 - k1.u0 + (v0 + y - k1.v0) * k1.w;
        for (let x = 0; x < w; x++) {
          const d = beta * d0[p0 + x] + alpha * d1[p1 + x];
          if (d > tol) continue;
          const voxel = row + x * strideU;
          const pix = pixRow + x;
          if (stamp[pix] === t) {
            if (d >= best[pix]) continue; // another label claimed it more deeply
          } else {
            if (labels[voxel] !== 0) continue; // never overwrite a segmented voxel
            stamp[pix] = t;
            filledVoxels++;
          }
          best[pix] = d;
          out[voxel] = plan.label;
          any = true;
        }
      }
      if (any) {
        const list = filledSlices.get(plan.label) ?? [];
        list.push(t);
        filledSlices.set(plan.label, list);
      }
    }
  }
  return { labels: out, filledVoxels, filledSlices };
}

interface Gap {
  readonly s0: number;
  readonly s1: number;
  /** Index of s0 in the label's key list. */
  readonly key0: number;
  /** The 2D window (union of both key boxes) the interpolation may fill. */
  readonly u0: number;
  readonly v0: number;
  readonly w: number;
  readonly h: number;
}

interface KeyDistance {
  readonly key: number;
  readonly d: Float32Array;
  readonly u0: number;
  readonly v0: number;
  readonly w: number;
}

interface LabelPlan {
  readonly label: number;
  /** Key (segmented) slices, ascending. */
  readonly keys: readonly number[];
  /** Per key: the window its signed distance is computed in. */
  readonly windows: readonly { readonly u0: number; readonly v0: number; readonly w: number; readonly h: number }[];
  readonly gaps: readonly Gap[];
  next: number;
  /** Signed distances of the keys in use (at most the two of the current gap and one before). */
  cache: KeyDistance[];
}

/** Per present label, an Int32Array of 4 per slice: u0, v0, u1, v1 (inclusive; u1 = −1 when absent). */
function sliceBoxes(labels: Uint8Array, dims: readonly [number, number, number], axis: SliceAxis, count: number): Map<number, Int32Array> {
  const [nx, ny, nz] = dims;
  const byLabel: (Int32Array | undefined)[] = new Array(256);
  // Labelmaps are mostly 0: rows are scanned four voxels at a time when aligned.
  const aligned = nx % 4 === 0 && labels.byteOffset % 4 === 0;
  const words = aligned ? new Uint32Array(labels.buffer, labels.byteOffset, labels.length >> 2) : undefined;
  const visit = (l: number, i: number, j: number, k: number): void => {
    let box = byLabel[l];
    if (!box) {
      box = new Int32Array(4 * count);
      for (let t = 0; t < count; t++) box.set([0x7fffffff, 0x7fffffff, -1, -1], 4 * t);
      byLabel[l] = box;
    }
    const o = 4 * (axis === 0 ? i : axis === 1 ? j : k);
    const u = axis === 0 ? j : i;
    const w = axis === 2 ? j : k;
    if (u < box[o]) box[o] = u;
    if (w < box[o + 1]) box[o + 1] = w;
    if (u > box[o + 2]) box[o + 2] = u;
    if (w > box[o + 3]) box[o + 3] = w;
  };
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = j * nx + k * nx * ny;
      if (words) {
        const w0 = row >> 2;
        for (let q = 0; q < nx >> 2; q++) {
          if (words[w0 + q] === 0) continue;
          for (let i = 4 * q; i < 4 * q + 4; i++) {
            const l = labels[row + i];
            if (l !== 0) visit(l, i, j, k);
          }
        }
      } else {
        for (let i = 0; i < nx; i++) {
          const l = labels[row + i];
          if (l !== 0) visit(l, i, j, k);
        }
      }
    }
  }
  const boxes = new Map<number, Int32Array>();
  for (let l = 1; l < 256; l++) {
    const box = byLabel[l];
    if (box) boxes.set(l, box);
  }
  return boxes;
}

/**
 * The signed distance map (mm) of `label` in a w × h window of one slice: outside the label the
 * distance to the nearest label pixel centre, inside minus the distance to the nearest other pixel.
 */
function signedDistance(
  labels: Uint8Array,
  label: number,
  base: number,
  strideU: number,
  strideV: number,
  w: number,
  h: number,
  su: number,
  sv: number,
  edt: Edt2d,
): Float32Array {
  const n = w * h;
  const inside = new Uint8Array(n);
  for (let y = 0; y < h; y++) {
    const row = base + y * strideV;
    for (let x = 0; x < w; x++) inside[y * w + x] = labels[row + x * strideU] === label ? 1 : 0;
  }
  const toInside = edt.squared(inside, 1, w, h, su, sv);
  const toOutside = edt.squared(inside, 0, w, h, su, sv);
  const out = new Float32Array(n);
  for (let p = 0; p < n; p++) out[p] = inside[p] ? -Math.sqrt(toOutside[p]) : Math.sqrt(toInside[p]);
  return out;
}

/**
 * Exact 2D squared Euclidean distance transform with per-axis spacing (Felzenszwalb &
 * Huttenlocher's lower envelope of parabolas, one pass per axis). Distances to pixels whose
 * value equals `feature`; Infinity when there are none.
 */
class Edt2d {
  private readonly f: Float64Array;
  private readonly d: Float64Array;
  private readonly vIdx: Int32Array;
  private readonly z: Float64Array;

  constructor(maxLength: number) {
    this.f = new Float64Array(maxLength);
    this.d = new Float64Array(maxLength);
    this.vIdx = new Int32Array(maxLength);
    this.z = new Float64Array(maxLength + 1);
  }

  squared(image: Uint8Array, feature: number, w: number, h: number, su: number, sv: number): Float64Array {
    const grid = new Float64Array(w * h);
    for (let p = 0; p < w * h; p++) grid[p] = image[p] === feature ? 0 : Infinity;
    const { f, d } = this;
    // Along u (rows), then along v (columns) on the row results.
    for (let y = 0; y < h; y++) {
      const o = y * w;
      for (let x = 0; x < w; x++) f[x] = grid[o + x];
      this.transform1d(w, su * su);
      for (let x = 0; x < w; x++) grid[o + x] = d[x];
    }
    for (let x = 0; x < w; x++) {
      for (let y = 0; y < h; y++) f[y] = grid[y * w + x];
      this.transform1d(h, sv * sv);
      for (let y = 0; y < h; y++) grid[y * w + x] = d[y];
    }
    return grid;
  }

  /** d[q] = min over p of (f[p] + s2·(q − p)²) for q < n; parabolas with f = Infinity are skipped. */
  private transform1d(n: number, s2: number): void {
    const { f, d, vIdx: v, z } = this;
    let k = -1;
    for (let q = 0; q < n; q++) {
      const fq = f[q];
      if (fq === Infinity) continue;
      const hq = fq + s2 * q * q;
      let s = -Infinity;
      while (k >= 0) {
        const p = v[k];
        s = (hq - (f[p] + s2 * p * p)) / (2 * s2 * (q - p));
        if (s > z[k]) break;
        k--;
      }
      k++;
      v[k] = q;
      z[k] = k === 0 ? -Infinity : s;
    }
    if (k < 0) {
      d.fill(Infinity, 0, n);
      return;
    }
    let j = 0;
    for (let q = 0; q < n; q++) {
      while (j < k && z[j + 1] < q) j++;
      const p = v[j];
      d[q] = f[p] + s2 * (q - p) * (q - p);
    }
  }
}
