/**
 * The undirected edges of a triangle list, as runs of half-edges. Half-edge h = 3t + k goes from
 * `indices[h]` to the next corner of triangle t. They are bucketed by their lower endpoint
 * (counting sort) and each bucket is sorted by the higher one, so the half-edges of one edge
 * are consecutive: `halfEdges[start[v] .. start[v + 1])` have lower endpoint v, and within that,
 * a run of equal `hi` is one edge. Shared by the mesh checks (stats.ts) and decimation's
 * validation (decimate.ts).
 */
export interface EdgeGroups {
  readonly halfEdges: Int32Array;
  /** Higher endpoint of each entry of `halfEdges`. */
  readonly hi: Int32Array;
  /** CSR offsets by lower endpoint, length vertexCount + 1. */
  readonly start: Int32Array;
}

/** `include[t]` (when given) selects the triangles whose half-edges count. */
export function edgeGroups(indices: ArrayLike<number>, vertexCount: number, include?: Uint8Array): EdgeGroups {
  const triangles = (indices.length / 3) | 0;
  const start = new Int32Array(vertexCount + 1);
  for (let t = 0; t < triangles; t++) {
    if (include && !include[t]) continue;
    for (let k = 0; k < 3; k++) {
      const from = indices[3 * t + k];
      const to = indices[3 * t + ((k + 1) % 3)];
      start[(from < to ? from : to) + 1]++;
    }
  }
  for (let v = 0; v < vertexCount; v++) start[v + 1] += start[v];
  const fill = start.slice(0, vertexCount);
  const halfEdges = new Int32Array(start[vertexCount]);
  const hi = new Int32Array(start[vertexCount]);
  for (let t = 0; t < triangles; t++) {
    if (include && !include[t]) continue;
    for (let k = 0; k < 3; k++) {
      const h = 3 * t + k;
      const from = indices[h];
      const to = indices[3 * t + ((k + 1) % 3)];
      const slot = fill[from < to ? from : to]++;
      halfEdges[slot] = h;
      hi[slot] = from < to ? to : from;
    }
  }
  // Insertion sort of each (small) bucket by higher endpoint.
  for (let v = 0; v < vertexCount; v++) {
    const s = start[v];
    const e = start[v + 1];
    for (let i = s + 1; i < e; i++) {
      const hk = hi[i];
      const bk = halfEdges[i];
      let j = i - 1;
      while (j >= s && hi[j] > hk) {
        hi[j + 1] = hi[j];
        halfEdges[j + 1] = halfEdges[j];
        j--;
      }
      hi[j + 1] = hk;
      halfEdges[j + 1] = bk;
    }
  }
  return { halfEdges, hi, start };
}
