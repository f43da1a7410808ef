import { describe, expect, it } from 'vitest';
import { extractSurface } from '../../../src/core/mesh/surfaceNets';
import { meshStats } from '../../../src/core/mesh/stats';
import type { VolumeGeometry } from '../../../src/core/volume/volume';
import { ijkToLps } from '../../../src/core/volume/volume';
import { thresholdMask } from '../../../src/core/segmentation/threshold';
import type { Vec3 } from '../../../src/core/geometry/vec3';

const grid = (dimensions: [number, number, number], spacingMm: Vec3 = [1, 1, 1], oblique = false): VolumeGeometry => {
  const a = oblique ? 0.3 : 0;
  const b = oblique ? 0.2 : 0;
  // Rz(a)·Rx(b) applied to the axes: orthonormal, right-handed.
  const r: Vec3 = [Math.cos(a), Math.sin(a), 0];
  const c: Vec3 = [-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)];
  const n: Vec3 = [r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]];
  return { dimensions, spacingMm, originLps: [-12.5, 30.25, -7], directionLps: [r, c, n] };
};

function maskOf(g: VolumeGeometry, inside: (p: Vec3) => boolean): Uint8Array {
  const [nx, ny, nz] = g.dimensions;
  const m = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) m[i + j * nx + k * nx * ny] = inside(ijkToLps(g, [i, j, k])) ? 1 : 0;
  return m;
}

/** Generalized winding number of a closed mesh at p (Van Oosterom–Strackee solid angles / 4π). */
function winding(mesh: { positionsMm: Float32Array; indices: Uint32Array }, p: Vec3): number {
  const P = mesh.positionsMm;
  let total = 0;
  for (let t = 0; t < mesh.indices.length; t += 3) {
    const v = [0, 1, 2].map((q) => {
      const i = mesh.indices[t + q] * 3;
      return [P[i] - p[0], P[i + 1] - p[1], P[i + 2] - p[2]];
    });
    const [a, b, c] = v;
    const la = Math.hypot(a[0], a[1], a[2]);
    const lb = Math.hypot(b[0], b[1], b[2]);
    const lc = Math.hypot(c[0], c[1], c[2]);
    const det = a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]);
    const dot = (x: number[], y: number[]): number => x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
    const den = la * lb * lc + dot(a, b) * lc + dot(b, c) * la + dot(c, a) * lb;
    total += 2 * Math.atan2(det, den);
  }
  return total / (4 * Math.PI);
}

/** Every voxel centre is inside the mesh exactly when the mask selects it. */
function expectSeparates(mesh: { positionsMm: Float32Array; indices: Uint32Array }, g: VolumeGeometry, mask: Uint8Array): void {
  const [nx, ny, nz] = g.dimensions;
  let wrong = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const w = winding(mesh, ijkToLps(g, [i, j, k]));
        if (Math.round(w) !== mask[i + j * nx + k * nx * ny] || Math.abs(w - Math.round(w)) > 1e-3) wrong++;
      }
  expect(wrong).toBe(0);
}

const expectManifold = (s: ReturnType<typeof meshStats>): void => {
  expect(s.boundaryEdges).toBe(0);
  expect(s.nonManifoldEdges).toBe(0);
  expect(s.nonManifoldVertices).toBe(0);
  expect(s.inconsistentlyOrientedEdges).toBe(0);
  expect(s.degenerateTriangles).toBe(0);
  expect(s.manifold).toBe(true);
};

describe('surface nets reference mesher: closed 2-manifold by construction', () => {
  it('one voxel: a closed box, outward, volume positive', () => {
    const g = grid([3, 3, 3], [0.7, 1.3, 2.9]);
    const mask = new Uint8Array(27);
    mask[13] = 1;
    const s = meshStats(extractSurface({ dimensions: g.dimensions, mask }, g));
    expectManifold(s);
    expect(s.shells).toBe(1);
    expect(s.eulerCharacteristic).toBe(2);
    expect(s.triangles).toBe(12);
    expect(s.volumeMm3).toBeCloseTo(0.7 * 1.3 * 2.9, 4);
  });

  it('voxels touching only along an edge, or only at a corner: two separate shells', () => {
    for (const other of [1 + 3 * 1 + 0 /* (1,1,0): edge */, 1 + 3 + 9 /* (1,1,1): corner */]) {
      const mask = new Uint8Array(27);
      mask[0] = 1;
      mask[other] = 1;
      const g = grid([3, 3, 3]);
      const mesh = extractSurface({ dimensions: g.dimensions, mask }, g);
      const s = meshStats(mesh);
      expectManifold(s);
      expect(s.shells).toBe(2);
      // At an edge contact each sheet gets its own midpoint, pulled into its voxel: a small notch.
      expect(s.volumeMm3).toBeGreaterThan(other === 4 ? 1.9 : 1.999);
      expect(s.volumeMm3).toBeLessThanOrEqual(2 + 1e-5);
      expectSeparates(mesh, g, mask);
    }
  });

  it('a sphere on an anisotropic oblique grid: manifold, genus 0, volume close to 4/3πr³', () => {
    const g = grid([34, 30, 22], [0.8, 0.9, 1.3], true);
    const centre = ijkToLps(g, [16.3, 14.6, 10.8]);
    const R = 10;
    const mask = maskOf(g, (p) => Math.hypot(p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]) <= R);
    const s = meshStats(extractSurface({ dimensions: g.dimensions, mask }, g));
    expectManifold(s);
    expect(s.shells).toBe(1);
    expect(s.genus).toBe(0);
    // Mask only: the exact voxel boundary, whose volume is the voxel count × voxel volume.
    const voxelMm3 = 0.8 * 0.9 * 1.3;
    expect(s.volumeMm3).toBeCloseTo(mask.reduce((a, b) => a + b, 0) * voxelMm3, 1);
    const analytic = (4 / 3) * Math.PI * R ** 3;
    expect(Math.abs(s.volumeMm3 - analytic) / analytic).toBeLessThan(0.02);
  });

  it('a torus: genus 1 (χ = 0)', () => {
    const g = grid([40, 40, 14], [1, 1, 1]);
    const c = ijkToLps(g, [19.5, 19.5, 6.5]);
    const mask = maskOf(g, (p) => {
      const q = Math.hypot(p[0] - c[0], p[1] - c[1]) - 12;
      return Math.hypot(q, p[2] - c[2]) <= 4.5;
    });
    const s = meshStats(extractSurface({ dimensions: g.dimensions, mask }, g));
    expectManifold(s);
    expect(s.eulerCharacteristic).toBe(0);
    expect(s.genus).toBe(1);
  });

  it('a hollow sphere: two shells, the cavity wound inward', () => {
    const g = grid([30, 30, 30]);
    const c = ijkToLps(g, [14.5, 14.5, 14.5]);
    const mask = maskOf(g, (p) => {
      const d = Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]);
      return d <= 12 && d >= 7;
    });
    const s = meshStats(extractSurface({ dimensions: g.dimensions, mask }, g));
    expectManifold(s);
    expect(s.shells).toBe(2);
    const vols = [...s.shellVolumesMm3].sort((a, b) => a - b);
    expect(vols[0]).toBeLessThan(0);
    expect(vols[1]).toBeGreaterThan(0);
  });

  it('every configuration of the 8 voxels around a lattice corner: manifold, voxel centres classified exactly', () => {
    const g = grid([2, 2, 2], [0.9, 1.1, 1.7], true);
    for (let m = 1; m < 256; m++) {
      const mask = Uint8Array.from({ length: 8 }, (_, i) => (m >> i) & 1);
      const mesh = extractSurface({ dimensions: g.dimensions, mask }, g);
      expectManifold(meshStats(mesh));
      expectSeparates(mesh, g, mask);
    }
  });

  it('every mask of a 3×3×2 grid (2^18, pinch edges included): closed and 2-manifold', () => {
    const g = grid([3, 3, 2]);
    let bad = 0;
    for (let m = 1; m < 1 << 18; m++) {
      const mask = Uint8Array.from({ length: 18 }, (_, i) => (m >> i) & 1);
      if (!meshStats(extractSurface({ dimensions: g.dimensions, mask }, g)).manifold) bad++;
    }
    expect(bad).toBe(0);
  });

  it('random masks (many diagonal-only contacts): manifold, and voxel centres classified exactly', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let trial = 0; trial < 4; trial++) {
      const g = grid([7, 6, 5], [0.9, 1.1, 1.7], trial % 2 === 1);
      const mask = Uint8Array.from({ length: 7 * 6 * 5 }, () => (rnd() < 0.45 ? 1 : 0));
      const mesh = extractSurface({ dimensions: g.dimensions, mask }, g);
      expectManifold(meshStats(mesh));
      expectSeparates(mesh, g, mask);
    }
  });

  it('a block cut by the volume border is closed there', () => {
    const g = grid([8, 6, 5]);
    const mask = maskOf(g, () => true);
    const s = meshStats(extractSurface({ dimensions: g.dimensions, mask }, g));
    expectManifold(s);
    expect(s.volumeMm3).toBeCloseTo(8 * 6 * 5, 4);
  });

  it('a HU range with thresholds equal to stored values: every selected voxel inside, no degenerate triangles', () => {
    const g = grid([12, 11, 10], [0.6, 0.75, 1.2]);
    const [nx, ny, nz] = g.dimensions;
    const values = new Int16Array(nx * ny * nz);
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) values[i + j * nx + k * nx * ny] = ((i * 7 + j * 13 + k * 5) % 9) * 100;
    const range = { lo: 300, hi: 600 }; // equal to stored values 300 and 600
    const mask = thresholdMask(values, range);
    const mesh = extractSurface({ dimensions: g.dimensions, mask, values, range }, g);
    const s = meshStats(mesh);
    expectManifold(s);
    expectSeparates(mesh, g, mask);
    const selected = mask.reduce((a, b) => a + b, 0);
    expect(selected).toBeGreaterThan(100);
    expect(s.volumeMm3).toBeGreaterThan(0);
  });
});
