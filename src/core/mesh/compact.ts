import type { TriangleMesh } from './mesh';

/**
 * The mesh without the vertices no triangle uses, indices renumbered in order of first use;
 * `map[v]` is vertex v's new index (−1 when dropped).
 */
export function compactMesh(positions: Float32Array, indices: Uint32Array, frame: TriangleMesh['frame']): TriangleMesh & { readonly map: Int32Array } {
  const nV = positions.length / 3;
  const map = new Int32Array(nV).fill(-1);
  let n = 0;
  const outIdx = new Uint32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i];
    if (map[v] < 0) map[v] = n++;
    outIdx[i] = map[v];
  }
  const outPos = new Float32Array(3 * n);
  for (let v = 0; v < nV; v++) {
    const m = map[v];
    if (m >= 0) {
      outPos[3 * m] = positions[3 * v];
      outPos[3 * m + 1] = positions[3 * v + 1];
      outPos[3 * m + 2] = positions[3 * v + 2];
    }
  }
  return { positionsMm: outPos, indices: outIdx, frame, map };
}
