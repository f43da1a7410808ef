import { boundingBox, checkGrid, type LabelGrid, type VoxelBox } from './grid';
import { forEachRun, nextNonZero, nextZero, wordsOf } from './bytes';
import { checkMm, checkSpacing, Envelope, reachVoxels, squaredLimit } from './distance';

/** What the within-distance engines measure to and how the grid's edge counts. */
export interface WithinOptions {
  /** Distances are measured to voxels with this mask value (1: the mask, 0: its outside). */
  readonly sourceValue: 0 | 1;
  /** Whether voxels beyond the grid are sources too (only meaningful for sourceValue 0). */
  readonly edgeIsSource: boolean;
}

/**
 * The lower-envelope engine for "within r mm of a source" (the other is stamp.ts; margin.ts picks
 * the cheaper). With W the non-source voxels whose centre lies within `rMm` of a source voxel's
 * centre (exact Euclidean distance on the anisotropic grid, with `DISTANCE_TOLERANCE`), it
 * writes into a zeroed `out`: `'grow'` (sources 1) 1 on mask ∪ W, `'shrink'` (sources 0) 1 on
 * mask − W, touching only voxels set to 1. `maskBox`: the mask's bounding box, when the caller
 * has it already (undefined: found here).
 *
 * Work is confined to a box: the mask's bounding box padded by r (sources 1) or the bounding box
 * of the non-source voxels (sources 0). Results collect in a ring of 2⌊r / sz⌋ + 1 slices and
 * go to `out` as each slice is finished.
 *
 * Per slice: a binary pass along j (distance in rows to the nearest source, capped), then the
 * lower envelope of parabolas along i gives the exact in-slice squared distance D_k, capped at
 * r². Across slices, a voxel is within r iff D_{k'} + (k − k')²·sz² ≤ r² for some slice k', so
 * each in-slice result is scattered to the slices it reaches (at most ⌊r / sz⌋ each way). Sources
 * whose neighbours above and below are sources too are skipped: the ends of that run of
 * sources are nearer to anything they could reach.
 */
export function withinDistance(mask: Uint8Array, grid: LabelGrid, rMm: number, options: WithinOptions, out: Uint8Array, combine: 'grow' | 'shrink', maskBox?: VoxelBox): void {
  checkGrid(mask, grid);
  checkGrid(out, grid, 'output');
  checkSpacing(grid);
  checkMm(rMm, 'distance');
  const { sourceValue: sv, edgeIsSource } = options;
  if ((combine === 'grow') !== (sv === 1)) throw new Error(`withinDistance: '${combine}' needs sources ${sv === 1 ? 0 : 1}`);
  const [nx, ny, nz] = grid.dimensions;
  const [sx, sy, sz] = grid.spacingMm;
  const nxy = nx * ny;
  const limit = squaredLimit(rMm);
  // Reaches beyond the grid's size change nothing; clamping keeps the buffers small.
  const reach = reachVoxels(grid, rMm);
  const rx = Math.min(reach[0], nx + 1);
  const ry = Math.min(reach[1], ny + 1);
  const rz = Math.min(reach[2], nz + 1);

  // The processing box P and whether sources lie just beyond each of its faces.
  const b = maskBox ?? boundingBox(mask, grid);
  if (!b) return;
  const r3 = [rx, ry, rz];
  const box: VoxelBox =
    sv === 1
      ? {
          min: [0, 1, 2].map((a) => Math.max(0, b.min[a] - r3[a])) as [number, number, number],
          max: [0, 1, 2].map((a) => Math.min(grid.dimensions[a], b.max[a] + r3[a])) as [number, number, number],
        }
      : b;
  const [x0, y0, z0] = box.min;
  const [x1, y1, z1] = box.max;
  const before = [0, 1, 2].map((a) => sv === 0 && (box.min[a] > 0 || edgeIsSource));
  const after = [0, 1, 2].map((a) => sv === 0 && (box.max[a] < grid.dimensions[a] || edgeIsSource));
  const bx = x1 - x0;
  const by = y1 - y0;
  const plane = bx * by;

  // Thresholds per slice offset: D_k' ≤ T[|k − k'|].
  const T = new Float64Array(rz + 1);
  for (let dz = 0; dz <= rz; dz++) T[dz] = limit - dz * dz * sz * sz;

  const CAP = ry + 1;
  const g = new Uint16Array(bx * by);
  const rowCap = new Uint8Array(by);
  const srcZero = sv === 0;
  const drow = new Float64Array(bx).fill(Infinity);
  const env = new Envelope(bx + 2);
  const invSx2 = 1 / (sx * sx);
  const sy2 = sy * sy;
  const sx2 = sx * sx;
  const srcBefore = before[0];
  const srcAfter = after[0];

  // The ring of result slices: slice k lives at ((k − z0) mod ringN)·plane.
  const ringN = Math.min(2 * rz + 1, z1 - z0);
  const W = new Uint8Array(ringN * plane);
  const slotOf = new Int32Array(2 * rz + 1);
  const wWords = new Uint32Array(W.buffer, 0, W.length >> 2);
  // Marks columns [qa, qb) of row offset o in the slices runLo2 … runHi2 away.
  let runLo2 = 0;
  let runHi2 = 0;
  const markRun = (o: number, qa: number, qb: number): void => {
    for (let dz = runLo2; dz <= runHi2; dz++) {
      const at = slotOf[dz + rz] + o;
      W.fill(1, at + qa, at + qb);
    }
  };
  // Per ring slot and row, the range of columns [wLo, wHi] where W may be set (empty: wLo > wHi).
  const wLo = new Int32Array(ringN * by).fill(bx);
  const wHi = new Int32Array(ringN * by).fill(-1);
  const slotIx = new Int32Array(2 * rz + 1);
  // Whole 4-byte words of the mask are skipped when looking for runs (see bytes.ts).
  const { words, wb } = wordsOf(mask);
  const finish = (f: number): void => {
    const s = (f - z0) % ringN;
    const base = s * plane;
    for (let j = 0; j < by; j++) {
      const m = x0 + (y0 + j) * nx + f * nxy;
      const w = base + j * bx;
      const r = s * by + j;
      const lo = wLo[r];
      const hi = wHi[r];
      if (combine === 'grow') {
        // The mask's runs, then W where it may be set.
        forEachRun(mask, words, wb, m, m + bx, true, (a, x) => out.fill(1, a, x));
        if (lo <= hi) forEachRun(W, wWords, 0, w + lo, w + hi + 1, true, (a, y) => out.fill(1, m + a - w, m + y - w));
      } else {
        // The mask's runs, less W where it may be set.
        forEachRun(mask, words, wb, m, m + bx, true, (a, x) => {
          const ia = a - m;
          const ib = x - m;
          if (ib <= lo || ia > hi) {
            out.fill(1, a, x);
            return;
          }
          if (ia < lo) out.fill(1, a, m + lo);
          const c = ia > lo ? ia : lo;
          const d = ib - 1 < hi ? ib - 1 : hi;
          for (let i = c; i <= d; i++) if (W[w + i] === 0) out[m + i] = 1;
          if (ib - 1 > hi) out.fill(1, m + hi + 1, x);
        });
      }
      if (lo <= hi) {
        W.fill(0, w + lo, w + hi + 1);
        wLo[r] = bx;
        wHi[r] = -1;
      }
    }
  };

  for (let k = z0; k < z1; k++) {
    const slice = k * nxy;
    for (let dz = -rz; dz <= rz; dz++) {
      const inside = k + dz >= z0 && k + dz < z1;
      slotIx[dz + rz] = inside ? (k + dz - z0) % ringN : -1;
      slotOf[dz + rz] = inside ? slotIx[dz + rz] * plane : -1;
    }
    const here = slotOf[rz];
    // Pass along j: rows to the nearest source in this column of the slice, capped at CAP.
    // Rows far from any source stay "all CAP" without being written.
    let prevCap = !before[1];
    let prevOff = -1;
    for (let j = 0; j < by; j++) {
      const m = x0 + (y0 + j) * nx + slice;
      const o = j * bx;
      const src = (srcZero ? nextZero(mask, words, wb, m, m + bx) : nextNonZero(mask, words, wb, m, m + bx)) < m + bx;
      if (!src && prevCap) {
        rowCap[j] = 1;
        continue;
      }
      rowCap[j] = 0;
      if (prevOff < 0 || prevCap) {
        const first = prevOff < 0 && before[1] ? 1 : CAP;
        if (srcZero) for (let i = 0; i < bx; i++) g[o + i] = mask[m + i] === 0 ? 0 : first;
        else for (let i = 0; i < bx; i++) g[o + i] = mask[m + i] !== 0 ? 0 : first;
      } else if (srcZero) {
        for (let i = 0; i < bx; i++) {
          if (mask[m + i] === 0) g[o + i] = 0;
          else {
            const p = g[prevOff + i] + 1;
            g[o + i] = p > CAP ? CAP : p;
          }
        }
      } else {
        for (let i = 0; i < bx; i++) {
          if (mask[m + i] !== 0) g[o + i] = 0;
          else {
            const p = g[prevOff + i] + 1;
            g[o + i] = p > CAP ? CAP : p;
          }
        }
      }
      prevCap = false;
      prevOff = o;
    }
    // A slice within r of sources beyond the box along k (shrinking: the outside or the grid edge).
    const zEdge =
      (before[2] && (k - z0 + 1) * (k - z0 + 1) * sz * sz <= limit) || (after[2] && (z1 - k) * (z1 - k) * sz * sz <= limit);
    const hasPrev = k > z0;
    const hasNext = k + 1 < z1;

    // Backward along j, finishing each row's distances, and at once collecting the row's sites
    // for the envelope along i (runs of sources, distance 0, keep only their ends); then the row
    // is evaluated and scattered (rows are independent from here on).
    let nextCap = !after[1];
    let nextOff = -1;
    for (let j = by - 1; j >= 0; j--) {
      const o = j * bx;
      const m = x0 + (y0 + j) * nx + slice;
      if (zEdge) {
        // Every non-source voxel of this row is within r. (The row's results still go to other slices below.)
        const r = slotIx[rz] * by + j;
        wLo[r] = 0;
        wHi[r] = bx - 1;
        if (srcZero) {
          for (let i = 0; i < bx; i++) if (mask[m + i] !== 0) W[here + o + i] = 1;
        } else {
          for (let i = 0; i < bx; i++) if (mask[m + i] === 0) W[here + o + i] = 1;
        }
      }
      env.reset();
      if (srcBefore) env.push(-1, 0, 0);
      let lo = bx;
      let hi = -1;
      let any = 0;
      if (rowCap[j]) {
        if (!nextCap) {
          // Far from sources in this row itself: distances come from the row below (j + 1).
          for (let i = 0; i < bx; i++) {
            const p = g[nextOff + i] + 1;
            const gi = p > CAP ? CAP : p;
            g[o + i] = gi;
            if (gi < CAP) {
              any = 1;
              const f = gi * gi * sy2;
              if (f <= limit) env.push(i, f * invSx2, f);
            }
          }
          rowCap[j] = 0;
          nextOff = o;
        }
      } else {
        const fromNext = nextOff >= 0 && !nextCap;
        const edgeP = nextOff < 0 && after[1] ? 1 : CAP;
        for (let i = 0; i < bx; i++) {
          let gi = g[o + i];
          if (gi === 0) {
            const a = i;
            if (i + 1 < bx && g[o + i + 1] === 0) i = (srcZero ? nextNonZero(mask, words, wb, m + i + 1, m + bx) : nextZero(mask, words, wb, m + i + 1, m + bx)) - m - 1;
            env.push(a, 0, 0);
            if (i > a) env.push(i, 0, 0);
            if (a < lo) lo = a;
            hi = i;
            any = 1;
            continue;
          }
          const p = fromNext ? g[nextOff + i] + 1 : edgeP;
          if (p < gi) {
            gi = p;
            g[o + i] = p;
          }
          if (gi < CAP) {
            any = 1;
            const f = gi * gi * sy2;
            if (f <= limit) env.push(i, f * invSx2, f);
          }
        }
        nextOff = o;
      }
      nextCap = !any;
      const capRow = !any;
      if (srcAfter) env.push(bx, 0, 0);
      const cnt = env.count;
      if (cnt === 0) continue;
      // Evaluate the envelope where it is within r², only near each parabola's vertex.
      const { v, fv, z } = env;
      for (let q = 0; q < cnt; q++) {
        const vq = v[q];
        const fq = fv[q];
        let a = vq - rx;
        let b = vq + rx;
        if (a < 0) a = 0;
        if (b > bx - 1) b = bx - 1;
        const ca = Math.ceil(z[q]);
        if (ca > a) a = ca;
        const fb = Math.floor(z[q + 1]);
        if (fb < b) b = fb;
        for (let i = a; i <= b; i++) {
          const dx = i - vq;
          const val = dx * dx * sx2 + fq;
          if (val <= limit) {
            if (val < drow[i]) drow[i] = val;
            if (i < lo) lo = i;
            if (i > hi) hi = i;
          }
        }
      }
      if (hi < 0) continue;
      // Scatter to the slices each voxel reaches (at most rz each way), noting the columns touched.
      for (let dz = -rz; dz <= rz; dz++) {
        const si = slotIx[dz + rz];
        if (si < 0) continue;
        const r = si * by + j;
        if (lo < wLo[r]) wLo[r] = lo;
        if (hi > wHi[r]) wHi[r] = hi;
      }
      for (let i = lo; i <= hi; i++) {
        let w = 0;
        if (!capRow && g[o + i] === 0) {
          // A run of sources [i, b]: only those without sources both below and above (the ends
          // of runs along k) can be nearest to anything; they reach rz slices each way.
          // (g is 0 exactly at the row's sources, so the run ends where the mask's run does.)
          let b = i;
          if (b < hi && g[o + b + 1] === 0) {
            const e = (srcZero ? nextNonZero(mask, words, wb, m + b + 1, m + hi + 1) : nextZero(mask, words, wb, m + b + 1, m + hi + 1)) - m - 1;
            b = e;
          }
          drow.fill(Infinity, i, b + 1);
          runLo2 = k - rz < z0 ? z0 - k : -rz;
          runHi2 = k + rz >= z1 ? z1 - 1 - k : rz;
          // Sources themselves are marked too; only non-source voxels of W reach `out`.
          if (!(hasPrev || before[2]) || !(hasNext || after[2])) markRun(o, i, b + 1);
          else {
            // The columns of [i, b] whose neighbour below or above is not a source, by runs.
            for (let side = 0; side < 2; side++) {
              if (side === 0 ? !hasPrev : !hasNext) continue;
              const n = side === 0 ? m - nxy : m + nxy;
              forEachRun(mask, words, wb, n + i, n + b + 1, srcZero, (a, x) => markRun(o, a - n, x - n));
            }
          }
          i = b;
          continue;
        } else {
          const dval = drow[i];
          if (dval === Infinity) continue;
          drow[i] = Infinity;
          while (w < rz && dval <= T[w + 1]) w++;
        }
        const lo2 = k - w < z0 ? z0 - k : -w;
        const hi2 = k + w >= z1 ? z1 - 1 - k : w;
        for (let dz = lo2; dz <= hi2; dz++) W[slotOf[dz + rz] + o + i] = 1;
      }
    }
    if (k - rz >= z0) finish(k - rz);
  }
  for (let f = Math.max(z0, z1 - rz); f < z1; f++) finish(f);
}
