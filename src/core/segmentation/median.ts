import { checkMm, checkSpacing } from './distance';
import { boundingBox, checkGrid, outputMask, padBox, type LabelGrid, type VoxelBox } from './grid';

/**
 * Median (majority) filtering of a binary mask with a box kernel in mm on the anisotropic grid.
 * Returns a new array (or fills `into`) the size of the input and leaves the input alone. Work
 * is confined to the bounding box of the non-zero voxels padded by the kernel.
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
  const { lo, hi } = padBox(box, [hx, hy, hz], grid);
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
  const { lo, hi } = padBox(box, [1, 1, 1], grid);
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
