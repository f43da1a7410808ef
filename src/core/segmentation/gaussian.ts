import { checkMm, checkSpacing } from './distance';
import { boundingBox, checkGrid, outputMask, padBox, type LabelGrid, type VoxelBox } from './grid';

/**
 * Gaussian smoothing (σ in mm on the anisotropic grid, thresholded at one half) of one mask, and
 * joint smoothing of every segment of a labelmap at once. Work is confined to the bounding box
 * of the non-zero voxels padded by the kernel; outside it nothing can change.
 */

/** A normalised, truncated Gaussian (radius ⌈3σ / s⌉ voxels) sampled at voxel steps of `s` mm. */
export function gaussianKernel(sigmaMm: number, s: number): Float64Array {
  const r = Math.max(1, Math.ceil((3 * sigmaMm) / s));
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let d = -r; d <= r; d++) {
    const x = d * s;
    k[d + r] = Math.exp(-(x * x) / (2 * sigmaMm * sigmaMm));
    sum += k[d + r];
  }
  for (let d = 0; d < k.length; d++) k[d] /= sum;
  return k;
}

/** The bounding box of voxels equal to `label` (any non-zero voxel when label < 0). */
function labelBox(labels: Uint8Array, grid: LabelGrid, label: number): VoxelBox | undefined {
  return label < 0 ? boundingBox(labels, grid) : boundingBox(labels, grid, label);
}

/**
 * Receives each smoothed slice: values for the box's rows, `bx` per row; `rowNZ[j]` is 0 when
 * row j is known to be all zeros.
 */
type SliceSink = (k: number, values: Float32Array, lo: readonly number[], hi: readonly number[], rowNZ: Uint8Array) => void;

/**
 * Separable Gaussian of the indicator of `label` (non-zero voxels when label < 0), slice by
 * slice over the indicator's box padded by the kernel. Beyond the grid the edge voxel repeats.
 * Along i the indicator is binary, so each run contributes through the kernel's cumulative sum;
 * along j and k, voxels whose whole window holds one value are copied instead of convolved.
 * With `halfOnly` the sink only needs to know whether values are ≥ 0.5: along k, a window
 * entirely on one side of 0.5 is not convolved (a weighted mean stays on that side) and the
 * centre value, on the same side, is passed instead.
 */
function gaussianSlices(labels: Uint8Array, grid: LabelGrid, label: number, sigmaMm: number, sink: SliceSink, halfOnly = false): void {
  const box = labelBox(labels, grid, label);
  if (!box) return;
  const [nx, ny] = grid.dimensions;
  const nxy = nx * ny;
  const K = [0, 1, 2].map((a) => gaussianKernel(sigmaMm, grid.spacingMm[a]));
  const R = K.map((k) => (k.length - 1) >> 1);
  const { lo, hi } = padBox(box, [R[0] + 1, R[1] + 1, R[2] + 1], grid);
  const [x0, y0, z0] = lo;
  const bx = hi[0] - x0;
  const by = hi[1] - y0;
  const bz = hi[2] - z0;
  const plane = bx * by;
  const [rx, ry, rz] = R;
  const [kx, ky, kz] = K;
  // cum[t + rx + 1] = sum of kx[d + rx] for d ≤ t, t in −rx − 1 .. rx.
  const cum = new Float64Array(2 * rx + 2);
  for (let t = 0; t < 2 * rx + 1; t++) cum[t + 1] = cum[t] + kx[t];
  const total = cum[2 * rx + 1];
  const cumAt = (t: number): number => (t <= -rx - 1 ? 0 : t >= rx ? total : cum[t + rx + 1]);
  const openLeft = x0 === 0;
  const openRight = hi[0] === nx;

  const X = new Float32Array(plane);
  const ringN = 2 * rz + 1;
  const ring = new Float32Array(ringN * plane);
  const Z = new Float32Array(plane);
  const lastY = new Int32Array(bx);
  const lastZ = new Int32Array(plane);
  const offZ = new Int32Array(2 * rz + 1);
  const any = label < 0;
  // Rows known to be all zeros: xAny per row of X (the slice held voxels in it); ringNZ per ring
  // row (some row within ry had voxels); zNZ per row of Z (some ring row it reads is not zero).
  const xAny = new Uint8Array(by);
  const ringNZ = new Uint8Array(ringN * by);
  const zNZ = new Uint8Array(by);

  /** Slice t of the box (local index), smoothed along i and j, into its ring slot. */
  const smoothIJ = (t: number): void => {
    const k = z0 + t;
    X.fill(0);
    for (let j = 0; j < by; j++) {
      const m = x0 + (y0 + j) * nx + k * nxy;
      const o = j * bx;
      let i = 0;
      xAny[j] = 0;
      while (i < bx) {
        while (i < bx && (any ? labels[m + i] === 0 : labels[m + i] !== label)) i++;
        if (i === bx) break;
        xAny[j] = 1;
        const a = i;
        while (i < bx && (any ? labels[m + i] !== 0 : labels[m + i] === label)) i++;
        const b = i - 1;
        const aInf = a === 0 && openLeft;
        const bInf = b === bx - 1 && openRight;
        const from = Math.max(a - rx, 0);
        const to = Math.min(b + rx, bx - 1);
        for (let p = from; p <= to; p++) X[o + p] += (aInf ? total : cumAt(p - a)) - (bInf ? 0 : cumAt(p - b - 1));
      }
    }
    // Along j: rows are the planes; windows of one value are copied.
    const dst = (((z0 + t) % ringN) * plane) | 0;
    const rowBase = ((z0 + t) % ringN) * by;
    let held = 0; // rows with voxels among [jj − ry, jj + ry]
    for (let j = 0; j < ry && j < by; j++) held += xAny[j];
    for (let jj = 0; jj < by; jj++) {
      if (jj + ry < by) held += xAny[jj + ry];
      ringNZ[rowBase + jj] = held > 0 ? 1 : 0;
      if (jj - ry >= 0) held -= xAny[jj - ry];
    }
    lastY.fill(0);
    let ingested = 0;
    for (let jj = 0; jj < by; jj++) {
      const want = Math.min(jj + ry, by - 1);
      while (ingested < want) {
        ingested++;
        const a = ingested * bx;
        const b = a - bx;
        for (let e = 0; e < bx; e++) if (X[a + e] !== X[b + e]) lastY[e] = ingested;
      }
      const limit = Math.max(jj - ry, 0);
      const c = jj * bx;
      const o = dst + c;
      // Copy, then convolve each span of elements whose window is not constant, tap by tap.
      ring.set(X.subarray(c, c + bx), o);
      forEachSpanAfter(lastY, limit, bx, (e0, e1) => {
        ring.fill(0, o + e0, o + e1);
        for (let d = 0; d <= 2 * ry; d++) {
          const w = ky[d];
          const src = Math.min(Math.max(jj + d - ry, 0), by - 1) * bx - o;
          for (let e = o + e0; e < o + e1; e++) ring[e] += w * X[src + e];
        }
      });
    }
  };

  let computed = -1;
  for (let t = 0; t < bz; t++) {
    const want = Math.min(t + rz, bz - 1);
    while (computed < want) {
      computed++;
      smoothIJ(computed);
      if (computed > 0) {
        const a = ((z0 + computed) % ringN) * plane;
        const b = ((z0 + computed - 1) % ringN) * plane;
        const ra = ((z0 + computed) % ringN) * by;
        const rb = ((z0 + computed - 1) % ringN) * by;
        for (let j = 0; j < by; j++) {
          if (ringNZ[ra + j] === 0 && ringNZ[rb + j] === 0) continue; // both rows all zeros
          const e1 = (j + 1) * bx;
          if (halfOnly) {
            for (let e = j * bx; e < e1; e++) if (ring[a + e] >= 0.5 !== ring[b + e] >= 0.5) lastZ[e] = computed;
          } else {
            for (let e = j * bx; e < e1; e++) if (ring[a + e] !== ring[b + e]) lastZ[e] = computed;
          }
        }
      }
    }
    const limit = Math.max(t - rz, 0);
    for (let d = 0; d <= 2 * rz; d++) offZ[d] = ((z0 + Math.min(Math.max(t + d - rz, 0), bz - 1)) % ringN) * plane;
    const c = offZ[rz];
    zNZ.fill(0);
    for (let d = 0; d <= 2 * rz; d++) {
      const rr = (offZ[d] / plane) * by;
      for (let j = 0; j < by; j++) zNZ[j] |= ringNZ[rr + j];
    }
    // Copy, then convolve each span of elements whose window changes, tap by tap.
    Z.set(ring.subarray(c, c + plane));
    forEachSpanAfter(lastZ, limit, plane, (e0, e1) => {
      Z.fill(0, e0, e1);
      for (let d = 0; d <= 2 * rz; d++) {
        const w = kz[d];
        const src = offZ[d];
        for (let e = e0; e < e1; e++) Z[e] += w * ring[src + e];
      }
    });
    sink(z0 + t, Z, lo, hi, zNZ);
  }
}

/**
 * Calls `f(e0, e1)` for each maximal span [e0, e1) of [0, n) whose elements last changed after
 * `limit` (`last[e] > limit`): where a window of the convolution is not constant.
 */
function forEachSpanAfter(last: Int32Array, limit: number, n: number, f: (e0: number, e1: number) => void): void {
  let e0 = 0;
  while (e0 < n) {
    while (e0 < n && last[e0] <= limit) e0++;
    if (e0 === n) return;
    let e1 = e0;
    while (e1 < n && last[e1] > limit) e1++;
    f(e0, e1);
    e0 = e1;
  }
}

function checkSigma(sigmaMm: number): void {
  checkMm(sigmaMm, 'Gaussian sigma');
}

/**
 * Gaussian smoothing of a binary mask: the mask's indicator convolved with a separable Gaussian
 * of standard deviation `sigmaMm` (per-axis kernels sampled at the grid's spacing, truncated at
 * 3σ, normalised), then thresholded: a voxel is in the result when the smoothed value is ≥ 0.5.
 * Beyond the grid the edge voxels repeat, so a mask cut by the grid's edge keeps its cut.
 * σ = 0 returns a 0/1 copy.
 */
export function gaussianSmooth(mask: Uint8Array, grid: LabelGrid, sigmaMm: number, into?: Uint8Array): Uint8Array {
  checkGrid(mask, grid);
  checkSpacing(grid);
  checkSigma(sigmaMm);
  const out = outputMask(grid, into, true, mask);
  if (sigmaMm === 0) {
    for (let v = 0; v < mask.length; v++) if (mask[v] !== 0) out[v] = 1;
    return out;
  }
  const [nx, ny] = grid.dimensions;
  gaussianSlices(mask, grid, -1, sigmaMm, (k, Z, lo, hi, rowNZ) => {
    const bx = hi[0] - lo[0];
    const by = hi[1] - lo[1];
    for (let j = 0; j < by; j++) {
      if (rowNZ[j] === 0) continue;
      const m = lo[0] + (lo[1] + j) * nx + k * nx * ny;
      const o = j * bx;
      for (let i = 0; i < bx; i++) if (Z[o + i] >= 0.5) out[m + i] = 1;
    }
  }, true);
  return out;
}

/**
 * Joint smoothing of a labelmap (0 = background, 1..255 = segments): all segments are smoothed
 * together so that segments that touched still touch, without gaps or overlaps between them.
 *
 * First the union of all segments is Gaussian-smoothed exactly as `gaussianSmooth` does: the
 * result's non-zero voxels are exactly `gaussianSmooth(labels ≠ 0)`, so no gap opens along a
 * shared boundary. Each of those voxels then takes the segment whose Gaussian-smoothed indicator
 * is largest there (ties: the lower label). Labels absent from the input never appear.
 * Work is limited to each segment's bounding box padded by 3σ.
 */
export function jointSmooth(labels: Uint8Array, grid: LabelGrid, sigmaMm: number): Uint8Array {
  checkGrid(labels, grid, 'labelmap');
  checkSpacing(grid);
  checkSigma(sigmaMm);
  if (sigmaMm === 0) return labels.slice();
  const present = new Uint8Array(256);
  for (let v = 0; v < labels.length; v++) present[labels[v]] = 1;
  const ids: number[] = [];
  for (let l = 1; l < 256; l++) if (present[l]) ids.push(l);
  const [nx, ny] = grid.dimensions;
  const nxy = nx * ny;
  const out = new Uint8Array(labels.length);
  if (ids.length === 0) return out;
  if (ids.length === 1) {
    const only = ids[0];
    gaussianSlices(labels, grid, -1, sigmaMm, (k, Z, lo, hi) => {
      const bx = hi[0] - lo[0];
      const by = hi[1] - lo[1];
      for (let j = 0; j < by; j++) {
        const m = lo[0] + (lo[1] + j) * nx + k * nxy;
        const o = j * bx;
        for (let i = 0; i < bx; i++) if (Z[o + i] >= 0.5) out[m + i] = only;
      }
    }, true);
    return out;
  }
  // The winning segment per voxel, over the union's padded box.
  const ubox = boundingBox(labels, grid) as VoxelBox;
  const R = [0, 1, 2].map((a) => Math.max(1, Math.ceil((3 * sigmaMm) / grid.spacingMm[a])) + 1);
  const { lo: ulo, hi: uhi } = padBox(ubox, R, grid);
  const ux = uhi[0] - ulo[0];
  const uy = uhi[1] - ulo[1];
  const best = new Float32Array(ux * uy * (uhi[2] - ulo[2]));
  for (const id of ids) {
    gaussianSlices(labels, grid, id, sigmaMm, (k, Z, lo, hi) => {
      const bx = hi[0] - lo[0];
      const by = hi[1] - lo[1];
      for (let j = 0; j < by; j++) {
        const m = lo[0] + (lo[1] + j) * nx + k * nxy;
        const bb = lo[0] - ulo[0] + (lo[1] + j - ulo[1]) * ux + (k - ulo[2]) * ux * uy;
        const o = j * bx;
        for (let i = 0; i < bx; i++) {
          const z = Z[o + i];
          if (z > best[bb + i]) {
            best[bb + i] = z;
            out[m + i] = id;
          }
        }
      }
    });
  }
  // Keep the winner only where the smoothed union is at least one half (the union's box holds
  // every segment's box, so nothing outside it was written).
  gaussianSlices(labels, grid, -1, sigmaMm, (k, Z, lo, hi) => {
    const bx = hi[0] - lo[0];
    const by = hi[1] - lo[1];
    for (let j = 0; j < by; j++) {
      const m = lo[0] + (lo[1] + j) * nx + k * nxy;
      const o = j * bx;
      for (let i = 0; i < bx; i++) if (Z[o + i] < 0.5 && out[m + i] !== 0) out[m + i] = 0;
    }
  }, true);
  return out;
}
