import type { VolumeGeometry } from '../volume/volume';
import type { TriangleMesh } from './mesh';
import { surfaceDeviation } from './deviation';
import type { SurfaceDeviation } from './deviation';

/**
 * Taubin λ|μ smoothing (a low-pass filter that does not shrink the mesh the way plain
 * Laplacian smoothing does), with every vertex kept within a box of ± `maxOffsetVoxels` voxel
 * along each grid axis around where the mesher put it: the smoothed surface cannot drift more
 * than that from the segmentation. Topology is untouched, so a closed 2-manifold stays one.
 */
export type SmoothingLevel = 'off' | 'low' | 'medium' | 'high';

export interface SmoothingOptions {
  readonly iterations: number;
  /** Positive (shrinking) step; μ is derived as −(λ + 0.01) … see `TAUBIN_MU`. */
  readonly lambda: number;
  /** Per grid axis, in voxels (default 0.5: half a voxel). */
  readonly maxOffsetVoxels?: number;
  /** Measure the true surface deviation from the unsmoothed mesh (default true; ~1 µs per sample point). */
  readonly measureDeviation?: boolean;
}

export const SMOOTHING_LEVELS: Record<Exclude<SmoothingLevel, 'off'>, SmoothingOptions> = {
  low: { iterations: 5, lambda: 0.5 },
  medium: { iterations: 15, lambda: 0.5 },
  high: { iterations: 40, lambda: 0.5 },
};

/** μ for a pass band k_PB ≈ 0.1 (Taubin 1995: 1/λ + 1/μ = k_PB). */
const taubinMu = (lambda: number): number => 1 / (0.1 - 1 / lambda);

export interface SmoothingReport {
  /**
   * Largest and mean vertex displacement, mm. The largest is an upper bound of the distance
   * between the two surfaces: a point of a smoothed triangle is within the displacements of its
   * corners from the same barycentric point of the unsmoothed triangle, and vice versa.
   */
  readonly maxDisplacementMm: number;
  readonly meanDisplacementMm: number;
  /**
   * Measured two-sided deviation between the unsmoothed and the smoothed surface (exact
   * point-to-triangle distances, see `surfaceDeviation`); absent with `measureDeviation: false`.
   */
  readonly deviation?: SurfaceDeviation;
}

/** Each vertex's distinct neighbours over the triangles' edges, ascending (CSR: `list[start[v] .. start[v + 1])`). */
export function vertexNeighbours(indices: Uint32Array, vertexCount: number): { start: Int32Array; list: Int32Array } {
  const degree = new Int32Array(vertexCount + 1);
  for (let t = 0; t < indices.length; t += 3) for (let e = 0; e < 3; e++) degree[indices[t + e]] += 2;
  const start = new Int32Array(vertexCount + 1);
  for (let v = 0; v < vertexCount; v++) start[v + 1] = start[v] + degree[v];
  const raw = new Int32Array(start[vertexCount]);
  const fill = start.slice(0, vertexCount);
  for (let t = 0; t < indices.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = indices[t + e];
      raw[fill[a]++] = indices[t + ((e + 1) % 3)];
      raw[fill[a]++] = indices[t + ((e + 2) % 3)];
    }
  }
  // De-duplicate each vertex's list in place (every edge appears twice around a closed fan):
  // an insertion sort of its few entries, then the distinct ones compacted to the front.
  const outStart = new Int32Array(vertexCount + 1);
  let o = 0;
  for (let v = 0; v < vertexCount; v++) {
    const s = start[v];
    const e = start[v + 1];
    for (let i = s + 1; i < e; i++) {
      const key = raw[i];
      let j = i - 1;
      while (j >= s && raw[j] > key) {
        raw[j + 1] = raw[j];
        j--;
      }
      raw[j + 1] = key;
    }
    outStart[v] = o; // o ≤ s: the writes stay behind the reads
    let previous = -1;
    for (let i = s; i < e; i++) {
      const w = raw[i];
      if (w !== previous) raw[o++] = w;
      previous = w;
    }
  }
  outStart[vertexCount] = o;
  return { start: outStart, list: raw.subarray(0, o) };
}

export function smoothMesh(
  mesh: TriangleMesh,
  geometry: Pick<VolumeGeometry, 'directionLps' | 'spacingMm'>,
  opts: SmoothingOptions,
): { mesh: TriangleMesh; report: SmoothingReport } {
  const n = mesh.positionsMm.length / 3;
  const original = Float64Array.from(mesh.positionsMm);
  let p = Float64Array.from(mesh.positionsMm);
  let next = new Float64Array(p.length);
  const { start, list } = vertexNeighbours(mesh.indices, n);
  // The grid axes and the clamp per axis, unpacked into locals for the hot loop.
  const [[ux, uy, uz], [vx, vy, vz], [wx, wy, wz]] = geometry.directionLps;
  const [lu, lv, lw] = geometry.spacingMm.map((s) => s * (opts.maxOffsetVoxels ?? 0.5));
  const mu = taubinMu(opts.lambda);

  const pass = (factor: number): void => {
    for (let v = 0; v < n; v++) {
      const a = start[v];
      const b = start[v + 1];
      const o = v * 3;
      if (b === a) {
        next[o] = p[o];
        next[o + 1] = p[o + 1];
        next[o + 2] = p[o + 2];
        continue;
      }
      let x = 0;
      let y = 0;
      let z = 0;
      for (let i = a; i < b; i++) {
        const w = list[i] * 3;
        x += p[w];
        y += p[w + 1];
        z += p[w + 2];
      }
      const k = 1 / (b - a);
      const ox = original[o];
      const oy = original[o + 1];
      const oz = original[o + 2];
      let dx = p[o] + factor * (x * k - p[o]) - ox;
      let dy = p[o + 1] + factor * (y * k - p[o + 1]) - oy;
      let dz = p[o + 2] + factor * (z * k - p[o + 2]) - oz;
      // Clamp the offset from the mesher's position along each grid axis (orthonormal axes:
      // each correction leaves the other two components unchanged).
      let along = dx * ux + dy * uy + dz * uz;
      let corr = along > lu ? lu - along : along < -lu ? -lu - along : 0;
      if (corr !== 0) {
        dx += corr * ux;
        dy += corr * uy;
        dz += corr * uz;
      }
      along = dx * vx + dy * vy + dz * vz;
      corr = along > lv ? lv - along : along < -lv ? -lv - along : 0;
      if (corr !== 0) {
        dx += corr * vx;
        dy += corr * vy;
        dz += corr * vz;
      }
      along = dx * wx + dy * wy + dz * wz;
      corr = along > lw ? lw - along : along < -lw ? -lw - along : 0;
      if (corr !== 0) {
        dx += corr * wx;
        dy += corr * wy;
        dz += corr * wz;
      }
      next[o] = ox + dx;
      next[o + 1] = oy + dy;
      next[o + 2] = oz + dz;
    }
    [p, next] = [next, p];
  };
  for (let it = 0; it < opts.iterations; it++) {
    pass(opts.lambda);
    pass(mu);
  }
  let max = 0;
  let sum = 0;
  for (let v = 0; v < n; v++) {
    const o = v * 3;
    const d = Math.hypot(p[o] - original[o], p[o + 1] - original[o + 1], p[o + 2] - original[o + 2]);
    max = Math.max(max, d);
    sum += d;
  }
  const smoothed: TriangleMesh = { positionsMm: Float32Array.from(p), indices: mesh.indices, frame: mesh.frame };
  const report: SmoothingReport = {
    maxDisplacementMm: max,
    meanDisplacementMm: n ? sum / n : 0,
    deviation: opts.measureDeviation === false ? undefined : surfaceDeviation(mesh, smoothed),
  };
  return { mesh: smoothed, report };
}
