import { boundingBox, checkGrid, gridVoxels, type LabelGrid } from './grid';

/**
 * Exact Euclidean distance transforms on anisotropic grids, in millimetres.
 *
 * Distances are between voxel centres: voxel (i, j, k) sits at (i·sx, j·sy, k·sz) mm, so two
 * face neighbours along k are `sz` apart. The transform is separable (Felzenszwalb &
 * Huttenlocher, "Distance Transforms of Sampled Functions", the lower envelope of parabolas):
 * a binary pass along one axis, then one lower-envelope pass per remaining axis with that
 * axis's spacing. It is exact, not a chamfer approximation.
 *
 * Speed comes from caps: when only distances up to `maxMm` matter (margins, hollowing,
 * opening and closing), work is confined to the mask's bounding box padded by the cap, and
 * everything farther is reported as `Infinity`.
 */

/**
 * Comparisons "distance ≤ r" use r² enlarged by this relative tolerance, so a voxel lying
 * exactly on the sphere (e.g. 2.5 mm from the mask on a 0.5 mm grid) counts as inside whatever
 * order the squared terms were summed in.
 */
export const DISTANCE_TOLERANCE = 1e-9;

/** r² with the tolerance above: the limit a squared distance is compared with. */
export const squaredLimit = (rMm: number): number => rMm * rMm * (1 + DISTANCE_TOLERANCE) + 1e-12;

/** Throws unless `mm` is a finite, non-negative number of millimetres. */
export function checkMm(mm: number, what: string): void {
  if (typeof mm !== 'number' || !Number.isFinite(mm) || mm < 0) throw new Error(`${what} must be a finite distance ≥ 0 mm, got ${mm}`);
}

/** Throws unless the grid has positive integer dimensions and positive finite spacing. */
export function checkSpacing(grid: LabelGrid): void {
  for (let a = 0; a < 3; a++) {
    const n = grid.dimensions[a];
    const s = grid.spacingMm[a];
    if (!Number.isInteger(n) || n < 1) throw new Error(`grid dimension ${a} must be a positive integer, got ${n}`);
    if (!Number.isFinite(s) || s <= 0) throw new Error(`grid spacing ${a} must be a positive number of mm, got ${s}`);
  }
}

/** Voxels along each axis that fit within r mm: ⌊r / s⌋ with the same tolerance as the distance test. */
export function reachVoxels(grid: LabelGrid, rMm: number): [number, number, number] {
  const lim = squaredLimit(rMm);
  return [0, 1, 2].map((a) => {
    const s = grid.spacingMm[a];
    let n = Math.floor(rMm / s);
    while ((n + 1) * (n + 1) * s * s <= lim) n++;
    while (n > 0 && n * n * s * s > lim) n--;
    return n;
  }) as [number, number, number];
}

export interface DistanceOptions {
  /**
   * Only distances up to this many mm are needed; farther voxels get `Infinity`. Confines the
   * work to the sources' bounding box padded by this distance.
   */
  readonly maxMm?: number;
}

/**
 * Squared distance in mm² from every voxel centre to the nearest voxel with `mask[v] !== 0`
 * (0 on the mask). `Infinity` where there is no mask voxel within `maxMm` (everywhere when the
 * mask is empty). Voxels beyond the grid are not part of the mask.
 *
 * This stores the whole field (4 bytes per voxel) and makes three passes over the box, the
 * last two gathering columns; effects that only compare distances with a radius (margins,
 * hollowing, opening, closing) use `withinDistance` (within.ts), which never stores it.
 */
export function squaredDistanceMm(mask: Uint8Array, grid: LabelGrid, options: DistanceOptions = {}): Float32Array {
  checkGrid(mask, grid);
  checkSpacing(grid);
  const { maxMm } = options;
  if (maxMm !== undefined) checkMm(maxMm, 'maxMm');
  const out = new Float32Array(gridVoxels(grid)).fill(Infinity);
  const bbox = boundingBox(mask, grid);
  if (!bbox) return out;
  const [nx, ny, nz] = grid.dimensions;
  const [sx, sy, sz] = grid.spacingMm;
  const reach = maxMm === undefined ? [nx, ny, nz] : reachVoxels(grid, maxMm);
  const limit = maxMm === undefined ? Infinity : squaredLimit(maxMm);
  const lo = [0, 1, 2].map((a) => Math.max(0, bbox.min[a] - reach[a]));
  const hi = [0, 1, 2].map((a) => Math.min(grid.dimensions[a], bbox.max[a] + reach[a]));
  const nxy = nx * ny;
  const longest = Math.max(nx, ny, nz) + 2;
  const f = new Float64Array(longest);
  const d = new Float64Array(longest);
  const env = new Envelope(longest);

  // Pass 1 (x): distance along the row to the nearest mask voxel of the row.
  for (let k = lo[2]; k < hi[2]; k++) {
    for (let j = lo[1]; j < hi[1]; j++) {
      const row = j * nx + k * nxy;
      let last = -Infinity;
      for (let i = lo[0]; i < hi[0]; i++) {
        if (mask[row + i] !== 0) last = i;
        d[i] = i - last;
      }
      last = Infinity;
      for (let i = hi[0] - 1; i >= lo[0]; i--) {
        if (mask[row + i] !== 0) last = i;
        const g = Math.min(d[i], last - i) * sx;
        const g2 = g * g;
        out[row + i] = g2 <= limit ? g2 : Infinity;
      }
    }
  }
  // Pass 2 (y) and 3 (z): lower envelope of parabolas along each column.
  for (let k = lo[2]; k < hi[2]; k++) {
    for (let i = lo[0]; i < hi[0]; i++) {
      const base = i + k * nxy;
      const n = hi[1] - lo[1];
      for (let t = 0; t < n; t++) f[t] = out[base + (lo[1] + t) * nx];
      env.transform(f, n, sy, limit, d);
      for (let t = 0; t < n; t++) out[base + (lo[1] + t) * nx] = d[t];
    }
  }
  for (let j = lo[1]; j < hi[1]; j++) {
    for (let i = lo[0]; i < hi[0]; i++) {
      const base = i + j * nx;
      const n = hi[2] - lo[2];
      for (let t = 0; t < n; t++) f[t] = out[base + (lo[2] + t) * nxy];
      env.transform(f, n, sz, limit, d);
      for (let t = 0; t < n; t++) out[base + (lo[2] + t) * nxy] = d[t];
    }
  }
  return out;
}

/**
 * Signed distance in mm, voxel centre to voxel centre: outside the mask the distance to the
 * nearest mask voxel (> 0), inside minus the distance to the nearest voxel outside the mask
 * (< 0, so a mask voxel touching the outside along k is −sz). Never 0. Voxels beyond the grid
 * count as neither. Values beyond ±maxMm (when given) are ±Infinity.
 */
export function signedDistanceMm(mask: Uint8Array, grid: LabelGrid, options: DistanceOptions = {}): Float32Array {
  checkGrid(mask, grid);
  const outside = squaredDistanceMm(mask, grid, options);
  const inverse = new Uint8Array(mask.length);
  for (let v = 0; v < mask.length; v++) inverse[v] = mask[v] === 0 ? 1 : 0;
  const inside = squaredDistanceMm(inverse, grid, options);
  for (let v = 0; v < mask.length; v++) outside[v] = mask[v] !== 0 ? -Math.sqrt(inside[v]) : Math.sqrt(outside[v]);
  return outside;
}

/**
 * The 1-D lower envelope of parabolas y = (x − q)²·s² + f(q) over sites q
 * (Felzenszwalb & Huttenlocher). Buffers are reused between lines.
 */
export class Envelope {
  /** Site positions of the envelope's parabolas, left to right (may be virtual, outside 0..n−1). */
  v: Int32Array;
  /** Their values f in mm². */
  fv: Float64Array;
  /** Their values in voxel² units along this axis (f / s²). */
  private hv: Float64Array;
  /** Parabola q rules x in [z[q], z[q+1]]. */
  z: Float64Array;
  count = 0;

  constructor(capacity: number) {
    this.v = new Int32Array(capacity + 2);
    this.fv = new Float64Array(capacity + 2);
    this.hv = new Float64Array(capacity + 2);
    this.z = new Float64Array(capacity + 3);
  }

  /** Makes room for lines of n sites plus two virtual ones. */
  ensure(n: number): void {
    if (this.v.length >= n + 2) return;
    this.v = new Int32Array(n + 2);
    this.fv = new Float64Array(n + 2);
    this.hv = new Float64Array(n + 2);
    this.z = new Float64Array(n + 3);
  }

  /** Starts a new line. */
  reset(): void {
    this.count = 0;
  }

  /** Adds a site; positions must strictly increase between calls of a line. `h` is f / s². */
  push(q: number, h: number, fMm2: number): void {
    const { v, fv, hv, z } = this;
    let k = this.count - 1;
    if (k < 0) {
      v[0] = q;
      fv[0] = fMm2;
      hv[0] = h;
      z[0] = -Infinity;
      z[1] = Infinity;
      this.count = 1;
      return;
    }
    const hq = h + q * q;
    let p = v[k];
    let s = (hq - (hv[k] + p * p)) / (2 * (q - p));
    // z[0] is −∞, so this stops at k = 0 at the latest.
    while (s <= z[k]) {
      k--;
      p = v[k];
      s = (hq - (hv[k] + p * p)) / (2 * (q - p));
    }
    k++;
    v[k] = q;
    fv[k] = fMm2;
    hv[k] = h;
    z[k] = s;
    z[k + 1] = Infinity;
    this.count = k + 1;
  }

  /**
   * Whole-line transform: out[x] = min over sites q with finite f[q] of (x − q)²s² + f[q], or
   * Infinity when that exceeds `limit` or there are no sites.
   */
  transform(f: Float64Array, n: number, s: number, limit: number, out: Float64Array): void {
    this.ensure(n);
    this.reset();
    const inv = 1 / (s * s);
    for (let q = 0; q < n; q++) {
      const fq = f[q];
      if (fq !== Infinity) this.push(q, fq * inv, fq);
    }
    if (this.count === 0) {
      out.fill(Infinity, 0, n);
      return;
    }
    const { v, fv, z } = this;
    let k = 0;
    const s2 = s * s;
    for (let x = 0; x < n; x++) {
      while (z[k + 1] < x) k++;
      const dx = x - v[k];
      const val = dx * dx * s2 + fv[k];
      out[x] = val <= limit ? val : Infinity;
    }
  }
}
