import type { TriangleMesh } from './mesh';
import { edgeGroups } from './edges';

/**
 * Statistics and validity checks for a {@link TriangleMesh}: the basis of the "watertight,
 * 2-manifold, faithful to the scan" promise. Pure, allocation-bounded (a few typed arrays of
 * size O(triangles + vertices)), linear time apart from a tiny per-vertex sort.
 *
 * Conventions:
 * - Edges are unordered vertex-index pairs; positions are never compared (no welding), so two
 *   vertices at the same place with different indices are different vertices.
 * - A triangle with a repeated vertex index is counted in `triangles` and `degenerateTriangles`
 *   and its vertices in `vertices`, but it takes no part in the edge topology (edges, shells,
 *   fans, χ's F); it still contributes (zero) area and volume. A zero-area triangle with three
 *   distinct indices (a sliver) is degenerate but takes part in the topology as usual.
 */
export interface MeshStats {
  triangles: number;
  /** Referenced vertices (vertices used by at least one triangle). */
  vertices: number;
  /** Connected components of triangles over shared edges (repeated-index triangles excluded). */
  shells: number;
  /** Edges used by exactly one triangle. */
  boundaryEdges: number;
  /** Edges used by more than two triangles. */
  nonManifoldEdges: number;
  /** Vertices whose triangle fan (over edges used by exactly two triangles) is not one disk/cycle. */
  nonManifoldVertices: number;
  /** Edges used by two triangles that traverse it in the same direction. */
  inconsistentlyOrientedEdges: number;
  /** Triangles with area < {@link DEGENERATE_AREA_MM2} or a repeated vertex index. */
  degenerateTriangles: number;
  /** boundaryEdges === 0 && nonManifoldEdges === 0 */
  watertight: boolean;
  /** watertight && nonManifoldVertices === 0 && inconsistentlyOrientedEdges === 0 */
  manifold: boolean;
  /** V − E + F over referenced vertices, distinct edges and topological triangles. */
  eulerCharacteristic: number;
  /** (2 − χ) / 2, only for a single closed, consistently oriented (manifold) shell. */
  genus?: number;
  /** Signed volume (divergence theorem, about the frame origin), accumulated in float64. */
  volumeMm3: number;
  areaMm2: number;
  /** Bounding box of the referenced vertices, in the mesh's own frame; all zeros when empty. */
  bboxMm: { min: [number, number, number]; max: [number, number, number] };
  /** Signed volume per shell, shells ordered by their lowest triangle index. */
  shellVolumesMm3: number[];
}

/** Triangles with less area than this (mm²) are degenerate. */
export const DEGENERATE_AREA_MM2 = 1e-12;

/** Union–find root with path halving. */
function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    const g = parent[parent[i]];
    parent[i] = g;
    i = g;
  }
  return i;
}

/** Merges the sets of a and b; true when they were distinct. */
function union(parent: Int32Array, a: number, b: number): boolean {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra === rb) return false;
  // Keep the lower index as the root so a shell's root is its first triangle.
  if (ra < rb) parent[rb] = ra;
  else parent[ra] = rb;
  return true;
}

/**
 * What `meshStats` reports that depends on the triangles' indices alone: the edge topology,
 * shells and fans. Smoothing moves vertices and keeps the indices, so the topology of the
 * unsmoothed mesh is that of the smoothed one, and can be computed beside the smoothing.
 */
export interface MeshTopology {
  /** Of the mesh it was computed on (checked when it is reused). */
  readonly vertexCount: number;
  readonly triangleCount: number;
  readonly vertices: number;
  readonly edges: number;
  /** Triangles with three distinct indices. */
  readonly faces: number;
  readonly boundaryEdges: number;
  readonly nonManifoldEdges: number;
  readonly nonManifoldVertices: number;
  readonly inconsistentlyOrientedEdges: number;
  readonly shells: number;
  /** Per triangle, its shell (shells numbered by their lowest triangle), or −1 for a repeated-index triangle. */
  readonly shellOf: Int32Array;
  /** Per vertex, 1 when a triangle uses it. */
  readonly referenced: Uint8Array;
}

/** The index-only part of `meshStats` (see `MeshTopology`). */
export function meshTopology(idx: Uint32Array, vertexCount: number): MeshTopology {
  if (idx.length % 3 !== 0) throw new RangeError(`indices length ${idx.length} is not a multiple of 3`);
  const nV = vertexCount;
  const nT = idx.length / 3;
  const nH = idx.length; // half-edge h = 3t + k runs from corner k to corner (k+1) % 3 of triangle t

  const referenced = new Uint8Array(nV);
  const topological = new Uint8Array(nT); // 1 when the three indices are distinct
  let faces = 0;
  for (let t = 0; t < nT; t++) {
    const a = idx[3 * t];
    const b = idx[3 * t + 1];
    const c = idx[3 * t + 2];
    if (a >= nV || b >= nV || c >= nV) {
      throw new RangeError(`triangle ${t} references vertex ${Math.max(a, b, c)} but the mesh has ${nV} vertices`);
    }
    referenced[a] = 1;
    referenced[b] = 1;
    referenced[c] = 1;
    if (a !== b && b !== c && a !== c) {
      topological[t] = 1;
      faces++;
    }
  }
  let vertices = 0;
  for (let v = 0; v < nV; v++) vertices += referenced[v];

  // --- Half-edges grouped by undirected edge (see edges.ts) ----------------------------------
  const { halfEdges: bucket, hi, start } = edgeGroups(idx, nV, topological);

  // --- Group each bucket by higher endpoint: one group = one edge ---------------------------
  const triParent = new Int32Array(nT);
  for (let t = 0; t < nT; t++) triParent[t] = t;
  // Corner c = 3t + k is triangle t's corner at idx[c]. Corners around a vertex joined across
  // two-triangle edges form its fans; fans(v) = corners(v) − successful merges at v.
  const cornerParent = new Int32Array(nH);
  for (let c = 0; c < nH; c++) cornerParent[c] = c;
  const fans = new Int32Array(nV);
  for (let t = 0; t < nT; t++) {
    if (!topological[t]) continue;
    fans[idx[3 * t]]++;
    fans[idx[3 * t + 1]]++;
    fans[idx[3 * t + 2]]++;
  }

  let edges = 0;
  let boundaryEdges = 0;
  let nonManifoldEdges = 0;
  let inconsistent = 0;
  const next = (h: number): number => (h % 3 === 2 ? h - 2 : h + 1);
  // Corner of half-edge h's triangle at vertex v (v is one of h's endpoints).
  const cornerAt = (h: number, v: number): number => (idx[h] === v ? h : next(h));

  for (let lo = 0; lo < nV; lo++) {
    const s = start[lo];
    const e = start[lo + 1];
    if (e === s) continue;
    let g = s;
    while (g < e) {
      let g2 = g + 1;
      while (g2 < e && hi[g2] === hi[g]) g2++;
      const count = g2 - g;
      edges++;
      const h1 = bucket[g];
      const t1 = (h1 / 3) | 0;
      if (count === 1) {
        boundaryEdges++;
      } else if (count === 2) {
        const h2 = bucket[g + 1];
        const t2 = (h2 / 3) | 0;
        union(triParent, t1, t2);
        if (idx[h1] === idx[h2]) inconsistent++;
        const v2 = hi[g];
        if (union(cornerParent, cornerAt(h1, lo), cornerAt(h2, lo))) fans[lo]--;
        if (union(cornerParent, cornerAt(h1, v2), cornerAt(h2, v2))) fans[v2]--;
      } else {
        nonManifoldEdges++;
        for (let i = g + 1; i < g2; i++) union(triParent, t1, (bucket[i] / 3) | 0);
      }
      g = g2;
    }
  }

  let nonManifoldVertices = 0;
  for (let v = 0; v < nV; v++) if (fans[v] > 1) nonManifoldVertices++;

  // --- Shells, numbered by their lowest triangle ----------------------------------------------
  const shellOf = new Int32Array(nT).fill(-1);
  let shells = 0;
  for (let t = 0; t < nT; t++) {
    if (!topological[t]) continue; // a repeated-index triangle has no edges
    const r = find(triParent, t); // roots are the lowest triangle of each shell, so r <= t
    if (shellOf[r] < 0) shellOf[r] = shells++;
    shellOf[t] = shellOf[r];
  }
  return {
    vertexCount: nV,
    triangleCount: nT,
    vertices,
    edges,
    faces,
    boundaryEdges,
    nonManifoldEdges,
    nonManifoldVertices,
    inconsistentlyOrientedEdges: inconsistent,
    shells,
    shellOf,
    referenced,
  };
}

/**
 * Statistics of a mesh. `topology`, when given, must be `meshTopology` of the same indices
 * (e.g. computed on the unsmoothed mesh in another worker); only the geometry is then computed.
 */
export function meshStats(mesh: TriangleMesh, topology?: MeshTopology): MeshStats {
  const pos = mesh.positionsMm;
  const idx = mesh.indices;
  if (pos.length % 3 !== 0) throw new RangeError(`positionsMm length ${pos.length} is not a multiple of 3`);
  const nV = pos.length / 3;
  if (topology && (topology.vertexCount !== nV || topology.triangleCount * 3 !== idx.length)) {
    throw new RangeError(`topology of ${topology.vertexCount} vertices and ${topology.triangleCount} triangles given for a mesh of ${nV} and ${idx.length / 3}`);
  }
  const topo = topology ?? meshTopology(idx, nV);
  const nT = idx.length / 3;

  // --- Per-triangle geometry, bbox, degenerate triangles, volumes per shell -----------------
  const shellVolumesMm3 = new Array<number>(topo.shells).fill(0);
  const { shellOf, referenced } = topo;
  let degenerate = 0;
  let area = 0;
  let volume = 0;
  for (let t = 0; t < nT; t++) {
    const a = idx[3 * t];
    const b = idx[3 * t + 1];
    const c = idx[3 * t + 2];
    const ax = pos[3 * a], ay = pos[3 * a + 1], az = pos[3 * a + 2];
    const e1x = pos[3 * b] - ax, e1y = pos[3 * b + 1] - ay, e1z = pos[3 * b + 2] - az;
    const e2x = pos[3 * c] - ax, e2y = pos[3 * c + 1] - ay, e2z = pos[3 * c + 2] - az;
    const nx = e1y * e2z - e1z * e2y;
    const ny = e1z * e2x - e1x * e2z;
    const nz = e1x * e2y - e1y * e2x;
    const triArea = 0.5 * Math.sqrt(nx * nx + ny * ny + nz * nz);
    area += triArea;
    // det(a, b, c) = a · ((b − a) × (c − a))
    const triVolume = (ax * nx + ay * ny + az * nz) / 6;
    volume += triVolume;
    const shell = shellOf[t];
    if (shell >= 0) shellVolumesMm3[shell] += triVolume;
    if (shell < 0 || !(triArea >= DEGENERATE_AREA_MM2)) degenerate++;
  }

  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let v = 0; v < nV; v++) {
    if (!referenced[v]) continue;
    for (let k = 0; k < 3; k++) {
      const p = pos[3 * v + k];
      if (p < min[k]) min[k] = p;
      if (p > max[k]) max[k] = p;
    }
  }
  if (topo.vertices === 0) {
    min.fill(0);
    max.fill(0);
  }

  const eulerCharacteristic = topo.vertices - topo.edges + topo.faces;
  const watertight = topo.boundaryEdges === 0 && topo.nonManifoldEdges === 0;
  const manifold = watertight && topo.nonManifoldVertices === 0 && topo.inconsistentlyOrientedEdges === 0;

  const stats: MeshStats = {
    triangles: nT,
    vertices: topo.vertices,
    shells: topo.shells,
    boundaryEdges: topo.boundaryEdges,
    nonManifoldEdges: topo.nonManifoldEdges,
    nonManifoldVertices: topo.nonManifoldVertices,
    inconsistentlyOrientedEdges: topo.inconsistentlyOrientedEdges,
    degenerateTriangles: degenerate,
    watertight,
    manifold,
    eulerCharacteristic,
    volumeMm3: volume,
    areaMm2: area,
    bboxMm: { min, max },
    shellVolumesMm3,
  };
  if (manifold && topo.shells === 1) stats.genus = (2 - eulerCharacteristic) / 2;
  return stats;
}
