import type { TriangleMesh } from './mesh';

/**
 * Point-to-surface distances and the symmetric deviation between two triangle meshes.
 *
 * Every distance is exact: from a point to the nearest point of the nearest triangle (closest
 * point on a triangle, Ericson, "Real-Time Collision Detection" §5.1.5), computed in float64
 * (a sliver thinner than 1e-5 of its edges counts as its edges; see {@link SLIVER_SIN2}).
 * A uniform grid over the target's triangles keeps each query local: cells are visited ring by
 * ring around the query point, a cell is skipped when its box is farther than the best distance
 * found so far, and the search stops as soon as no unvisited cell can hold anything closer, so
 * the answer is the true minimum over all triangles whatever the grid.
 */

/** Distance from a set of sample points of one mesh to the surface of the other. */
export interface DirectedDeviation {
  /** Largest distance over the samples, mm. */
  readonly maxMm: number;
  /** Area-weighted mean distance over the sampled surface, mm (see {@link surfaceDeviation}). */
  readonly meanMm: number;
  /** Sample points measured: referenced vertices, triangle centroids and the extra grid points. */
  readonly samples: number;
}

/** Symmetric (Hausdorff-style) deviation between meshes A and B. */
export interface SurfaceDeviation {
  readonly aToB: DirectedDeviation;
  readonly bToA: DirectedDeviation;
  /** max(aToB.maxMm, bToA.maxMm): the sampled two-sided Hausdorff distance, mm. */
  readonly maxMm: number;
  /** (aToB.meanMm + bToA.meanMm) / 2, mm. */
  readonly meanMm: number;
}

export interface DeviationOptions {
  /**
   * Spacing of the extra sample points inside the triangles of the measured mesh, mm. Vertices
   * alone miss where a large triangle bulges away from a fine surface (the far side of a
   * decimated mesh's triangles); every triangle whose longest edge exceeds the spacing is
   * sampled on a barycentric grid of step ≤ spacing. Default: twice the mean edge length of the
   * *other* mesh, so a coarse mesh is sampled about as finely as the fine surface it is compared
   * to, while two meshes of similar density are compared at vertices and centroids (a query
   * costs ~1 µs). `Infinity`: vertices and centroids only.
   */
  readonly sampleSpacingMm?: number;
}

/**
 * A triangle is treated as its three edges when sin² of its angle at a is below this: Ericson's
 * face test divides by |ab × ac|², which rounding makes meaningless for (near-)collinear corners.
 * The distance to such a sliver differs from the distance to its edges by less than its width,
 * ≤ 1e-5 of its edges.
 */
export const SLIVER_SIN2 = 1e-10;

function isSliver(abx: number, aby: number, abz: number, acx: number, acy: number, acz: number): boolean {
  const nx = aby * acz - abz * acy, ny = abz * acx - abx * acz, nz = abx * acy - aby * acx;
  return !(nx * nx + ny * ny + nz * nz > SLIVER_SIN2 * (abx * abx + aby * aby + abz * abz) * (acx * acx + acy * acy + acz * acz));
}

/** Squared distance from p to the triangle (a, a + ab, a + ac), not a sliver (see {@link isSliver}). */
function pointTriangleDistanceSq(
  px: number, py: number, pz: number,
  ax: number, ay: number, az: number,
  abx: number, aby: number, abz: number,
  acx: number, acy: number, acz: number,
): number {
  const apx = px - ax, apy = py - ay, apz = pz - az;
  const d1 = abx * apx + aby * apy + abz * apz;
  const d2 = acx * apx + acy * apy + acz * apz;
  if (d1 <= 0 && d2 <= 0) return apx * apx + apy * apy + apz * apz; // vertex a
  const bpx = apx - abx, bpy = apy - aby, bpz = apz - abz;
  const d3 = abx * bpx + aby * bpy + abz * bpz;
  const d4 = acx * bpx + acy * bpy + acz * bpz;
  if (d3 >= 0 && d4 <= d3) return bpx * bpx + bpy * bpy + bpz * bpz; // vertex b
  const cpx = apx - acx, cpy = apy - acy, cpz = apz - acz;
  const d5 = abx * cpx + aby * cpy + abz * cpz;
  const d6 = acx * cpx + acy * cpy + acz * cpz;
  if (d6 >= 0 && d5 <= d6) return cpx * cpx + cpy * cpy + cpz * cpz; // vertex c
  // The denominators below are |ab|², |ac|², |bc|² and |ab × ac|²: zero only for a degenerate
  // triangle (a repeated corner, or collinear corners), which is then its three edges.
  const vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0) {
    if (!(d1 - d3 > 0)) return edgesDistanceSq(apx, apy, apz, abx, aby, abz, acx, acy, acz);
    const v = d1 / (d1 - d3); // edge ab
    const x = apx - v * abx, y = apy - v * aby, z = apz - v * abz;
    return x * x + y * y + z * z;
  }
  const vb = d5 * d2 - d1 * d6;
  if (vb <= 0 && d2 >= 0 && d6 <= 0) {
    if (!(d2 - d6 > 0)) return edgesDistanceSq(apx, apy, apz, abx, aby, abz, acx, acy, acz);
    const w = d2 / (d2 - d6); // edge ac
    const x = apx - w * acx, y = apy - w * acy, z = apz - w * acz;
    return x * x + y * y + z * z;
  }
  const va = d3 * d6 - d5 * d4;
  if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) {
    if (!(d4 - d3 + (d5 - d6) > 0)) return edgesDistanceSq(apx, apy, apz, abx, aby, abz, acx, acy, acz);
    const w = (d4 - d3) / (d4 - d3 + (d5 - d6)); // edge bc
    const x = bpx - w * (acx - abx), y = bpy - w * (acy - aby), z = bpz - w * (acz - abz);
    return x * x + y * y + z * z;
  }
  const sum = va + vb + vc;
  if (!(sum > 0)) return edgesDistanceSq(apx, apy, apz, abx, aby, abz, acx, acy, acz);
  const v = vb / sum;
  const w = vc / sum; // inside the face
  const x = apx - v * abx - w * acx, y = apy - v * aby - w * acy, z = apz - v * abz - w * acz;
  return x * x + y * y + z * z;
}

/** Squared distance from p (given as p − a) to the three edges of triangle (a, a + ab, a + ac). */
function edgesDistanceSq(apx: number, apy: number, apz: number, abx: number, aby: number, abz: number, acx: number, acy: number, acz: number): number {
  return Math.min(
    segmentDistanceSq(apx, apy, apz, abx, aby, abz),
    segmentDistanceSq(apx, apy, apz, acx, acy, acz),
    segmentDistanceSq(apx - abx, apy - aby, apz - abz, acx - abx, acy - aby, acz - abz),
  );
}

/** Squared distance from the point at offset (px, py, pz) from a segment's start to the segment (dx, dy, dz). */
function segmentDistanceSq(px: number, py: number, pz: number, dx: number, dy: number, dz: number): number {
  const len = dx * dx + dy * dy + dz * dz;
  const t = len > 0 ? Math.max(0, Math.min(1, (px * dx + py * dy + pz * dz) / len)) : 0;
  const x = px - t * dx, y = py - t * dy, z = pz - t * dz;
  return x * x + y * y + z * z;
}

/** Exact distance from one point to one triangle given by its corners (exported for tests and callers). */
export function pointTriangleDistanceMm(p: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>): number {
  const abx = b[0] - a[0], aby = b[1] - a[1], abz = b[2] - a[2];
  const acx = c[0] - a[0], acy = c[1] - a[1], acz = c[2] - a[2];
  const apx = p[0] - a[0], apy = p[1] - a[1], apz = p[2] - a[2];
  return Math.sqrt(
    isSliver(abx, aby, abz, acx, acy, acz)
      ? edgesDistanceSq(apx, apy, apz, abx, aby, abz, acx, acy, acz)
      : pointTriangleDistanceSq(p[0], p[1], p[2], a[0], a[1], a[2], abx, aby, abz, acx, acy, acz),
  );
}

/**
 * Nearest-triangle queries against one mesh. Building is O(triangles + cells) time and memory;
 * a query near the surface visits a few cells.
 */
export class TriangleDistanceIndex {
  readonly triangleCount: number;
  private readonly pos: Float32Array;
  private readonly idx: Uint32Array;
  private readonly min: [number, number, number];
  private readonly cellMm: number;
  private readonly dims: [number, number, number];
  private readonly cellStart: Int32Array;
  private readonly cellTriangles: Int32Array;
  /** Query stamp per triangle, so a triangle listed in several cells is measured once per query. */
  private readonly stamp: Int32Array;
  /** 1 for a sliver, measured as its three edges. */
  private readonly sliver: Uint8Array;
  private query = 0;

  /** The mesh is read, not copied: do not change its arrays while the index is in use. */
  constructor(mesh: TriangleMesh) {
    const pos = mesh.positionsMm;
    const idx = mesh.indices;
    const nT = idx.length / 3;
    this.triangleCount = nT;
    this.pos = pos;
    this.idx = idx;
    this.stamp = new Int32Array(nT);
    this.sliver = new Uint8Array(nT);
    const min: [number, number, number] = [Infinity, Infinity, Infinity];
    const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
    const box = new Float64Array(6 * nT); // per triangle: min xyz, max xyz
    let extentSum = 0;
    for (let t = 0; t < nT; t++) {
      const a = 3 * idx[3 * t], b = 3 * idx[3 * t + 1], c = 3 * idx[3 * t + 2];
      let extent = 0;
      for (let k = 0; k < 3; k++) {
        const lo = Math.min(pos[a + k], pos[b + k], pos[c + k]);
        const hi = Math.max(pos[a + k], pos[b + k], pos[c + k]);
        box[6 * t + k] = lo;
        box[6 * t + 3 + k] = hi;
        if (lo < min[k]) min[k] = lo;
        if (hi > max[k]) max[k] = hi;
        extent = Math.max(extent, hi - lo);
      }
      extentSum += extent;
      const abx = pos[b] - pos[a], aby = pos[b + 1] - pos[a + 1], abz = pos[b + 2] - pos[a + 2];
      const acx = pos[c] - pos[a], acy = pos[c + 1] - pos[a + 1], acz = pos[c + 2] - pos[a + 2];
      if (isSliver(abx, aby, abz, acx, acy, acz)) this.sliver[t] = 1;
    }
    if (nT === 0) {
      min.fill(0);
      max.fill(0);
    }
    const size = [0, 1, 2].map((k) => max[k] - min[k]);
    // Cells about one triangle wide (measured fastest on mesher output), at most ~8 per triangle.
    const cellBudget = 8 * nT + 64;
    const boxVolume = Math.max(size[0], 1e-9) * Math.max(size[1], 1e-9) * Math.max(size[2], 1e-9);
    let cell = Math.max(nT ? extentSum / nT : 1, Math.cbrt(boxVolume / cellBudget), 1e-6);
    const dimsFor = (h: number): [number, number, number] => [0, 1, 2].map((k) => Math.max(1, Math.ceil(size[k] / h))) as [number, number, number];
    let dims = dimsFor(cell);
    while (dims[0] * dims[1] * dims[2] > cellBudget) {
      cell *= 1.1;
      dims = dimsFor(cell);
    }
    this.min = min;
    this.cellMm = cell;
    this.dims = dims;

    // CSR: every triangle in every cell its bounding box overlaps.
    const [nx, ny] = dims;
    const cellCount = dims[0] * dims[1] * dims[2];
    const start = new Int32Array(cellCount + 1);
    const range = new Int32Array(6 * nT);
    for (let t = 0; t < nT; t++) {
      for (let k = 0; k < 6; k++) range[6 * t + k] = this.cellCoord(box[6 * t + k], k % 3);
      for (let k = range[6 * t + 2]; k <= range[6 * t + 5]; k++)
        for (let j = range[6 * t + 1]; j <= range[6 * t + 4]; j++)
          for (let i = range[6 * t]; i <= range[6 * t + 3]; i++) start[i + nx * (j + ny * k) + 1]++;
    }
    for (let c = 0; c < cellCount; c++) start[c + 1] += start[c];
    const fill = start.slice(0, cellCount);
    const list = new Int32Array(start[cellCount]);
    for (let t = 0; t < nT; t++) {
      for (let k = range[6 * t + 2]; k <= range[6 * t + 5]; k++)
        for (let j = range[6 * t + 1]; j <= range[6 * t + 4]; j++)
          for (let i = range[6 * t]; i <= range[6 * t + 3]; i++) list[fill[i + nx * (j + ny * k)]++] = t;
    }
    this.cellStart = start;
    this.cellTriangles = list;
  }

  private cellCoord(x: number, axis: number): number {
    const c = Math.floor((x - this.min[axis]) / this.cellMm);
    return c < 0 ? 0 : c >= this.dims[axis] ? this.dims[axis] - 1 : c;
  }

  /** Distance from (x, y, z) to the nearest triangle, mm; Infinity for a mesh without triangles. */
  distanceMm(x: number, y: number, z: number): number {
    return Math.sqrt(this.distanceSq(x, y, z));
  }

  private distanceSq(px: number, py: number, pz: number): number {
    if (this.triangleCount === 0) return Infinity;
    const q = ++this.query;
    if (q === 0x7fffffff) {
      this.stamp.fill(0);
      this.query = 1;
    }
    const stamp = this.stamp;
    const pos = this.pos;
    const idx = this.idx;
    const sliver = this.sliver;
    const list = this.cellTriangles;
    const start = this.cellStart;
    const h = this.cellMm;
    const [mx, my, mz] = this.min;
    const [nx, ny, nz] = this.dims;
    const ci = this.cellCoord(px, 0), cj = this.cellCoord(py, 1), ck = this.cellCoord(pz, 2);
    let best = Infinity;
    for (let r = 0; ; r++) {
      const i0 = Math.max(0, ci - r), i1 = Math.min(nx - 1, ci + r);
      const j0 = Math.max(0, cj - r), j1 = Math.min(ny - 1, cj + r);
      const k0 = Math.max(0, ck - r), k1 = Math.min(nz - 1, ck + r);
      for (let k = k0; k <= k1; k++) {
        const kOnShell = k === ck - r || k === ck + r;
        // Squared distance from p to the slab of cell layer k along z.
        const lz = mz + k * h;
        const dz = pz < lz ? lz - pz : pz > lz + h ? pz - lz - h : 0;
        for (let j = j0; j <= j1; j++) {
          const jOnShell = kOnShell || j === cj - r || j === cj + r;
          const ly = my + j * h;
          const dy = py < ly ? ly - py : py > ly + h ? py - ly - h : 0;
          const dyz = dy * dy + dz * dz;
          if (dyz >= best) continue;
          // Off the shell in j and k, only the two end cells in i are new in this ring.
          const step = jOnShell ? 1 : 2 * r;
          for (let i = jOnShell ? i0 : ci - r; i <= i1; i += step) {
            if (i < i0) continue;
            const lx = mx + i * h;
            const dx = px < lx ? lx - px : px > lx + h ? px - lx - h : 0;
            if (dx * dx + dyz >= best) continue;
            const c = i + nx * (j + ny * k);
            for (let s = start[c], e = start[c + 1]; s < e; s++) {
              const t = list[s];
              if (stamp[t] === q) continue;
              stamp[t] = q;
              const a = 3 * idx[3 * t], b = 3 * idx[3 * t + 1], c3 = 3 * idx[3 * t + 2];
              const ax = pos[a], ay = pos[a + 1], az = pos[a + 2];
              const d = sliver[t]
                ? edgesDistanceSq(px - ax, py - ay, pz - az, pos[b] - ax, pos[b + 1] - ay, pos[b + 2] - az, pos[c3] - ax, pos[c3 + 1] - ay, pos[c3 + 2] - az)
                : pointTriangleDistanceSq(px, py, pz, ax, ay, az, pos[b] - ax, pos[b + 1] - ay, pos[b + 2] - az, pos[c3] - ax, pos[c3 + 1] - ay, pos[c3 + 2] - az);
              if (d < best) best = d;
            }
          }
        }
      }
      // Every cell within Chebyshev distance r is done; anything unvisited lies beyond the faces
      // of that block that are not on the grid's own border.
      let bound = Infinity;
      if (ci - r > 0) bound = Math.min(bound, px - (mx + (ci - r) * h));
      if (ci + r < nx - 1) bound = Math.min(bound, mx + (ci + r + 1) * h - px);
      if (cj - r > 0) bound = Math.min(bound, py - (my + (cj - r) * h));
      if (cj + r < ny - 1) bound = Math.min(bound, my + (cj + r + 1) * h - py);
      if (ck - r > 0) bound = Math.min(bound, pz - (mz + (ck - r) * h));
      if (ck + r < nz - 1) bound = Math.min(bound, mz + (ck + r + 1) * h - pz);
      if (bound === Infinity) return best; // the block covers the whole grid
      if (bound > 0 && best <= bound * bound) return best;
    }
  }
}

/** Distance from every point (x, y, z triples) to the nearest triangle of `mesh`, mm. */
export function pointsToSurfaceDistancesMm(pointsMm: ArrayLike<number>, mesh: TriangleMesh | TriangleDistanceIndex): Float64Array {
  const index = mesh instanceof TriangleDistanceIndex ? mesh : new TriangleDistanceIndex(mesh);
  const n = Math.floor(pointsMm.length / 3);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = index.distanceMm(pointsMm[3 * i], pointsMm[3 * i + 1], pointsMm[3 * i + 2]);
  return out;
}

/** Mean edge length of a mesh (each triangle's three edges; shared edges counted twice). */
export function meanEdgeLengthMm(mesh: TriangleMesh): number {
  const p = mesh.positionsMm;
  const idx = mesh.indices;
  let sum = 0;
  for (let t = 0; t < idx.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = 3 * idx[t + e], b = 3 * idx[t + ((e + 1) % 3)];
      const dx = p[a] - p[b], dy = p[a + 1] - p[b + 1], dz = p[a + 2] - p[b + 2];
      sum += Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return idx.length ? sum / idx.length : 0;
}

/**
 * Distances from the surface of `from` to the surface of `to`, sampled at every referenced
 * vertex of `from`, every triangle's centroid, and barycentric grid points on each triangle
 * whose longest edge is longer than `spacingMm` (n = ⌈longest edge / spacing⌉ steps per edge). The maximum is over all samples;
 * the mean is the area-weighted mean over triangles of the mean of each triangle's samples
 * (corners included), an estimate of (1/area)·∫ distance dA.
 */
export function directedDeviation(from: TriangleMesh, to: TriangleMesh | TriangleDistanceIndex, spacingMm: number): DirectedDeviation {
  const index = to instanceof TriangleDistanceIndex ? to : new TriangleDistanceIndex(to);
  const p = from.positionsMm;
  const idx = from.indices;
  const nV = p.length / 3;
  const vertexDistance = new Float64Array(nV).fill(-1);
  let max = 0;
  let samples = 0;
  const at = (v: number): number => {
    let d = vertexDistance[v];
    if (d < 0) {
      d = index.distanceMm(p[3 * v], p[3 * v + 1], p[3 * v + 2]);
      vertexDistance[v] = d;
      samples++;
      if (d > max) max = d;
    }
    return d;
  };
  let weighted = 0;
  let totalArea = 0;
  for (let t = 0; t < idx.length; t += 3) {
    const a = idx[t], b = idx[t + 1], c = idx[t + 2];
    const ax = p[3 * a], ay = p[3 * a + 1], az = p[3 * a + 2];
    const abx = p[3 * b] - ax, aby = p[3 * b + 1] - ay, abz = p[3 * b + 2] - az;
    const acx = p[3 * c] - ax, acy = p[3 * c + 1] - ay, acz = p[3 * c + 2] - az;
    const nx = aby * acz - abz * acy, ny = abz * acx - abx * acz, nz = abx * acy - aby * acx;
    const area = 0.5 * Math.sqrt(nx * nx + ny * ny + nz * nz);
    let sum = at(a) + at(b) + at(c);
    let count = 3;
    const bcx = acx - abx, bcy = acy - aby, bcz = acz - abz;
    const longest = Math.sqrt(Math.max(abx * abx + aby * aby + abz * abz, acx * acx + acy * acy + acz * acz, bcx * bcx + bcy * bcy + bcz * bcz));
    const n = longest > spacingMm ? Math.ceil(longest / spacingMm) : 1;
    if (n % 3 !== 0) {
      // The centroid (on the grid when n is a multiple of 3).
      const d = index.distanceMm(ax + (abx + acx) / 3, ay + (aby + acy) / 3, az + (abz + acz) / 3);
      sum += d;
      count++;
      samples++;
      if (d > max) max = d;
    }
    for (let i = 0; i <= n && n > 1; i++) {
      for (let j = 0; i + j <= n; j++) {
        if ((i === 0 && j === 0) || i === n || j === n) continue; // corners are the vertices
        const u = i / n, v = j / n;
        const d = index.distanceMm(ax + u * abx + v * acx, ay + u * aby + v * acy, az + u * abz + v * acz);
        sum += d;
        count++;
        samples++;
        if (d > max) max = d;
      }
    }
    weighted += (area * sum) / count;
    totalArea += area;
  }
  let meanMm = totalArea > 0 ? weighted / totalArea : 0;
  if (!(totalArea > 0)) {
    // No area to weight by: the plain mean over the vertices measured.
    let s = 0;
    for (let v = 0; v < nV; v++) if (vertexDistance[v] >= 0) s += vertexDistance[v];
    meanMm = samples ? s / samples : 0;
  }
  return { maxMm: max, meanMm, samples };
}

/**
 * Symmetric deviation between two surfaces: A's samples to B's triangles and B's samples to A's
 * triangles (see {@link directedDeviation}), exact point-to-triangle distances.
 */
export function surfaceDeviation(a: TriangleMesh, b: TriangleMesh, opts: DeviationOptions = {}): SurfaceDeviation {
  const aToB = directedDeviation(a, b, opts.sampleSpacingMm ?? 2 * meanEdgeLengthMm(b));
  const bToA = directedDeviation(b, a, opts.sampleSpacingMm ?? 2 * meanEdgeLengthMm(a));
  return { aToB, bToA, maxMm: Math.max(aToB.maxMm, bToA.maxMm), meanMm: (aToB.meanMm + bToA.meanMm) / 2 };
}
