import { describe, expect, it } from 'vitest';
import { vertexNormals } from '../../../src/core/mesh/normals';
import { SMOOTHING_LEVELS, smoothMesh } from '../../../src/core/mesh/smooth';
import { extractSurface } from '../../../src/core/mesh/surfaceNets';
import type { VolumeGeometry } from '../../../src/core/volume/volume';
import { boxParts, toMesh } from './meshFixtures';

describe('vertexNormals', () => {
  it('a smoothed sphere: unit normals pointing away from its centre', () => {
    // A sphere of radius 12 mm on a 1 mm grid, meshed and smoothed as a model is.
    const n = 32;
    const g: VolumeGeometry = { dimensions: [n, n, n], spacingMm: [1, 1, 1], originLps: [0, 0, 0], directionLps: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };
    const c = 15.5;
    const mask = new Uint8Array(n * n * n);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) mask[i + n * (j + n * k)] = Math.hypot(i - c, j - c, k - c) <= 12 ? 1 : 0;
    const { mesh } = smoothMesh(extractSurface({ dimensions: g.dimensions, mask }, g), g, { ...SMOOTHING_LEVELS.medium, measureDeviation: false });
    const normals = vertexNormals(mesh);
    expect(normals.length).toBe(mesh.positionsMm.length);
    let sum = 0;
    let worst = 1;
    const count = normals.length / 3;
    for (let v = 0; v < count; v++) {
      const [x, y, z] = [0, 1, 2].map((k) => mesh.positionsMm[3 * v + k] - c);
      const r = Math.hypot(x, y, z);
      const [nx, ny, nz] = [0, 1, 2].map((k) => normals[3 * v + k]);
      expect(Math.hypot(nx, ny, nz)).toBeCloseTo(1, 6);
      const cos = (nx * x + ny * y + nz * z) / r;
      sum += cos;
      worst = Math.min(worst, cos);
    }
    expect(sum / count).toBeGreaterThan(0.99);
    expect(worst).toBeGreaterThan(0.85);
  });

  it('a box: the normal at each corner is the area-weighted mean of its faces', () => {
    // 10 × 20 × 30 mm: the faces' areas weight their normals at a corner by the triangles there.
    const mesh = toMesh(boxParts([0, 0, 0], [10, 20, 30]));
    const normals = vertexNormals(mesh);
    const p = mesh.positionsMm;
    const idx = mesh.indices;
    for (let v = 0; v < p.length / 3; v++) {
      // Written out: sum of the cross products of the triangles using v, normalised.
      const s = [0, 0, 0];
      for (let t = 0; t < idx.length; t += 3) {
        if (idx[t] !== v && idx[t + 1] !== v && idx[t + 2] !== v) continue;
        const [a, b, c] = [idx[t], idx[t + 1], idx[t + 2]].map((i) => [p[3 * i], p[3 * i + 1], p[3 * i + 2]]);
        const e1 = [0, 1, 2].map((k) => b[k] - a[k]);
        const e2 = [0, 1, 2].map((k) => c[k] - a[k]);
        s[0] += e1[1] * e2[2] - e1[2] * e2[1];
        s[1] += e1[2] * e2[0] - e1[0] * e2[2];
        s[2] += e1[0] * e2[1] - e1[1] * e2[0];
      }
      const len = Math.hypot(...s);
      for (let k = 0; k < 3; k++) expect(normals[3 * v + k]).toBeCloseTo(s[k] / len, 6);
      // Outwards: the sign of each component follows the corner's side of the box.
      const centre = [5, 10, 15];
      for (let k = 0; k < 3; k++) expect(Math.sign(normals[3 * v + k])).toBe(Math.sign(p[3 * v + k] - centre[k]));
    }
  });

  it('a vertex no triangle uses gets a zero normal', () => {
    const parts = boxParts([0, 0, 0], [1, 1, 1]);
    const normals = vertexNormals(toMesh({ positions: [...parts.positions, 5, 5, 5], indices: parts.indices }));
    expect(Array.from(normals.slice(-3))).toEqual([0, 0, 0]);
  });
});
