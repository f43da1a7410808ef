// Hand-built triangle meshes for mesh statistics tests. Every closed fixture is wound
// counter-clockwise seen from outside (positive signed volume) unless it says otherwise.
import type { MeshFrame, TriangleMesh } from '../../../src/core/mesh/mesh';

export type Vec3 = [number, number, number];

/** A mesh under construction: plain arrays, easy to concatenate and edit. */
export interface MeshParts {
  positions: number[];
  indices: number[];
}

export const toMesh = (parts: MeshParts, frame: MeshFrame = 'LPS'): TriangleMesh => ({
  positionsMm: new Float32Array(parts.positions),
  indices: new Uint32Array(parts.indices),
  frame,
});

/**
 * Axis-aligned box, 8 vertices and 12 triangles (two per face, split along a diagonal).
 * Vertex i sits at (x: bit 0, y: bit 1, z: bit 2) of i, choosing max for a set bit.
 * `inward` reverses every triangle (a cavity wall: normals point into the box).
 */
export function boxParts(min: Vec3, max: Vec3, inward = false): MeshParts {
  const positions: number[] = [];
  for (let i = 0; i < 8; i++) {
    positions.push(i & 1 ? max[0] : min[0], i & 2 ? max[1] : min[1], i & 4 ? max[2] : min[2]);
  }
  // Outward CCW quads: -z, +z, -y, +y, -x, +x.
  const quads = [
    [0, 2, 3, 1],
    [4, 5, 7, 6],
    [0, 1, 5, 4],
    [2, 6, 7, 3],
    [0, 4, 6, 2],
    [1, 3, 7, 5],
  ];
  const indices: number[] = [];
  for (const [a, b, c, d] of quads) {
    if (inward) indices.push(a, c, b, a, d, c);
    else indices.push(a, b, c, a, c, d);
  }
  return { positions, indices };
}

/** Concatenates parts; with `weld`, vertices at bit-identical positions share one index. */
export function mergeParts(parts: MeshParts[], weld = false): MeshParts {
  const positions: number[] = [];
  const indices: number[] = [];
  const byPosition = new Map<string, number>();
  for (const part of parts) {
    const remap: number[] = [];
    for (let v = 0; v < part.positions.length / 3; v++) {
      const p = part.positions.slice(3 * v, 3 * v + 3);
      const key = p.join(',');
      const existing = weld ? byPosition.get(key) : undefined;
      if (existing !== undefined) {
        remap.push(existing);
      } else {
        const id = positions.length / 3;
        positions.push(...p);
        byPosition.set(key, id);
        remap.push(id);
      }
    }
    for (const i of part.indices) indices.push(remap[i]);
  }
  return { positions, indices };
}

/** Reverses the winding of triangle t. */
export function flipTriangle(parts: MeshParts, t: number): MeshParts {
  const indices = parts.indices.slice();
  [indices[3 * t + 1], indices[3 * t + 2]] = [indices[3 * t + 2], indices[3 * t + 1]];
  return { positions: parts.positions.slice(), indices };
}

/** Drops triangle t (the vertices stay). */
export function removeTriangle(parts: MeshParts, t: number): MeshParts {
  const indices = parts.indices.slice();
  indices.splice(3 * t, 3);
  return { positions: parts.positions.slice(), indices };
}

/**
 * Regular tetrahedron with vertices (±s, ±s, ±s) having an even number of minus signs (the same
 * one manifold-3d's Manifold.tetrahedron() builds for s = 1). Edge 2√2·s, volume 8s³/3,
 * area 8√3·s².
 */
export function tetrahedronParts(s = 1): MeshParts {
  return {
    positions: [s, s, s, s, -s, -s, -s, s, -s, -s, -s, s],
    indices: [1, 3, 2, 0, 2, 3, 0, 3, 1, 0, 1, 2],
  };
}

/**
 * Torus around the z axis: major radius R, tube radius r, `n` segments around the axis and
 * `m` around the tube; vertex (i, j) at angles u = 2πi/n, v = 2πj/m on
 * ((R + r cos v) cos u, (R + r cos v) sin u, r sin v). n·m vertices, 2·n·m triangles, χ = 0.
 */
export function torusParts(R: number, r: number, n: number, m: number): MeshParts {
  const positions: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = (2 * Math.PI * i) / n;
    for (let j = 0; j < m; j++) {
      const v = (2 * Math.PI * j) / m;
      const rho = R + r * Math.cos(v);
      positions.push(rho * Math.cos(u), rho * Math.sin(u), r * Math.sin(v));
    }
  }
  const id = (i: number, j: number): number => (i % n) * m + (j % m);
  const indices: number[] = [];
  // ∂/∂u × ∂/∂v points out of the tube, so (u, v) order is counter-clockwise from outside.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const a = id(i, j), b = id(i + 1, j), c = id(i + 1, j + 1), d = id(i, j + 1);
      indices.push(a, b, c, a, c, d);
    }
  }
  return { positions, indices };
}

/**
 * Exact volume of the polyhedral torus of {@link torusParts}. Each quad is a planar isosceles
 * trapezoid (symmetric about the bisecting half-plane), so the wedge between consecutive
 * half-planes is {(ρ cos(Δ/2), y, z) : (ρ, z) in the tube polygon P, |y| ≤ ρ sin(Δ/2)}, whose
 * volume is sin(Δ) · ∬_P ρ dA = sin(Δ) · R · area(P) (Pappus; P's centroid is at ρ = R).
 * With Δ = 2π/n and area(P) = (m/2) r² sin(2π/m) this tends to 2π²Rr² as n, m → ∞.
 */
export function torusPolyhedralVolume(R: number, r: number, n: number, m: number): number {
  return n * Math.sin((2 * Math.PI) / n) * R * (m / 2) * r * r * Math.sin((2 * Math.PI) / m);
}

/** Exact surface area of the polyhedral torus: n·m trapezoids (see torusPolyhedralVolume). */
export function torusPolyhedralArea(R: number, r: number, n: number, m: number): number {
  const s = Math.sin(Math.PI / n), c = Math.cos(Math.PI / n);
  let ring = 0;
  for (let j = 0; j < m; j++) {
    const v0 = (2 * Math.PI * j) / m, v1 = (2 * Math.PI * (j + 1)) / m;
    const rho0 = R + r * Math.cos(v0), rho1 = R + r * Math.cos(v1);
    const dz = r * Math.sin(v1) - r * Math.sin(v0);
    const height = Math.hypot((rho1 - rho0) * c, dz);
    ring += (rho0 + rho1) * s * height; // (parallel sides 2ρ0·s and 2ρ1·s) / 2 · height
  }
  return n * ring;
}
