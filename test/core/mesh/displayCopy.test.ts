import { describe, expect, it } from 'vitest';
import { displayCopy } from '../../../src/core/mesh/displayCopy';
import { surfaceDeviation } from '../../../src/core/mesh/deviation';
import { SMOOTHING_LEVELS, smoothMesh } from '../../../src/core/mesh/smooth';
import { meshStats } from '../../../src/core/mesh/stats';
import { extractSurface } from '../../../src/core/mesh/surfaceNets';
import type { VolumeGeometry } from '../../../src/core/volume/volume';

/** A smoothed ball of radius 20 mm on a 0.8 mm grid (as a model is built). */
function ball(): { mesh: ReturnType<typeof smoothMesh>['mesh']; g: VolumeGeometry } {
  const n = 56;
  const g: VolumeGeometry = { dimensions: [n, n, n], spacingMm: [0.8, 0.8, 0.8], originLps: [-22, -22, -22], directionLps: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };
  const mask = new Uint8Array(n * n * n);
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) mask[i + n * (j + n * k)] = Math.hypot(-22 + 0.8 * i, -22 + 0.8 * j, -22 + 0.8 * k) <= 20 ? 1 : 0;
  return { mesh: smoothMesh(extractSurface({ dimensions: g.dimensions, mask }, g), g, { ...SMOOTHING_LEVELS.medium, measureDeviation: false }).mesh, g };
}

describe('displayCopy: a lighter stand-in for the screen', () => {
  const { mesh } = ball();
  const triangles = mesh.indices.length / 3;

  it('at most the budget, close to the surface it stands for (measured both ways)', async () => {
    const budget = Math.floor(triangles / 4);
    const copy = await displayCopy(mesh, { maxTriangles: budget, maxErrorMm: 0.5 });
    const kept = copy.mesh.indices.length / 3;
    expect(kept).toBeLessThanOrEqual(budget);
    expect(kept).toBeGreaterThan(budget / 2);
    expect(copy.trianglesOf).toBe(triangles);
    expect(copy.errorMm).toBeGreaterThan(0);
    expect(copy.errorMm).toBeLessThanOrEqual(0.5);
    // The simplifier's estimate, and the distance measured between the two surfaces.
    const d = surfaceDeviation(mesh, copy.mesh);
    expect(d.maxMm).toBeLessThan(3 * copy.errorMm);
    expect(d.maxMm).toBeLessThan(0.25);
    // Still a closed ball of the same volume (drawn, not printed, but it must look the same).
    const s = meshStats(copy.mesh);
    expect(s.boundaryEdges).toBe(0);
    expect(Math.abs(s.volumeMm3 - meshStats(mesh).volumeMm3) / meshStats(mesh).volumeMm3).toBeLessThan(0.005);
    // Every vertex is used, and the normals are unit and point out of the ball.
    expect(s.vertices).toBe(copy.mesh.positionsMm.length / 3);
    for (let v = 0; v < copy.normals.length; v += 3) {
      const [x, y, z] = [0, 1, 2].map((k) => copy.mesh.positionsMm[v + k]);
      const [nx, ny, nz] = [0, 1, 2].map((k) => copy.normals[v + k]);
      expect(Math.hypot(nx, ny, nz)).toBeCloseTo(1, 5);
      expect((nx * x + ny * y + nz * z) / Math.hypot(x, y, z)).toBeGreaterThan(0.7);
    }
  });

  it('the error target wins over the budget: a tight one keeps more triangles', async () => {
    const loose = await displayCopy(mesh, { maxTriangles: 200, maxErrorMm: 2 });
    const tight = await displayCopy(mesh, { maxTriangles: 200, maxErrorMm: 0.02 });
    expect(tight.mesh.indices.length).toBeGreaterThan(loose.mesh.indices.length);
    expect(tight.errorMm).toBeLessThanOrEqual(0.02);
    expect(surfaceDeviation(mesh, tight.mesh).maxMm).toBeLessThan(3 * 0.02);
    expect(surfaceDeviation(mesh, loose.mesh).maxMm).toBeLessThan(3 * 2);
  });

  it('a mesh within the budget is its own copy; a zero budget is refused', async () => {
    const same = await displayCopy(mesh, { maxTriangles: triangles });
    expect(same.mesh).toBe(mesh);
    expect(same.errorMm).toBe(0);
    await expect(displayCopy(mesh, { maxTriangles: 0 })).rejects.toThrow(RangeError);
  });
});
