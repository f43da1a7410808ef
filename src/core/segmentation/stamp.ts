import { reachVoxels, squaredLimit } from './distance';
import type { WithinOptions } from './within';
import type { LabelGrid } from './grid';
import { forEachRowRun, forEachRun, wordsOf } from './bytes';

/**
 * "Within r mm of a source voxel" by stamping runs: the second engine behind margins, hollowing,
 * opening and closing (the first is the lower-envelope one, `withinDistance` in within.ts).
 * Both are exact (voxel centre to voxel centre, anisotropic spacing, the same tolerance); they
 * differ in what their time grows with. This one's grows with the sources' surface times the
 * number of row offsets in the ball, so it wins for the radii of everyday editing (a few mm);
 * the envelope engine's grows with the volume of the mask's box and hardly with r.
 *
 * Why stamping runs is exact. Voxels of a row (fixed j, k) whose centres lie within r of a run of
 * sources [a, b] on row (j + dj, k + dk) form one interval: [a − e, b + e], with e the largest
 * integer such that e²sx² + dj²sy² + dk²sz² ≤ r². So the result is a union of such intervals,
 * written with `fill`. Most of them are redundant: if p is the source nearest to a voxel q and
 * q − p has a non-zero component along an axis, the neighbour of p one step towards q along that
 * axis is not a source (it would be nearer). So a run only needs stamping towards +j (dj > 0)
 * where the row above it (j + 1) is not a source, towards +k where the slice above is not, towards
 * both where neither is, and so on for the 9 sign classes of (dj, dk); along i only the run's ends
 * matter, which is what [a − e, b + e] says. For a solid mask this leaves the surface.
 *
 * Voxels beyond the grid: never sources when growing; when shrinking with `edgeIsSource`, the
 * planes just beyond the grid are sources, whose only exposed side faces the grid.
 */

/** The row offsets of the ball: e[dj + dk·(ry + 1)] for dj, dk ≥ 0 (−1 where the row is out of reach). */
export interface BallRows {
  readonly ry: number;
  readonly rz: number;
  readonly e: Int32Array;
  /** Rows (dj, dk) of the whole ball, both signs: the stamps one fully exposed voxel needs. */
  readonly count: number;
}

export function ballRows(grid: LabelGrid, rMm: number): BallRows {
  const [sx, sy, sz] = grid.spacingMm;
  const [nx, ny, nz] = grid.dimensions;
  const limit = squaredLimit(rMm);
  // Offsets beyond the grid's size never land in it.
  const reach = reachVoxels(grid, rMm);
  const ry = Math.min(ny, reach[1]);
  const rz = Math.min(nz, reach[2]);
  const e = new Int32Array((ry + 1) * (rz + 1)).fill(-1);
  let count = 0;
  for (let dk = 0; dk <= rz; dk++)
    for (let dj = 0; dj <= ry; dj++) {
      const rest = limit - dj * dj * sy * sy - dk * dk * sz * sz;
      if (rest < 0) continue;
      let n = Math.min(nx, Math.floor(Math.sqrt(rest) / sx) + 1);
      while (n > 0 && n * n * sx * sx > rest) n--;
      e[dj + dk * (ry + 1)] = n;
      count += (dj ? 2 : 1) * (dk ? 2 : 1);
    }
  return { ry, rz, e, count };
}

/**
 * Estimated cost of stamping relative to the envelope engine (< 1: stamping is faster), from the
 * runs of sources on every 4th slice and the envelope engine's box. The model was fitted with
 * bench/effects.ts on this machine (512×512×400 skull, r = 1–10 mm, both engines timed): stamping
 * costs ~0.5 µs per run plus ~10 ns per run and row of the ball; the envelope engine ~8 ns per
 * voxel of its box, plus 15% per slice of reach (its scatter across slices).
 */
export function stampCostRatio(mask: Uint8Array, grid: LabelGrid, rMm: number, boxVoxels: number): number {
  if (boxVoxels <= 0) return 0;
  const nz = grid.dimensions[2];
  let runs = 0;
  forEachRowRun(mask, grid.dimensions, () => runs++, 4);
  const allRuns = (runs * nz) / Math.ceil(nz / 4);
  const { count, rz } = ballRows(grid, rMm);
  return (allRuns * (500 + 10 * count)) / (boxVoxels * 8 * (1 + 0.15 * rz));
}

/**
 * Writes the voxels within `rMm` of the sources into `out` (zeroed, the grid's size):
 * `'grow'` (sources: the mask's voxels) writes 1 on the mask and on every voxel within r of it;
 * `'shrink'` (sources: the voxels outside the mask, and beyond the grid when `edgeIsSource`)
 * writes 1 on the mask's voxels farther than r from every source.
 */
export function stampWithin(mask: Uint8Array, grid: LabelGrid, rMm: number, options: WithinOptions, out: Uint8Array, combine: 'grow' | 'shrink'): void {
  const [nx, ny, nz] = grid.dimensions;
  const nxy = nx * ny;
  const grow = combine === 'grow';
  if (grow !== (options.sourceValue === 1)) throw new Error(`stampWithin: '${combine}' needs sources ${grow ? 1 : 0}`);
  const edge = !grow && options.edgeIsSource;
  const { ry, rz, e } = ballRows(grid, rMm);
  const stride = ry + 1;
  const value = grow ? 1 : 0;
  const { words, wb } = wordsOf(mask);

  /** Stamps the sources [c, d] of row (j, k) towards the sign class (sj, sk). */
  const stamp = (j: number, k: number, c: number, d: number, sj: number, sk: number): void => {
    const djLo = sj === 0 ? 0 : 1;
    const djHi = sj === 0 ? 0 : ry;
    const dkLo = sk === 0 ? 0 : 1;
    const dkHi = sk === 0 ? 0 : rz;
    for (let dk = dkLo; dk <= dkHi; dk++) {
      const kk = k + sk * dk;
      if (kk < 0 || kk >= nz || e[dk * stride] < 0) break;
      for (let dj = djLo; dj <= djHi; dj++) {
        const r = e[dj + dk * stride];
        if (r < 0) break;
        const jj = j + sj * dj;
        if (jj < 0 || jj >= ny) break;
        const row = jj * nx + kk * nxy;
        const a = row + (c - r < 0 ? 0 : c - r);
        const b = row + (d + r >= nx ? nx : d + r + 1);
        if (b - a < 16) for (let v = a; v < b; v++) out[v] = value;
        else out.fill(value, a, b);
      }
    }
  };

  /**
   * Calls `f(c, d)` for the maximal runs of [a, b] where row (j, k) is non-zero (`nonZero`) or
   * zero; rows beyond the grid are all `beyond` (true: non-zero).
   */
  const runs = (j: number, k: number, a: number, b: number, nonZero: boolean, beyond: boolean, f: (c: number, d: number) => void): void => {
    if (j < 0 || j >= ny || k < 0 || k >= nz) {
      if (beyond === nonZero) f(a, b);
      return;
    }
    const row = j * nx + k * nxy;
    forEachRun(mask, words, wb, row + a, row + b + 1, nonZero, (s, x) => f(s - row, x - row - 1));
  };

  const maskRuns = (f: (j: number, k: number, s: number, x: number) => void): void => forEachRowRun(mask, grid.dimensions, f);

  if (grow) {
    maskRuns((j, k, s, x) => {
      // The run holds sources: stamp it, and its parts exposed along j, along k and along both.
      const row = j * nx + k * nxy;
      const a = s - row;
      const b = x - row - 1;
      stamp(j, k, a, b, 0, 0);
      for (let sj = -1; sj <= 1; sj += 2)
        runs(j + sj, k, a, b, false, false, (c, d) => {
          stamp(j, k, c, d, sj, 0);
          for (let sk = -1; sk <= 1; sk += 2) runs(j, k + sk, c, d, false, false, (c2, d2) => stamp(j, k, c2, d2, sj, sk));
        });
      for (let sk = -1; sk <= 1; sk += 2) runs(j, k + sk, a, b, false, false, (c, d) => stamp(j, k, c, d, 0, sk));
    });
    return;
  }
  // Shrinking: the mask first, then zeros stamped from the sources each mask run exposes: the
  // voxels just before and after it on its row, and those of the rows (j − sj, k) and
  // (j, k − sk) that are outside the mask (so face it along +sj or +sk), and of these the ones
  // facing the mask along k too (corners). Rows beyond the grid are sources when `edge`.
  maskRuns((_j, _k, s, x) => out.fill(1, s, x));
  maskRuns((j, k, s, x) => {
    const row = j * nx + k * nxy;
    const a = s - row;
    const b = x - row - 1;
    if (a > 0 || edge) stamp(j, k, a - 1, a - 1, 0, 0);
    if (b < nx - 1 || edge) stamp(j, k, b + 1, b + 1, 0, 0);
    for (let sj = -1; sj <= 1; sj += 2) {
      const js = j - sj;
      runs(js, k, a, b, false, !edge, (c, d) => {
        stamp(js, k, c, d, sj, 0);
        if (js < 0 || js >= ny) return;
        for (let sk = -1; sk <= 1; sk += 2) runs(js, k + sk, c, d, true, !edge, (c2, d2) => stamp(js, k, c2, d2, sj, sk));
      });
    }
    for (let sk = -1; sk <= 1; sk += 2) {
      const ks = k - sk;
      runs(j, ks, a, b, false, !edge, (c, d) => stamp(j, ks, c, d, 0, sk));
    }
  });
}
