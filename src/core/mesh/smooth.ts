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

/** Unique neighbour lists (CSR) from the triangles. */
function neighbours(indices: Uint32Array, vertexCount: number): { start: Int32Array; list: Int32Array } {
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
  // De-duplicate each vertex's list (every edge appears twice around a closed fan).
  const out = new Int32Array(raw.length);
  const outStart = new Int32Array(vertexCount + 1);
  let o = 0;
  for (let v = 0; v < vertexCount; v++) {
    outStart[v] = o;
    const seen = raw.subarray(start[v], start[v + 1]).slice().sort();
    for (let i = 0; i < seen.length; i++) if (i === 0 || seen[i] !== seen[i - 1]) out[o++] = seen[i];
  }
  outStart[vertexCount] = o;
  return { start: outStart, list: out.subarray(0, o) };
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
  const { start, list } = neighbours(mesh.indices, n);
  const axes = geometry.directionLps;
  const limit = geometry.spacingMm.map((s) => s * (opts.maxOffsetVoxels ?? 0.5));
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
      let dx = p[o] + factor * (x * k - p[o]) - original[o];
      let dy = p[o + 1] + factor * (y * k - p[o + 1]) - original[o + 1];
      let dz = p[o + 2] + factor * (z * k - p[o + 2]) - original[o + 2];
      // Clamp the offset from the mesher's position along each grid axis.
      for (let ax = 0; ax < 3; ax++) {
        const u = axes[ax];
        const along = dx * u[0] + dy * u[1] + dz * u[2];
        const clamped = Math.max(-limit[ax], Math.min(limit[ax], along));
        if (clamped !== along) {
          const corr = clamped - along;
          dx += corr * u[0];
          dy += corr * u[1];
          dz += corr * u[2];
        }
      }
      next[o] = original[o] + dx;
      next[o + 1] = original[o + 1] + dy;
      next[o + 2] = original[o + 2] + dz;
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
