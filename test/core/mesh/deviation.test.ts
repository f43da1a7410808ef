import { describe, expect, it } from 'vitest';
import {
  directedDeviation,
  pointsToSurfaceDistancesMm,
  pointTriangleDistanceMm,
  surfaceDeviation,
  TriangleDistanceIndex,
} from '../../../src/core/mesh/deviation';
import type { TriangleMesh } from '../../../src/core/mesh/mesh';
import { boxParts, toMesh } from './meshFixtures';
import type { Vec3 } from './meshFixtures';
import { rng } from '../../helpers/syntheticSeries';


const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: Vec3): number => Math.sqrt(dot(a, a));

/**
 * Reference point–triangle distance by a different route than the one under test: project onto
 * the plane, keep the projection when its barycentric coordinates are all ≥ 0, otherwise the
 * nearest of the three edges (clamped segment projections).
 */
function referenceDistance(p: Vec3, a: Vec3, b: Vec3, c: Vec3): number {
  const seg = (s: Vec3, e: Vec3): number => {
    const d = sub(e, s);
    const len = dot(d, d);
    const t = len > 0 ? Math.min(1, Math.max(0, dot(sub(p, s), d) / len)) : 0;
    return norm(sub(p, [s[0] + t * d[0], s[1] + t * d[1], s[2] + t * d[2]]));
  };
  const edges = Math.min(seg(a, b), seg(b, c), seg(c, a));
  const n = cross(sub(b, a), sub(c, a));
  const nn = dot(n, n);
  if (nn < 1e-20) return edges;
  const h = dot(sub(p, a), n) / nn;
  const q: Vec3 = [p[0] - h * n[0], p[1] - h * n[1], p[2] - h * n[2]];
  const wa = dot(cross(sub(b, q), sub(c, q)), n);
  const wb = dot(cross(sub(c, q), sub(a, q)), n);
  const wc = dot(cross(sub(a, q), sub(b, q)), n);
  return wa >= 0 && wb >= 0 && wc >= 0 ? Math.abs(h) * Math.sqrt(nn) : edges;
}

/** A closed sphere: an octahedron subdivided `levels` times, vertices pushed onto radius r. */
function icosphere(r: number, levels: number, centre: Vec3 = [0, 0, 0]): TriangleMesh {
  const pts: Vec3[] = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];
  let tris: number[][] = [[0, 2, 4], [2, 1, 4], [1, 3, 4], [3, 0, 4], [2, 0, 5], [1, 2, 5], [3, 1, 5], [0, 3, 5]];
  for (let l = 0; l < levels; l++) {
    const mid = new Map<string, number>();
    const m = (i: number, j: number): number => {
      const key = i < j ? `${i},${j}` : `${j},${i}`;
      let k = mid.get(key);
      if (k === undefined) {
        const p: Vec3 = [(pts[i][0] + pts[j][0]) / 2, (pts[i][1] + pts[j][1]) / 2, (pts[i][2] + pts[j][2]) / 2];
        const len = norm(p);
        k = pts.length;
        pts.push([p[0] / len, p[1] / len, p[2] / len]);
        mid.set(key, k);
      }
      return k;
    };
    tris = tris.flatMap(([a, b, c]) => {
      const ab = m(a, b), bc = m(b, c), ca = m(c, a);
      return [[a, ab, ca], [ab, b, bc], [ca, bc, c], [ab, bc, ca]];
    });
  }
  return {
    positionsMm: new Float32Array(pts.flatMap((p) => [centre[0] + r * p[0], centre[1] + r * p[1], centre[2] + r * p[2]])),
    indices: new Uint32Array(tris.flat()),
    frame: 'LPS',
  };
}

const corner = (m: TriangleMesh, t: number, k: number): Vec3 => {
  const v = m.indices[3 * t + k];
  return [m.positionsMm[3 * v], m.positionsMm[3 * v + 1], m.positionsMm[3 * v + 2]];
};

describe('exact point–triangle distance', () => {
  const a: Vec3 = [0, 0, 0], b: Vec3 = [1, 0, 0], c: Vec3 = [0, 1, 0];
  it('each Voronoi region of a right triangle, by hand', () => {
    expect(pointTriangleDistanceMm([0.2, 0.3, 3], a, b, c)).toBeCloseTo(3, 12); // face
    expect(pointTriangleDistanceMm([0.2, 0.3, -2], a, b, c)).toBeCloseTo(2, 12); // face, below
    expect(pointTriangleDistanceMm([-1, -1, 0], a, b, c)).toBeCloseTo(Math.SQRT2, 12); // vertex a
    expect(pointTriangleDistanceMm([3, -1, 1], a, b, c)).toBeCloseTo(Math.sqrt(4 + 1 + 1), 12); // vertex b
    expect(pointTriangleDistanceMm([0, 2, 0], a, b, c)).toBeCloseTo(1, 12); // vertex c
    expect(pointTriangleDistanceMm([0.5, -2, 1], a, b, c)).toBeCloseTo(Math.sqrt(5), 12); // edge ab
    expect(pointTriangleDistanceMm([-3, 0.25, 4], a, b, c)).toBeCloseTo(5, 12); // edge ca
    expect(pointTriangleDistanceMm([1, 1, 0], a, b, c)).toBeCloseTo(Math.SQRT1_2, 12); // edge bc
  });

  it('degenerate triangles: a segment and a point', () => {
    expect(pointTriangleDistanceMm([1, 1, 0], [0, 0, 0], [1, 0, 0], [2, 0, 0])).toBeCloseTo(1, 12);
    expect(pointTriangleDistanceMm([4, 0, 0], [0, 0, 0], [2, 0, 0], [1, 0, 0])).toBeCloseTo(2, 12);
    expect(pointTriangleDistanceMm([0, 3, 4], [0, 0, 0], [0, 0, 0], [0, 0, 0])).toBeCloseTo(5, 12);
    // A repeated corner, wherever it is: the segment between the two distinct corners.
    expect(pointTriangleDistanceMm([2, 3, 0], [0, 0, 0], [0, 0, 0], [4, 0, 0])).toBeCloseTo(3, 12);
    expect(pointTriangleDistanceMm([2, 3, 0], [4, 0, 0], [0, 0, 0], [0, 0, 0])).toBeCloseTo(3, 12);
    expect(pointTriangleDistanceMm([2, 0, -3], [0, 0, 0], [4, 0, 0], [4, 0, 0])).toBeCloseTo(3, 12);
  });

  it('agrees with a projection-based reference on random triangles and points', () => {
    const r = rng(7);
    const p3 = (s: number): Vec3 => [(r() - 0.5) * s, (r() - 0.5) * s, (r() - 0.5) * s];
    for (let n = 0; n < 20000; n++) {
      const [ta, tb, tc, p] = [p3(4), p3(4), p3(4), p3(10)];
      // Every 50th has a repeated corner, every 50th + 1 three collinear corners.
      if (n % 50 === 0) tb.splice(0, 3, ...ta);
      if (n % 50 === 1) tc.splice(0, 3, ...ta.map((x, k) => x + 2.5 * (tb[k] - x)));
      expect(pointTriangleDistanceMm(p, ta, tb, tc)).toBeCloseTo(referenceDistance(p, ta, tb, tc), 9);
    }
  });
});

describe('point to surface through the grid index', () => {
  it('points around an axis-aligned box: analytic distance to its surface', () => {
    const lo: Vec3 = [2, -1, 5], hi: Vec3 = [7, 3, 6.5];
    const box = toMesh(boxParts(lo, hi));
    const r = rng(11);
    const pts: number[] = [];
    const expected: number[] = [];
    for (let n = 0; n < 3000; n++) {
      // Inside, just outside and far away (up to 40 box sizes: many grid rings).
      const spread = n % 3 === 0 ? 1.2 : n % 3 === 1 ? 3 : 80;
      const p: Vec3 = [0, 1, 2].map((k) => (lo[k] + hi[k]) / 2 + (r() - 0.5) * spread * (hi[k] - lo[k])) as Vec3;
      const out = [0, 1, 2].map((k) => Math.max(0, lo[k] - p[k], p[k] - hi[k]));
      const inside = out.every((d) => d === 0);
      expected.push(inside ? Math.min(...[0, 1, 2].flatMap((k) => [p[k] - lo[k], hi[k] - p[k]])) : Math.hypot(...out));
      pts.push(...p);
    }
    const got = pointsToSurfaceDistancesMm(pts, box);
    expected.forEach((d, i) => expect(got[i]).toBeCloseTo(d, 5));
  });

  it('points above and below a finely tessellated oblique square: |offset along the normal|', () => {
    const e1: Vec3 = [Math.cos(0.4), Math.sin(0.4), 0];
    const e2: Vec3 = [-Math.sin(0.4) * Math.cos(0.7), Math.cos(0.4) * Math.cos(0.7), Math.sin(0.7)];
    const n = cross(e1, e2);
    const o: Vec3 = [10, -20, 30];
    const N = 40;
    const size = 20;
    const positions: number[] = [];
    const indices: number[] = [];
    for (let j = 0; j <= N; j++)
      for (let i = 0; i <= N; i++) {
        const u = (i / N) * size, v = (j / N) * size;
        positions.push(o[0] + u * e1[0] + v * e2[0], o[1] + u * e1[1] + v * e2[1], o[2] + u * e1[2] + v * e2[2]);
      }
    for (let j = 0; j < N; j++)
      for (let i = 0; i < N; i++) {
        const a = i + j * (N + 1);
        indices.push(a, a + 1, a + N + 2, a, a + N + 2, a + N + 1);
      }
    const plane = toMesh({ positions, indices });
    const index = new TriangleDistanceIndex(plane);
    const r = rng(3);
    for (let k = 0; k < 2000; k++) {
      const u = (0.05 + 0.9 * r()) * size, v = (0.05 + 0.9 * r()) * size, h = (r() - 0.5) * 12;
      const d = index.distanceMm(o[0] + u * e1[0] + v * e2[0] + h * n[0], o[1] + u * e1[1] + v * e2[1] + h * n[1], o[2] + u * e1[2] + v * e2[2] + h * n[2]);
      expect(d).toBeCloseTo(Math.abs(h), 4);
    }
  });

  it('a sphere offset outward: distances between ρ − R and ρ − (smallest face distance from the centre)', () => {
    const R = 10;
    const centre: Vec3 = [3, -4, 12];
    const sphere = icosphere(R, 4, centre);
    let inner = Infinity; // the polyhedron lies between radius `inner` and R
    for (let t = 0; t < sphere.indices.length / 3; t++) {
      const [a, b, c] = [0, 1, 2].map((k) => corner(sphere, t, k));
      const nrm = cross(sub(b, a), sub(c, a));
      inner = Math.min(inner, Math.abs(dot(sub(a, centre), nrm)) / norm(nrm));
    }
    expect(inner).toBeLessThan(R);
    const r = rng(5);
    const pts: number[] = [];
    const radii: number[] = [];
    for (let k = 0; k < 2000; k++) {
      const dir: Vec3 = [r() - 0.5, r() - 0.5, r() - 0.5];
      const len = norm(dir);
      if (len < 1e-3) continue;
      const rho = R + 0.5 + 4 * r();
      radii.push(rho);
      pts.push(centre[0] + (rho * dir[0]) / len, centre[1] + (rho * dir[1]) / len, centre[2] + (rho * dir[2]) / len);
    }
    const d = pointsToSurfaceDistancesMm(pts, sphere);
    radii.forEach((rho, i) => {
      expect(d[i]).toBeGreaterThanOrEqual(rho - R - 1e-5);
      expect(d[i]).toBeLessThanOrEqual(rho - inner + 1e-5);
    });
  });

  it('matches brute force over every triangle on a random triangle soup', () => {
    const r = rng(42);
    const positions: number[] = [];
    const indices: number[] = [];
    for (let t = 0; t < 400; t++) {
      const c: Vec3 = [r() * 30, r() * 20, r() * 10];
      const s = t % 10 === 0 ? 12 : 1.5; // a few large triangles across many cells
      for (let k = 0; k < 3; k++) positions.push(c[0] + (r() - 0.5) * s, c[1] + (r() - 0.5) * s, c[2] + (r() - 0.5) * s);
      indices.push(3 * t, 3 * t + 1, 3 * t + 2);
    }
    // A degenerate one (all three corners collinear) and a repeated-index one.
    positions.push(1, 1, 1, 2, 2, 2, 3, 3, 3);
    indices.push(1200, 1201, 1202, 5, 5, 6);
    const soup = toMesh({ positions, indices });
    const index = new TriangleDistanceIndex(soup);
    for (let k = 0; k < 1500; k++) {
      const p: Vec3 = [(r() - 0.25) * 60, (r() - 0.25) * 40, (r() - 0.25) * 20];
      let brute = Infinity;
      for (let t = 0; t < indices.length / 3; t++) brute = Math.min(brute, referenceDistance(p, corner(soup, t, 0), corner(soup, t, 1), corner(soup, t, 2)));
      expect(index.distanceMm(...p)).toBeCloseTo(brute, 6);
    }
  });

  it('a mesh without triangles is infinitely far', () => {
    expect(new TriangleDistanceIndex(toMesh({ positions: [0, 0, 0], indices: [] })).distanceMm(1, 2, 3)).toBe(Infinity);
  });
});

describe('symmetric surface deviation', () => {
  it('a mesh against itself is 0', () => {
    const s = icosphere(7, 3, [1, 2, 3]);
    const d = surfaceDeviation(s, s);
    expect(d.maxMm).toBeLessThan(1e-9);
    expect(d.meanMm).toBeLessThan(1e-9);
    expect(d.aToB.samples).toBeGreaterThan(s.positionsMm.length / 3); // vertices and centroids
  });

  it('nested boxes δ apart: δ one way, δ√3 (the corners) the other', () => {
    const a = 4, delta = 0.3;
    const inner = toMesh(boxParts([0, 0, 0], [a, a, a]));
    const outer = toMesh(boxParts([-delta, -delta, -delta], [a + delta, a + delta, a + delta]));
    const d = surfaceDeviation(inner, outer, { sampleSpacingMm: 0.25 });
    // Every point of the inner box's surface is exactly δ inside the nearest outer face.
    expect(d.aToB.maxMm).toBeCloseTo(delta, 6);
    expect(d.aToB.meanMm).toBeCloseTo(delta, 6);
    // The outer corners are farthest from the inner box: δ along each axis.
    expect(d.bToA.maxMm).toBeCloseTo(delta * Math.sqrt(3), 6);
    // Mean over the outer surface: δ over the central (a)² of each face, more towards the rims.
    expect(d.bToA.meanMm).toBeGreaterThan(delta);
    expect(d.bToA.meanMm).toBeLessThan(delta * Math.sqrt(3));
    expect(d.maxMm).toBe(d.bToA.maxMm);
    expect(d.meanMm).toBeCloseTo((d.aToB.meanMm + d.bToA.meanMm) / 2, 12);
  });

  it('concentric spheres: each direction within the radial gap widened by the faceting', () => {
    const inner = icosphere(8, 4);
    const outer = icosphere(9, 3);
    // Each convex polyhedron lies between the radius of its nearest face plane and its vertex radius.
    const faceRadius = (m: TriangleMesh): number => {
      let r = Infinity;
      for (let t = 0; t < m.indices.length / 3; t++) {
        const [a, b, c] = [0, 1, 2].map((k) => corner(m, t, k));
        const nrm = cross(sub(b, a), sub(c, a));
        r = Math.min(r, Math.abs(dot(a, nrm)) / norm(nrm));
      }
      return r;
    };
    const innerMin = faceRadius(inner), outerMin = faceRadius(outer);
    const d = surfaceDeviation(inner, outer);
    // From a point at radius ρ ≤ 8 inside the outer polyhedron, its surface is between outerMin − ρ
    // and 9 − ρ away (along the ray from the centre).
    expect(d.aToB.maxMm).toBeLessThanOrEqual(9 - innerMin + 1e-5);
    expect(d.aToB.maxMm).toBeGreaterThanOrEqual(outerMin - 8 - 1e-5);
    // The outer vertices at radius 9 are at least 1 from anything within radius 8.
    expect(d.bToA.maxMm).toBeGreaterThanOrEqual(1 - 1e-5);
    expect(d.bToA.maxMm).toBeLessThanOrEqual(9 - innerMin + 1e-5);
    expect(d.meanMm).toBeGreaterThan(outerMin - 8 - 1e-5);
    expect(d.meanMm).toBeLessThan(9 - innerMin);
  });

  it('directed deviation equals brute force over its samples (vertices and centroids)', () => {
    const r = rng(9);
    const jitter = (m: TriangleMesh, s: number): TriangleMesh => ({ ...m, positionsMm: m.positionsMm.map((x) => x + (r() - 0.5) * s) });
    const a = jitter(icosphere(5, 2), 0.4);
    const b = jitter(icosphere(5.2, 3), 0.2);
    const got = directedDeviation(a, b, Infinity);
    let max = 0;
    let weighted = 0;
    let area = 0;
    const nearest = (p: Vec3): number => {
      let best = Infinity;
      for (let t = 0; t < b.indices.length / 3; t++) best = Math.min(best, referenceDistance(p, corner(b, t, 0), corner(b, t, 1), corner(b, t, 2)));
      return best;
    };
    for (let t = 0; t < a.indices.length / 3; t++) {
      const [p, q, s] = [0, 1, 2].map((k) => corner(a, t, k));
      const centroid: Vec3 = [0, 1, 2].map((k) => (p[k] + q[k] + s[k]) / 3) as Vec3;
      const ds = [p, q, s, centroid].map(nearest);
      max = Math.max(max, ...ds);
      const A = norm(cross(sub(q, p), sub(s, p))) / 2;
      weighted += (A * ds.reduce((x, y) => x + y, 0)) / 4;
      area += A;
    }
    expect(got.maxMm).toBeCloseTo(max, 6);
    expect(got.meanMm).toBeCloseTo(weighted / area, 6);
    expect(got.samples).toBe(a.positionsMm.length / 3 + a.indices.length / 3);
  });
});
