import type { TriangleMesh } from './mesh';

/**
 * Per-vertex normals for shading: the sum of the normals of the triangles around each vertex,
 * weighted by their areas (the unnormalised cross products), then made unit length. Vertices
 * that no triangle uses, or whose triangles cancel out, get (0, 0, 0). Same frame as the mesh.
 */
export function vertexNormals(mesh: Pick<TriangleMesh, 'positionsMm' | 'indices'>): Float32Array {
  const p = mesh.positionsMm;
  const idx = mesh.indices;
  const sum = new Float64Array(p.length);
  for (let t = 0; t < idx.length; t += 3) {
    const a = idx[t] * 3;
    const b = idx[t + 1] * 3;
    const c = idx[t + 2] * 3;
    const e1x = p[b] - p[a];
    const e1y = p[b + 1] - p[a + 1];
    const e1z = p[b + 2] - p[a + 2];
    const e2x = p[c] - p[a];
    const e2y = p[c + 1] - p[a + 1];
    const e2z = p[c + 2] - p[a + 2];
    const nx = e1y * e2z - e1z * e2y;
    const ny = e1z * e2x - e1x * e2z;
    const nz = e1x * e2y - e1y * e2x;
    sum[a] += nx;
    sum[a + 1] += ny;
    sum[a + 2] += nz;
    sum[b] += nx;
    sum[b + 1] += ny;
    sum[b + 2] += nz;
    sum[c] += nx;
    sum[c + 1] += ny;
    sum[c + 2] += nz;
  }
  const out = new Float32Array(p.length);
  for (let v = 0; v < p.length; v += 3) {
    const len = Math.hypot(sum[v], sum[v + 1], sum[v + 2]);
    if (len === 0) continue;
    out[v] = sum[v] / len;
    out[v + 1] = sum[v + 1] / len;
    out[v + 2] = sum[v + 2] / len;
  }
  return out;
}
