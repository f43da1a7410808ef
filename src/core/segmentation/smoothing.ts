import { checkMm, checkSpacing, reachVoxels } from './distance';
import { boundingBox, checkGrid, outputMask, type LabelGrid, type VoxelBox } from './grid';
import { growMask, shrinkMask } from './margin';

/**
 * Smoothing effects on binary masks and labelmaps: median (majority), opening and closing (exact,
 * by a radius in mm), Gaussian (σ in mm, thresholded at one half) and joint smoothing of every
 * segment of a labelmap at once. All take the grid's anisotropic spacing into account, return
 * new arrays the size of the input and leave the input alone. Work is confined to the bounding
 * box of the non-zero voxels padded by the kernel; outside it nothing can change.
 */

/** Median kernel: a size in mm turned into odd voxel counts per axis, or the counts themselves. */
export type MedianKernel =
  | {
      /** Kernel width in mm along every axis. */
      readonly sizeMm: number;
      /** Smallest count per axis (odd, default 1); 3 asks for at least a 3 × 3 × 3 kernel. */
      readonly minVoxels?: number;
    }
  | { readonly voxels: readonly [number, number, number] };

/**
 * Odd voxel counts per axis for a kernel `sizeMm` wide: the odd number nearest to size / spacing
 * (2·round((size/s − 1)/2) + 1), at least `minVoxels` (rounded up to odd) and at least 1.
 */
export function medianKernelVoxels(grid: LabelGrid, sizeMm: number, minVoxels = 1): [number, number, number] {
  checkSpacing(grid);
  checkMm(sizeMm, 'median sizeMm');
  if (!Number.isInteger(minVoxels) || minVoxels < 1) throw new Error(`minVoxels must be a positive integer, got ${minVoxels}`);
  const floor = minVoxels % 2 === 1 ? minVoxels : minVoxels + 1;
  return grid.spacingMm.map((s) => Math.max(floor, 2 * Math.round((sizeMm / s - 1) / 2) + 1, 1)) as [number, number, number];
}

function kernelCounts(grid: LabelGrid, kernel: MedianKernel): [number, number, number] {
  if (kernel && 'voxels' in kernel) {
    const v = kernel.voxels;
    if (!Array.isArray(v) || v.length !== 3 || v.some((n) => !Number.isInteger(n) || n < 1 || n % 2 === 0))
      throw new Error(`median voxels must be three odd positive integers, got ${JSON.stringify(v)}`);
    return [v[0], v[1], v[2]];
  }
  if (!kernel || typeof kernel.sizeMm !== 'number') throw new Error('median kernel needs sizeMm or voxels');
  return medianKernelVoxels(grid, kernel.sizeMm, kernel.minVoxels ?? 1);
}

const pad = (box: VoxelBox, r: readonly number[], grid: LabelGrid): { lo: number[]; hi: number[] } => ({
  lo: [0, 1, 2].map((a) => Math.max(0, box.min[a] - r[a])),
  hi: [0, 1, 2].map((a) => Math.min(grid.dimensions[a], box.max[a] + r[a])),
});

/**
 * Binary median (majority vote) over a box kernel of odd voxel counts. Near the grid's edge the
 * kernel is cut to the grid and the vote is among the voxels inside it; a tie (possible only
 * there) keeps the voxel's value. Removes specks and fills pits smaller than about half the
 * kernel, keeps flat and gently curved surfaces in place.
 */
export function medianFilter(mask: Uint8Array, grid: LabelGrid, kernel: MedianKernel, into?: Uint8Array): Uint8Array {
  checkGrid(mask, grid);
  checkSpacing(grid);
  const [kx, ky, kz] = kernelCounts(grid, kernel);
  const [nx, ny, nz] = grid.dimensions;
  const out = outputMask(grid, into, true, mask);
  const box = boundingBox(mask, grid);
  if (!box) return out;
  if (kx === 3 && ky === 3 && kz === 3 && nx % 4 === 0 && (mask.byteOffset & 3) === 0 && (out.byteOffset & 3) === 0) {
    median3Words(mask, grid, box, out);
    return out;
  }
  const hx = (kx - 1) >> 1;
  const hy = (ky - 1) >> 1;
  const hz = (kz - 1) >> 1;
  const { lo, hi } = pad(box, [hx, hy, hz], grid);
  const [x0, y0, z0] = lo;
  const [x1, y1, z1] = hi;
  const bx = x1 - x0;
  const by = y1 - y0;
  const plane = bx * by;
  const nxy = nx * ny;
  // Valid (in-grid) counts per axis position, for the vote near the edges.
  const count = (n: number, h: number, p: number): number => Math.min(p + h, n - 1) - Math.max(p - h, 0) + 1;
  const cx = new Int32Array(bx);
  for (let i = 0; i < bx; i++) cx[i] = count(nx, hx, x0 + i);
  const cy = new Int32Array(by);
  for (let j = 0; j < by; j++) cy[j] = count(ny, hy, y0 + j);

  const sx = new Int32Array(plane); // window sums along i
  const ringN = 2 * hz + 2;
  const ring = new Int32Array(ringN * plane); // window sums along i and j per slice
  const acc = new Int32Array(plane); // window sums along i, j and k
  const cur = new Int32Array(bx);
  const rowAny = new Uint8Array(by);

  /** The i,j window sums of slice k into its ring slot (zeros when k is outside the box). */
  const slicePlane = (k: number): void => {
    const slot = ((k % ringN) + ringN) % ringN;
    const base = slot * plane;
    if (k < z0 || k >= z1) {
      ring.fill(0, base, base + plane);
      return;
    }
    for (let j = 0; j < by; j++) {
      const m = x0 + (y0 + j) * nx + k * nxy;
      const o = j * bx;
      let any = 0;
      for (let i = 0; i < bx; i++) if (mask[m + i] !== 0) { any = 1; break; }
      rowAny[j] = any;
      if (!any) continue;
      // Running sum over [i − hx, i + hx], zero outside the box.
      let s = 0;
      for (let i = 0; i < hx && i < bx; i++) if (mask[m + i] !== 0) s++;
      for (let i = 0; i < bx; i++) {
        const add = i + hx;
        if (add < bx && mask[m + add] !== 0) s++;
        sx[o + i] = s;
        const rem = i - hx;
        if (rem >= 0 && mask[m + rem] !== 0) s--;
      }
    }
    // Running sum along j over rows [j − hy, j + hy], vectorised along i, zero outside the box.
    cur.fill(0);
    for (let j = 0; j < hy && j < by; j++) if (rowAny[j]) for (let i = 0, a = j * bx; i < bx; i++) cur[i] += sx[a + i];
    for (let j = 0; j < by; j++) {
      const add = j + hy;
      if (add < by && rowAny[add]) for (let i = 0, a = add * bx; i < bx; i++) cur[i] += sx[a + i];
      ring.set(cur, base + j * bx);
      const rem = j - hy;
      if (rem >= 0 && rowAny[rem]) for (let i = 0, r = rem * bx; i < bx; i++) cur[i] -= sx[r + i];
    }
  };

  for (let k = z0 - hz - 1; k < z0 + hz; k++) slicePlane(k);
  for (let k = z0 - hz; k < z0 + hz; k++) {
    const base = (((k % ringN) + ringN) % ringN) * plane;
    for (let e = 0; e < plane; e++) acc[e] += ring[base + e];
  }
  for (let k = z0; k < z1; k++) {
    // Slide the window: add slice k + hz, drop slice k − hz − 1.
    slicePlane(k + hz);
    const addBase = (((k + hz) % ringN) + ringN) % ringN * plane;
    const remBase = (((k - hz - 1) % ringN) + ringN) % ringN * plane;
    for (let e = 0; e < plane; e++) acc[e] += ring[addBase + e] - ring[remBase + e];
    const czk = count(nz, hz, k);
    for (let j = 0; j < by; j++) {
      const o = j * bx;
      const m = x0 + (y0 + j) * nx + k * nxy;
      const cyz = cy[j] * czk;
      for (let i = 0; i < bx; i++) {
        const c2 = 2 * acc[o + i];
        if (c2 === 0) continue;
        const valid = cx[i] * cyz;
        if (c2 > valid || (c2 === valid && mask[m + i] !== 0)) out[m + i] = 1;
      }
    }
  }
  return out;
}

/** 1 in each byte lane of `w` that is non-zero, 0 elsewhere. */
const lanesNonZero = (w: number): number => (((((w & 0x7f7f7f7f) + 0x7f7f7f7f) | w) & 0x80808080) >>> 7);

/**
 * The 3 × 3 × 3 median when rows are whole 4-byte words (nx a multiple of 4, the mask aligned):
 * counts four voxels at a time, one per byte of a 32-bit word (counts ≤ 27 never carry into the
 * next byte). Along i, j and k the counts of 3 are sums of shifted words; a count c ≥ 14 turns
 * into bit 7 of c + 114. Rows whose three rows (and slices) hold nothing are skipped. This treats
 * every voxel as having 27 neighbours in the grid; voxels on the grid's faces are then voted
 * again among their neighbours in the grid (ties keep the voxel), as in the general path.
 */
function median3Words(mask: Uint8Array, grid: LabelGrid, box: VoxelBox, out: Uint8Array): void {
  const [nx, ny, nz] = grid.dimensions;
  const nxy = nx * ny;
  const { lo, hi } = pad(box, [1, 1, 1], grid);
  const xa = lo[0] & ~3;
  const xb = Math.min(nx, (hi[0] + 3) & ~3);
  const [, y0, z0] = lo;
  const [, y1, z1] = hi;
  const nw = (xb - xa) >> 2;
  const by = y1 - y0;
  const m32 = new Uint32Array(mask.buffer, mask.byteOffset, mask.length >> 2);
  const o32 = new Uint32Array(out.buffer, out.byteOffset, out.length >> 2);
  const sxw = new Uint32Array(nw * by); // counts along i, per row of the current slice
  const rowNZ = new Uint8Array(by + 2); // row j at j + 1: its counts are not all zero
  const s2 = new Uint32Array(3 * nw * by); // counts along i and j, three slices (k mod 3)
  const s2NZ = new Uint8Array(3 * by);

  const slice = (k: number): void => {
    const slot = k % 3;
    if (k < z0 || k >= z1) {
      s2NZ.fill(0, slot * by, slot * by + by);
      return;
    }
    for (let j = 0; j < by; j++) {
      const mw = (xa + (y0 + j) * nx + k * nxy) >> 2;
      const o = j * nw;
      let t = 0;
      while (t < nw && m32[mw + t] === 0) t++;
      if (t === nw) {
        rowNZ[j + 1] = 0;
        continue;
      }
      rowNZ[j + 1] = 1;
      let prev = 0;
      let cur = lanesNonZero(m32[mw]);
      for (t = 0; t < nw; t++) {
        const next = t + 1 < nw ? lanesNonZero(m32[mw + t + 1]) : 0;
        sxw[o + t] = (prev | cur | next) === 0 ? 0 : cur + ((cur << 8) | (prev >>> 24)) + ((cur >>> 8) | (next << 24));
        prev = cur;
        cur = next;
      }
    }
    const base = slot * nw * by;
    for (let j = 0; j < by; j++) {
      const a = rowNZ[j];
      const b = rowNZ[j + 1];
      const c = rowNZ[j + 2];
      const f = slot * by + j;
      if ((a | b | c) === 0) {
        s2NZ[f] = 0;
        continue;
      }
      s2NZ[f] = 1;
      const o = base + j * nw;
      const pa = (j - 1) * nw;
      const pb = j * nw;
      const pc = (j + 1) * nw;
      for (let t = 0; t < nw; t++) s2[o + t] = (a ? sxw[pa + t] : 0) + (b ? sxw[pb + t] : 0) + (c ? sxw[pc + t] : 0);
    }
  };

  slice(z0 - 1);
  slice(z0);
  for (let k = z0; k < z1; k++) {
    slice(k + 1);
    const sa = (k + 2) % 3; // k − 1
    const sb = k % 3;
    const sc = (k + 1) % 3;
    for (let j = 0; j < by; j++) {
      const a = s2NZ[sa * by + j];
      const b = s2NZ[sb * by + j];
      const c = s2NZ[sc * by + j];
      if ((a | b | c) === 0) continue;
      const ow = (xa + (y0 + j) * nx + k * nxy) >> 2;
      const oa = (sa * by + j) * nw;
      const ob = (sb * by + j) * nw;
      const oc = (sc * by + j) * nw;
      for (let t = 0; t < nw; t++) {
        const acc = (a ? s2[oa + t] : 0) + (b ? s2[ob + t] : 0) + (c ? s2[oc + t] : 0);
        if (acc === 0) continue;
        const res = ((acc + 0x72727272) & 0x80808080) >>> 7;
        if (res !== 0) o32[ow + t] = res;
      }
    }
  }

  // Voxels on the grid's faces: the vote among their neighbours in the grid.
  const fix = (i: number, j: number, k: number): void => {
    let ones = 0;
    let all = 0;
    for (let c = Math.max(k - 1, 0); c <= Math.min(k + 1, nz - 1); c++)
      for (let b = Math.max(j - 1, 0); b <= Math.min(j + 1, ny - 1); b++)
        for (let a = Math.max(i - 1, 0); a <= Math.min(i + 1, nx - 1); a++) {
          all++;
          if (mask[a + b * nx + c * nxy] !== 0) ones++;
        }
    const v = i + j * nx + k * nxy;
    const want = 2 * ones > all || (2 * ones === all && mask[v] !== 0) ? 1 : 0;
    if (out[v] !== want) out[v] = want;
  };
  for (let k = z0; k < z1; k++)
    for (let j = y0; j < y1; j++) {
      if (k === 0 || k === nz - 1 || j === 0 || j === ny - 1) {
        for (let i = lo[0]; i < hi[0]; i++) fix(i, j, k);
      } else {
        if (lo[0] === 0) fix(0, j, k);
        if (hi[0] === nx) fix(nx - 1, j, k);
      }
    }
}

/**
 * Opening by `radiusMm`: shrink then grow by the same radius (exact, see margin.ts). Removes
 * every part that no ball of that radius fits in: specks, spurs and bridges at most 2r thick
 * (a bridge w voxels wide along an axis of spacing s goes when w·s ≤ 2r). The result is a subset
 * of the mask; the grid's edge does not count as outside.
 */
export function openMask(mask: Uint8Array, grid: LabelGrid, radiusMm: number, buffers: MorphologyBuffers = {}): Uint8Array {
  checkMm(radiusMm, 'opening radius');
  const { into, temp } = buffers;
  return growMask(shrinkMask(mask, grid, radiusMm, { edge: 'ignore', into: temp }), grid, radiusMm, { into });
}

/** Where opening and closing write (see `outputMask`): the result and the intermediate mask. */
export interface MorphologyBuffers {
  readonly into?: Uint8Array;
  readonly temp?: Uint8Array;
}

/**
 * Closing by `radiusMm`: grow then shrink by the same radius (exact). Fills gaps, cracks and
 * holes that a ball of that radius cannot enter (gaps up to about 2r). The result contains the
 * mask. The grid's edge adds nothing: the closing is computed as if the grid went on (a "safe
 * border", padding the grid where the mask comes within 2r of its edge), so a mask near the edge
 * is not joined to it.
 */
export function closeMask(mask: Uint8Array, grid: LabelGrid, radiusMm: number, buffers: MorphologyBuffers = {}): Uint8Array {
  const { into, temp } = buffers;
  checkGrid(mask, grid);
  checkSpacing(grid);
  checkMm(radiusMm, 'closing radius');
  const box = boundingBox(mask, grid);
  if (!box || radiusMm === 0) return growMask(mask, grid, 0, { into });
  const R = reachVoxels(grid, radiusMm);
  const n = grid.dimensions;
  const padLo = [0, 1, 2].map((a) => Math.max(0, 2 * R[a] + 1 - box.min[a]));
  const padHi = [0, 1, 2].map((a) => Math.max(0, 2 * R[a] + 1 - (n[a] - box.max[a])));
  if (padLo.every((p) => p === 0) && padHi.every((p) => p === 0)) return shrinkMask(growMask(mask, grid, radiusMm, { into: temp }), grid, radiusMm, { into });
  const dims = [0, 1, 2].map((a) => n[a] + padLo[a] + padHi[a]) as [number, number, number];
  const big: LabelGrid = { dimensions: dims, spacingMm: grid.spacingMm };
  const padded = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const at = (i: number, j: number, k: number): number => i + padLo[0] + (j + padLo[1]) * dims[0] + (k + padLo[2]) * dims[0] * dims[1];
  for (let k = 0; k < n[2]; k++) for (let j = 0; j < n[1]; j++) padded.set(mask.subarray(j * n[0] + k * n[0] * n[1], (j + 1) * n[0] + k * n[0] * n[1]), at(0, j, k));
  const closed = shrinkMask(growMask(padded, big, radiusMm), big, radiusMm);
  const out = outputMask(grid, into, true, mask);
  for (let k = 0; k < n[2]; k++) for (let j = 0; j < n[1]; j++) out.set(closed.subarray(at(0, j, k), at(0, j, k) + n[0]), j * n[0] + k * n[0] * n[1]);
  return out;
}

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
  const { lo, hi } = pad(box, [R[0] + 1, R[1] + 1, R[2] + 1], grid);
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
      let e0 = 0;
      while (e0 < bx) {
        while (e0 < bx && lastY[e0] <= limit) e0++;
        if (e0 === bx) break;
        let e1 = e0;
        while (e1 < bx && lastY[e1] > limit) e1++;
        ring.fill(0, o + e0, o + e1);
        for (let d = 0; d <= 2 * ry; d++) {
          const w = ky[d];
          const src = Math.min(Math.max(jj + d - ry, 0), by - 1) * bx - o;
          for (let e = o + e0; e < o + e1; e++) ring[e] += w * X[src + e];
        }
        e0 = e1;
      }
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
    let e0 = 0;
    while (e0 < plane) {
      while (e0 < plane && lastZ[e0] <= limit) e0++;
      if (e0 === plane) break;
      let e1 = e0;
      while (e1 < plane && lastZ[e1] > limit) e1++;
      Z.fill(0, e0, e1);
      for (let d = 0; d <= 2 * rz; d++) {
        const w = kz[d];
        const src = offZ[d];
        for (let e = e0; e < e1; e++) Z[e] += w * ring[src + e];
      }
      e0 = e1;
    }
    sink(z0 + t, Z, lo, hi, zNZ);
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
  const { lo: ulo, hi: uhi } = pad(ubox, R, grid);
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
