import { describe, expect, it } from 'vitest';
import { SMOOTHING_LEVELS, smoothMesh, vertexNeighbours } from '../../../src/core/mesh/smooth';
import { meshStats } from '../../../src/core/mesh/stats';
import { extractSurface } from '../../../src/core/mesh/surfaceNets';
import type { Vec3 } from '../../../src/core/geometry/vec3';
import type { VolumeGeometry } from '../../../src/core/volume/volume';
import { ijkToLps } from '../../../src/core/volume/volume';

/** An anisotropic, oblique grid holding a sphere of radius R mm. */
function sphere(R: number): { g: VolumeGeometry; mask: Uint8Array; centre: Vec3 } {
  const a = 0.25;
  const b = 0.15;
  const r: Vec3 = [Math.cos(a), Math.sin(a), 0];
  const c: Vec3 = [-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)];
  const n: Vec3 = [r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]];
  const g: VolumeGeometry = { dimensions: [36, 32, 24], spacingMm: [0.8, 0.9, 1.2], originLps: [5, -3, 20], directionLps: [r, c, n] };
  const centre = ijkToLps(g, [17.4, 15.7, 11.6]);
  const [nx, ny, nz] = g.dimensions;
  const mask = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const p = ijkToLps(g, [i, j, k]);
        mask[i + j * nx + k * nx * ny] = Math.hypot(p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]) <= R ? 1 : 0;
      }
  return { g, mask, centre };
}

describe('Taubin smoothing bounded to half a voxel', () => {
  const R = 11;
  const { g, mask, centre } = sphere(R);
  const raw = extractSurface({ dimensions: g.dimensions, mask }, g);
  const rawStats = meshStats(raw);
  const { mesh, report } = smoothMesh(raw, g, SMOOTHING_LEVELS.medium);
  const s = meshStats(mesh);

  it('keeps the mesh closed and manifold (topology untouched)', () => {
    expect(s.manifold).toBe(true);
    expect(s.triangles).toBe(rawStats.triangles);
    expect(s.degenerateTriangles).toBe(0);
  });

  it('sphere volume within 1% of 4/3·π·r³ and the staircase area gone', () => {
    const analytic = (4 / 3) * Math.PI * R ** 3;
    expect(Math.abs(s.volumeMm3 - analytic) / analytic).toBeLessThan(0.01);
    const sphereArea = 4 * Math.PI * R ** 2;
    expect(rawStats.areaMm2 / sphereArea).toBeGreaterThan(1.3); // staircase
    expect(Math.abs(s.areaMm2 - sphereArea) / sphereArea).toBeLessThan(0.08);
  });

  it('bbox within half a voxel of the sphere, deviation reported and bounded', () => {
    const half = Math.hypot(...g.spacingMm.map((x) => x / 2));
    for (let a = 0; a < 3; a++) {
      expect(Math.abs(s.bboxMm.min[a] - (centre[a] - R))).toBeLessThan(half);
      expect(Math.abs(s.bboxMm.max[a] - (centre[a] + R))).toBeLessThan(half);
    }
    expect(report.maxDisplacementMm).toBeGreaterThan(0);
    expect(report.maxDisplacementMm).toBeLessThanOrEqual(half + 1e-9);
    expect(report.meanDisplacementMm).toBeLessThan(report.maxDisplacementMm);
  });

  it('measured surface deviation: within the displacement bound, both directions', () => {
    const d = report.deviation;
    if (!d) throw new Error('deviation not measured');
    // Each sample of one surface lies within its corners' displacements of the same barycentric
    // point of the other surface, so the largest displacement bounds the measured deviation.
    expect(d.maxMm).toBeLessThanOrEqual(report.maxDisplacementMm + 1e-5);
    expect(d.aToB.maxMm).toBeLessThanOrEqual(report.maxDisplacementMm + 1e-5);
    expect(d.bToA.maxMm).toBeLessThanOrEqual(report.maxDisplacementMm + 1e-5);
    // Smoothing moves the staircase corners, so neither direction is zero.
    expect(d.aToB.maxMm).toBeGreaterThan(0.1);
    expect(d.bToA.maxMm).toBeGreaterThan(0.1);
    expect(d.meanMm).toBeGreaterThan(0);
    expect(d.meanMm).toBeLessThan(d.maxMm);
    expect(smoothMesh(raw, g, { ...SMOOTHING_LEVELS.low, measureDeviation: false }).report.deviation).toBeUndefined();
  });

  it('vertices stay within half a voxel of the mesher along each grid axis', () => {
    let worst = 0;
    for (let v = 0; v < raw.positionsMm.length; v += 3) {
      for (let ax = 0; ax < 3; ax++) {
        const u = g.directionLps[ax];
        const d = (mesh.positionsMm[v] - raw.positionsMm[v]) * u[0] + (mesh.positionsMm[v + 1] - raw.positionsMm[v + 1]) * u[1] + (mesh.positionsMm[v + 2] - raw.positionsMm[v + 2]) * u[2];
        worst = Math.max(worst, Math.abs(d) / (g.spacingMm[ax] / 2));
      }
    }
    expect(worst).toBeLessThanOrEqual(1 + 1e-4);
  });
});

describe('the smoothing against a plain reference', () => {
  const { g, mask } = sphere(9);
  const raw = extractSurface({ dimensions: g.dimensions, mask }, g);
  const n = raw.positionsMm.length / 3;

  /** Neighbours as sets, straight from the triangles' edges. */
  const neighbourSets = (): Set<number>[] => {
    const sets = Array.from({ length: n }, () => new Set<number>());
    for (let t = 0; t < raw.indices.length; t += 3) {
      for (let e = 0; e < 3; e++) {
        const a = raw.indices[t + e];
        const b = raw.indices[t + ((e + 1) % 3)];
        sets[a].add(b);
        sets[b].add(a);
      }
    }
    return sets;
  };

  it('neighbour lists: the distinct edge neighbours of each vertex, ascending', () => {
    const { start, list } = vertexNeighbours(raw.indices, n);
    const sets = neighbourSets();
    expect(start[n]).toBe(list.length);
    for (let v = 0; v < n; v++) expect(Array.from(list.subarray(start[v], start[v + 1]))).toEqual([...sets[v]].sort((a, b) => a - b));
  });

  it('every vertex where Taubin passes with a per-axis clamp put it (written out the long way)', () => {
    const sets = neighbourSets().map((set) => [...set]);
    const original = Array.from(raw.positionsMm);
    let p = original.slice();
    const lambda = SMOOTHING_LEVELS.medium.lambda;
    const mu = 1 / (0.1 - 1 / lambda);
    const pass = (factor: number): void => {
      const next = p.slice();
      for (let v = 0; v < n; v++) {
        const mean = [0, 1, 2].map((k) => sets[v].reduce((sum, w) => sum + p[3 * w + k], 0) / sets[v].length);
        const d = [0, 1, 2].map((k) => p[3 * v + k] + factor * (mean[k] - p[3 * v + k]) - original[3 * v + k]);
        for (let ax = 0; ax < 3; ax++) {
          const u = g.directionLps[ax];
          const limit = g.spacingMm[ax] / 2;
          const along = d[0] * u[0] + d[1] * u[1] + d[2] * u[2];
          const clamped = Math.min(limit, Math.max(-limit, along));
          for (let k = 0; k < 3; k++) d[k] += (clamped - along) * u[k];
        }
        for (let k = 0; k < 3; k++) next[3 * v + k] = original[3 * v + k] + d[k];
      }
      p = next;
    };
    for (let it = 0; it < SMOOTHING_LEVELS.medium.iterations; it++) {
      pass(lambda);
      pass(mu);
    }
    const { mesh } = smoothMesh(raw, g, { ...SMOOTHING_LEVELS.medium, measureDeviation: false });
    let worst = 0;
    for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(mesh.positionsMm[i] - p[i]));
    expect(worst).toBeLessThan(1e-5); // float32 output of the same float64 arithmetic
    expect(mesh.indices).toBe(raw.indices); // the triangles are untouched (their topology is reused)
  });
});
