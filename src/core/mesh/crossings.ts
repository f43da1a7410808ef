import type { TriangleMesh } from './mesh';

/**
 * Self-intersection checks: triangles of a mesh that cross each other (an edge of one through
 * the interior of the other), exact orientation tests on the float32 positions. Decimation uses
 * them to refuse a result whose sheets were pushed through each other.
 */

/** Sign of det(b − a, c − a, d − a): which side of plane abc the point d lies on (0 on it). */
function orient(p: Float32Array, a: number, b: number, c: number, d: number): number {
  const ax = p[3 * a], ay = p[3 * a + 1], az = p[3 * a + 2];
  const bx = p[3 * b] - ax, by = p[3 * b + 1] - ay, bz = p[3 * b + 2] - az;
  const cx = p[3 * c] - ax, cy = p[3 * c + 1] - ay, cz = p[3 * c + 2] - az;
  const dx = p[3 * d] - ax, dy = p[3 * d + 1] - ay, dz = p[3 * d + 2] - az;
  const det = bx * (cy * dz - cz * dy) - by * (cx * dz - cz * dx) + bz * (cx * dy - cy * dx);
  return det > 0 ? 1 : det < 0 ? -1 : 0;
}

/** Segment pq passes strictly through the interior of triangle abc (touching does not count). */
function segmentCrossesTriangle(pos: Float32Array, p: number, q: number, a: number, b: number, c: number): boolean {
  const sp = orient(pos, a, b, c, p);
  const sq = orient(pos, a, b, c, q);
  if (sp === 0 || sq === 0 || sp === sq) return false;
  const s1 = orient(pos, p, q, a, b);
  const s2 = orient(pos, p, q, b, c);
  const s3 = orient(pos, p, q, c, a);
  return s1 !== 0 && s1 === s2 && s2 === s3;
}

/** Triangles t and u cross each other (neighbours across an edge never do: flips are meshoptimizer's check). */
function trianglesCross(pos: Float32Array, idx: Uint32Array, t: number, u: number): boolean {
  const a0 = idx[3 * t], a1 = idx[3 * t + 1], a2 = idx[3 * t + 2];
  const b0 = idx[3 * u], b1 = idx[3 * u + 1], b2 = idx[3 * u + 2];
  const s0 = a0 === b0 || a0 === b1 || a0 === b2;
  const s1 = a1 === b0 || a1 === b1 || a1 === b2;
  const s2 = a2 === b0 || a2 === b1 || a2 === b2;
  if (+s0 + +s1 + +s2 >= 2) return false;
  const shared = s0 ? a0 : s1 ? a1 : s2 ? a2 : -1;
  // With one shared vertex, the edges through it meet the other triangle's plane only there
  // (unless coplanar), so only the opposite edges are tested.
  const edge = (p: number, q: number, x: number, y: number, z: number): boolean =>
    p !== shared && q !== shared && segmentCrossesTriangle(pos, p, q, x, y, z);
  return (
    edge(a0, a1, b0, b1, b2) || edge(a1, a2, b0, b1, b2) || edge(a2, a0, b0, b1, b2) ||
    edge(b0, b1, a0, a1, a2) || edge(b1, b2, a0, a1, a2) || edge(b2, b0, a0, a1, a2)
  );
}

/**
 * Pairs of triangles that cross each other (an edge of one passes through the interior of the
 * other), found with a uniform grid; touching at a point or along a line does not count.
 * Returns the pairs as [t, u, t, u, ...].
 */
export function crossingTrianglePairs(mesh: TriangleMesh): number[] {
  const pos = mesh.positionsMm;
  const idx = mesh.indices;
  const nT = idx.length / 3;
  const out: number[] = [];
  if (nT < 2) return out;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  let extentSum = 0;
  const box = new Float64Array(6 * nT);
  for (let t = 0; t < nT; t++) {
    let extent = 0;
    for (let k = 0; k < 3; k++) {
      const x = pos[3 * idx[3 * t] + k], y = pos[3 * idx[3 * t + 1] + k], z = pos[3 * idx[3 * t + 2] + k];
      box[6 * t + k] = Math.min(x, y, z);
      box[6 * t + 3 + k] = Math.max(x, y, z);
      lo[k] = Math.min(lo[k], box[6 * t + k]);
      hi[k] = Math.max(hi[k], box[6 * t + 3 + k]);
      extent = Math.max(extent, box[6 * t + 3 + k] - box[6 * t + k]);
    }
    extentSum += extent;
  }
  const size = [0, 1, 2].map((k) => hi[k] - lo[k]);
  let h = Math.max(extentSum / nT, 1e-6);
  const dimsFor = (s: number): number[] => size.map((x) => Math.max(1, Math.ceil(x / s)));
  let dims = dimsFor(h);
  while (dims[0] * dims[1] * dims[2] > 4 * nT + 64) {
    h *= 1.1;
    dims = dimsFor(h);
  }
  const cellOf = (x: number, k: number): number => Math.min(dims[k] - 1, Math.max(0, Math.floor((x - lo[k]) / h)));
  const range = new Int32Array(6 * nT);
  const cells = dims[0] * dims[1] * dims[2];
  const start = new Int32Array(cells + 1);
  for (let t = 0; t < nT; t++) {
    for (let k = 0; k < 6; k++) range[6 * t + k] = cellOf(box[6 * t + k], k % 3);
    for (let z = range[6 * t + 2]; z <= range[6 * t + 5]; z++)
      for (let y = range[6 * t + 1]; y <= range[6 * t + 4]; y++)
        for (let x = range[6 * t]; x <= range[6 * t + 3]; x++) start[x + dims[0] * (y + dims[1] * z) + 1]++;
  }
  for (let c = 0; c < cells; c++) start[c + 1] += start[c];
  const fill = start.slice(0, cells);
  const list = new Int32Array(start[cells]);
  for (let t = 0; t < nT; t++) {
    for (let z = range[6 * t + 2]; z <= range[6 * t + 5]; z++)
      for (let y = range[6 * t + 1]; y <= range[6 * t + 4]; y++)
        for (let x = range[6 * t]; x <= range[6 * t + 3]; x++) list[fill[x + dims[0] * (y + dims[1] * z)]++] = t;
  }
  // Planes n·x = d, for a quick and conservative rejection before the exact orientation tests.
  const plane = new Float64Array(4 * nT);
  for (let t = 0; t < nT; t++) {
    const a = 3 * idx[3 * t], b = 3 * idx[3 * t + 1], c = 3 * idx[3 * t + 2];
    const e1x = pos[b] - pos[a], e1y = pos[b + 1] - pos[a + 1], e1z = pos[b + 2] - pos[a + 2];
    const e2x = pos[c] - pos[a], e2y = pos[c + 1] - pos[a + 1], e2z = pos[c + 2] - pos[a + 2];
    const nx = e1y * e2z - e1z * e2y, ny = e1z * e2x - e1x * e2z, nz = e1x * e2y - e1y * e2x;
    plane[4 * t] = nx;
    plane[4 * t + 1] = ny;
    plane[4 * t + 2] = nz;
    plane[4 * t + 3] = nx * pos[a] + ny * pos[a + 1] + nz * pos[a + 2];
  }
  const scale = Math.max(...lo.map(Math.abs), ...hi.map(Math.abs), 1);
  /** u's corners (other than ones it shares with t) lie clearly on one side of t's plane. */
  const clearlyApart = (t: number, u: number): boolean => {
    const nx = plane[4 * t], ny = plane[4 * t + 1], nz = plane[4 * t + 2];
    const eps = 1e-9 * Math.sqrt(nx * nx + ny * ny + nz * nz) * scale;
    let above = 0;
    let below = 0;
    for (let k = 0; k < 3; k++) {
      const v = idx[3 * u + k];
      if (v === idx[3 * t] || v === idx[3 * t + 1] || v === idx[3 * t + 2]) continue;
      const d = nx * pos[3 * v] + ny * pos[3 * v + 1] + nz * pos[3 * v + 2] - plane[4 * t + 3];
      if (d > eps) above++;
      else if (d < -eps) below++;
      else return false;
    }
    return above === 0 || below === 0;
  };
  for (let z = 0; z < dims[2]; z++)
    for (let y = 0; y < dims[1]; y++)
      for (let x = 0; x < dims[0]; x++) {
        const c = x + dims[0] * (y + dims[1] * z);
        for (let i = start[c]; i < start[c + 1]; i++) {
          const t = list[i];
          for (let j = i + 1; j < start[c + 1]; j++) {
            const u = list[j];
            // Test each pair once: in the lowest cell both ranges share.
            if (Math.max(range[6 * t], range[6 * u]) !== x || Math.max(range[6 * t + 1], range[6 * u + 1]) !== y || Math.max(range[6 * t + 2], range[6 * u + 2]) !== z) continue;
            let overlap = true;
            for (let k = 0; k < 3 && overlap; k++) overlap = box[6 * t + k] <= box[6 * u + 3 + k] && box[6 * u + k] <= box[6 * t + 3 + k];
            if (overlap && !clearlyApart(t, u) && !clearlyApart(u, t) && trianglesCross(pos, idx, t, u)) out.push(t, u);
          }
        }
      }
  return out;
}
