import { MeshoptSimplifier } from 'meshoptimizer/simplifier';
import type { TriangleMesh } from './mesh';
import { DEGENERATE_AREA_MM2, meshStats } from './stats';
import { edgeGroups } from './edges';
import { surfaceDeviation } from './deviation';
import { crossingTrianglePairs } from './crossings';
import { compactMesh } from './compact';
import type { SurfaceDeviation } from './deviation';

/**
 * Decimation that keeps a closed 2-manifold closed and 2-manifold.
 *
 * meshoptimizer's edge-collapse simplifier (quadric error, vertex positions re-solved after each
 * collapse) does the work. It checks for flipped triangles but not for the link condition, so
 * on thin structures a collapse can merge two sheets: an edge shared by four triangles, a vertex
 * whose fan is two disks, a pair of coincident triangles, a shell that vanishes or crosses a
 * neighbouring one. Every result is therefore checked against the input:
 *
 * - every edge in exactly two triangles, traversed once in each direction; every vertex fan a
 *   single disk; no triangle with less than {@link DEGENERATE_AREA_MM2} of area; no two
 *   triangles on the same three vertices;
 * - each input shell (connected piece) still one shell, with the same Euler characteristic
 *   (genus) and a signed volume of the same sign (outward shells outward, cavities inward);
 * - no two triangles that cross each other unless both are unchanged input triangles (a
 *   crossing already in the input is not the decimation's doing).
 *
 * A run that fails a check is redone from the same input with the vertices involved and their
 * neighbours locked (meshoptimizer neither moves nor collapses a locked vertex). Decimation goes
 * in stages: each stage asks for the whole remaining reduction; after three failed runs it asks
 * for half the step, and a stage that passes becomes the input of the next, so a hard spot costs
 * reduction locally instead of the whole result. When no step passes (or {@link MAX_RUNS} is
 * spent) the last valid mesh is returned — at worst the input itself (compacted): a broken mesh
 * is never returned. `trianglesAfter` tells how far it got.
 */

export interface DecimationOptions {
  /**
   * Fraction of the triangles to remove, 0 ≤ reduction < 1: 0.75 keeps a quarter (the meaning
   * of 3D Slicer's "decimation factor"; `convert --decimate 0.75`). 0 returns the mesh as is.
   */
  readonly reduction: number;
  /**
   * Largest allowed deviation from the input surface, mm: passed to meshoptimizer as its error
   * limit, and every stage's result is also checked on the measured two-sided deviation from
   * the input (see `surfaceDeviation`) and redone with less reduction when farther. Unset: the
   * triangle count alone decides.
   */
  readonly maxErrorMm?: number;
  /** Measure the deviation from the input (default true; required with `maxErrorMm`). */
  readonly measureDeviation?: boolean;
}

export interface DecimationResult {
  readonly mesh: TriangleMesh;
  readonly trianglesBefore: number;
  readonly trianglesAfter: number;
  /** What the reduction asked for: ⌊trianglesBefore · (1 − reduction)⌋. */
  readonly targetTriangles: number;
  readonly verticesBefore: number;
  readonly verticesAfter: number;
  /**
   * meshoptimizer's own error, mm, summed over stages: the square root of its area-weighted
   * quadric error, an RMS-like distance to the planes of the collapsed triangles. An estimate,
   * not a bound: the measured maximum was 1.1–3.3× larger in our runs. `deviation` is the
   * measured figure.
   */
  readonly errorMm: number;
  /** Measured deviation between the input and the result (absent with `measureDeviation: false`). */
  readonly deviation?: SurfaceDeviation;
  /** Simplifier runs made (0 for reduction 0); more than one when a run was rejected or the error limit stopped a stage. */
  readonly runs: number;
  /** Vertices locked to keep the result valid, summed over stages (0 when every run passed). */
  readonly lockedVertices: number;
  /** Why runs were rejected, with counts summed over all runs (empty when every run passed). */
  readonly rejections: Readonly<Record<string, number>>;
}

/** Simplifier runs allowed in one decimation. */
export const MAX_RUNS = 40;
/** Runs of one stage with more vertices locked before the stage asks for a smaller step. */
const LOCK_RETRIES = 3;
/** A stage smaller than this fraction of the triangles is not worth a run. */
const MIN_STEP = 0.01;

/** Resolves once the simplifier's WebAssembly is compiled (in Node, browsers and workers alike). */
export const decimationReady: Promise<void> = MeshoptSimplifier.ready;

interface Topology {
  readonly vertexShell: Int32Array;
  readonly shellEuler: number[];
  readonly shellVolume: number[];
  /** Input neighbours per vertex (CSR). */
  readonly ringStart: Int32Array;
  readonly ring: Int32Array;
  /** Input triangles per vertex (CSR). */
  readonly vtStart: Int32Array;
  readonly vt: Int32Array;
}

/** Union–find root with path halving. */
function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

/** Input shells and adjacency used to judge and repair each run. */
function inputTopology(indices: Uint32Array, positions: Float32Array): Topology {
  const nV = positions.length / 3;
  const parent = new Int32Array(nV);
  for (let v = 0; v < nV; v++) parent[v] = v;
  for (let t = 0; t < indices.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = find(parent, indices[t + e]);
      const b = find(parent, indices[t + ((e + 1) % 3)]);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const vertexShell = new Int32Array(nV).fill(-1);
  const rootShell = new Map<number, number>();
  const used = new Uint8Array(nV);
  for (const v of indices) used[v] = 1;
  for (let v = 0; v < nV; v++) {
    if (!used[v]) continue;
    const r = find(parent, v);
    let s = rootShell.get(r);
    if (s === undefined) {
      s = rootShell.size;
      rootShell.set(r, s);
    }
    vertexShell[v] = s;
  }
  const summary = shellSummary(indices, positions, vertexShell, rootShell.size);
  if (!summary) throw new RangeError('decimateMesh needs a closed 2-manifold mesh without degenerate triangles');

  // Vertex → neighbours and vertex → triangles, both CSR.
  const degree = new Int32Array(nV + 1);
  for (const v of indices) degree[v + 1] += 1;
  for (let v = 0; v < nV; v++) degree[v + 1] += degree[v];
  const vtStart = degree;
  const vt = new Int32Array(indices.length);
  const fill = vtStart.slice(0, nV);
  for (let t = 0; t < indices.length / 3; t++) for (let e = 0; e < 3; e++) vt[fill[indices[3 * t + e]]++] = t;
  // In a closed manifold each neighbour follows exactly one corner: take the next corner.
  const ringStart = vtStart;
  const ring = new Int32Array(indices.length);
  fill.set(vtStart.subarray(0, nV));
  for (let t = 0; t < indices.length; t += 3) for (let e = 0; e < 3; e++) ring[fill[indices[t + e]]++] = indices[t + ((e + 1) % 3)];
  return { vertexShell, shellEuler: summary.euler, shellVolume: summary.volume, ringStart, ring, vtStart, vt };
}

/**
 * Per shell (labelled through `vertexShell`): Euler characteristic and signed volume, when every
 * shell is one connected piece. Undefined when a label holds several pieces or none.
 */
function shellSummary(indices: Uint32Array, positions: Float32Array, vertexShell: Int32Array, shells: number): { euler: number[]; volume: number[] } | undefined {
  const stats = meshStats({ positionsMm: positions, indices, frame: 'LPS' });
  if (!stats.manifold || stats.degenerateTriangles) return undefined;
  const euler = new Array<number>(shells).fill(0);
  const volume = new Array<number>(shells).fill(0);
  // χ = V − E + F per shell; in a closed manifold E = 3F/2, so χ = V − F/2.
  const seen = new Uint8Array(positions.length / 3);
  for (let t = 0; t < indices.length; t += 3) {
    const s = vertexShell[indices[t]];
    if (s < 0) return undefined;
    euler[s] -= 0.5;
    for (let e = 0; e < 3; e++) {
      const v = indices[t + e];
      if (!seen[v]) {
        seen[v] = 1;
        euler[s] += 1;
      }
    }
    const a = 3 * indices[t], b = 3 * indices[t + 1], c = 3 * indices[t + 2];
    const ax = positions[a], ay = positions[a + 1], az = positions[a + 2];
    const e1x = positions[b] - ax, e1y = positions[b + 1] - ay, e1z = positions[b + 2] - az;
    const e2x = positions[c] - ax, e2y = positions[c + 1] - ay, e2z = positions[c + 2] - az;
    volume[s] += (ax * (e1y * e2z - e1z * e2y) + ay * (e1z * e2x - e1x * e2z) + az * (e1x * e2y - e1y * e2x)) / 6;
  }
  if (stats.shells !== shells) return undefined;
  return { euler, volume };
}

interface Verdict {
  /** Output vertices (input indices) at a defect. */
  readonly vertices: number[];
  /** Defect counts by kind; empty when the run is valid. */
  readonly reasons: Record<string, number>;
  /** Input shells to lock whole: removed, split, or with their genus or orientation changed. */
  readonly shellsToLock: number[];
}

/** Checks one simplifier run (indices into the input's vertex array, positions possibly moved). */
function judge(out: Uint32Array, pos: Float32Array, inputPos: Float32Array, input: Uint32Array, topo: Topology): Verdict {
  const nV = pos.length / 3;
  const nT = out.length / 3;
  const reasons: Record<string, number> = {};
  const bad: number[] = [];
  const flag = (reason: string, ...vs: number[]): void => {
    reasons[reason] = (reasons[reason] ?? 0) + 1;
    bad.push(...vs);
  };

  // Degenerate triangles.
  for (let t = 0; t < nT; t++) {
    const a = out[3 * t], b = out[3 * t + 1], c = out[3 * t + 2];
    if (a === b || b === c || a === c) {
      flag('degenerate triangle', a, b, c);
      continue;
    }
    const ax = pos[3 * a], ay = pos[3 * a + 1], az = pos[3 * a + 2];
    const e1x = pos[3 * b] - ax, e1y = pos[3 * b + 1] - ay, e1z = pos[3 * b + 2] - az;
    const e2x = pos[3 * c] - ax, e2y = pos[3 * c + 1] - ay, e2z = pos[3 * c + 2] - az;
    const nx = e1y * e2z - e1z * e2y, ny = e1z * e2x - e1x * e2z, nz = e1x * e2y - e1y * e2x;
    if (!(0.5 * Math.sqrt(nx * nx + ny * ny + nz * nz) >= DEGENERATE_AREA_MM2)) flag('degenerate triangle', a, b, c);
  }

  // Edges: half-edges bucketed by their lower endpoint (CSR), grouped by the higher one.
  const next = (h: number): number => (h % 3 === 2 ? h - 2 : h + 1);
  const { halfEdges: bucket, hi, start } = edgeGroups(out, nV);
  // Corner union–find for vertex fans: corner h is triangle ⌊h/3⌋'s corner at out[h].
  const corner = new Int32Array(out.length);
  for (let h = 0; h < corner.length; h++) corner[h] = h;
  const fans = new Int32Array(nV);
  for (const v of out) fans[v]++;
  const cornerAt = (h: number, v: number): number => (out[h] === v ? h : next(h));
  const merge = (c1: number, c2: number, v: number): void => {
    const r1 = find(corner, c1);
    const r2 = find(corner, c2);
    if (r1 !== r2) {
      corner[Math.max(r1, r2)] = Math.min(r1, r2);
      fans[v]--;
    }
  };
  for (let lo = 0; lo < nV; lo++) {
    const s0 = start[lo], s1 = start[lo + 1];
    for (let g = s0; g < s1; ) {
      let g2 = g + 1;
      while (g2 < s1 && hi[g2] === hi[g]) g2++;
      const h1 = bucket[g];
      const a = lo, b = hi[g];
      if (g2 - g !== 2) flag(g2 - g === 1 ? 'open edge' : 'edge in more than two triangles', a, b);
      else {
        const h2 = bucket[g + 1];
        if (out[h1] === out[h2]) flag('inconsistent orientation', a, b);
        merge(cornerAt(h1, a), cornerAt(h2, a), a);
        merge(cornerAt(h1, b), cornerAt(h2, b), b);
      }
      g = g2;
    }
  }
  for (let v = 0; v < nV; v++) if (fans[v] > 1) flag('non-manifold vertex', v);

  // Two triangles on the same three vertices.
  const sorted = new Uint32Array(3 * nT);
  for (let t = 0; t < nT; t++) {
    const a = out[3 * t], b = out[3 * t + 1], c = out[3 * t + 2];
    sorted[3 * t] = Math.min(a, b, c);
    sorted[3 * t + 2] = Math.max(a, b, c);
    sorted[3 * t + 1] = a + b + c - sorted[3 * t] - sorted[3 * t + 2];
  }
  const byCorners = Int32Array.from({ length: nT }, (_, t) => t).sort(
    (x, y) => sorted[3 * x] - sorted[3 * y] || sorted[3 * x + 1] - sorted[3 * y + 1] || sorted[3 * x + 2] - sorted[3 * y + 2],
  );
  for (let i = 1; i < nT; i++) {
    const t = byCorners[i], u = byCorners[i - 1];
    if (sorted[3 * t] === sorted[3 * u] && sorted[3 * t + 1] === sorted[3 * u + 1] && sorted[3 * t + 2] === sorted[3 * u + 2]) {
      flag('coincident triangles', out[3 * t], out[3 * t + 1], out[3 * t + 2]);
    }
  }

  // Shells: each input shell one piece, same χ, same volume sign.
  const shellsToLock: number[] = [];
  if (bad.length === 0) {
    const shells = topo.shellEuler.length;
    const summary = shellSummary(out, pos, topo.vertexShell, shells);
    const present = new Uint8Array(shells);
    for (const v of out) present[topo.vertexShell[v]] = 1;
    for (let s = 0; s < shells; s++) {
      if (!present[s]) {
        flag('shell removed');
        shellsToLock.push(s);
      }
    }
    if (!summary) {
      if (!shellsToLock.length) {
        // A shell split in two (or merged): find which through fresh union–find over the output.
        const parent = new Int32Array(nV);
        for (let v = 0; v < nV; v++) parent[v] = v;
        for (let t = 0; t < out.length; t += 3)
          for (let e = 0; e < 3; e++) {
            const x = find(parent, out[t + e]), y = find(parent, out[t + ((e + 1) % 3)]);
            if (x !== y) parent[Math.max(x, y)] = Math.min(x, y);
          }
        const rootOf = new Map<number, number>();
        for (const v of out) {
          const s = topo.vertexShell[v];
          const r = find(parent, v);
          const known = rootOf.get(s);
          if (known === undefined) rootOf.set(s, r);
          else if (known !== r && !shellsToLock.includes(s)) {
            flag('shell split');
            shellsToLock.push(s);
          }
        }
      }
    } else {
      for (let s = 0; s < shells; s++) {
        if (!present[s]) continue;
        if (summary.euler[s] !== topo.shellEuler[s]) {
          flag('genus changed');
          shellsToLock.push(s);
        } else if (!(Math.sign(summary.volume[s]) === Math.sign(topo.shellVolume[s]) && summary.volume[s] !== 0)) {
          flag('shell turned inside out');
          shellsToLock.push(s);
        }
      }
    }
  }

  // Crossing triangles, unless both are input triangles whose corners did not move.
  if (bad.length === 0 && shellsToLock.length === 0) {
    const pairs = crossingTrianglePairs({ positionsMm: pos, indices: out, frame: 'LPS' });
    const unchanged = (t: number): boolean => {
      const a = out[3 * t], b = out[3 * t + 1], c = out[3 * t + 2];
      for (const v of [a, b, c]) {
        for (let k = 0; k < 3; k++) if (pos[3 * v + k] !== inputPos[3 * v + k]) return false;
      }
      for (let i = topo.vtStart[a]; i < topo.vtStart[a + 1]; i++) {
        const u = topo.vt[i];
        const r = [input[3 * u], input[3 * u + 1], input[3 * u + 2]];
        const o = r.indexOf(a);
        if (r[(o + 1) % 3] === b && r[(o + 2) % 3] === c) return true;
      }
      return false;
    };
    for (let i = 0; i < pairs.length; i += 2) {
      const t = pairs[i], u = pairs[i + 1];
      if (unchanged(t) && unchanged(u)) continue;
      flag('crossing triangles', out[3 * t], out[3 * t + 1], out[3 * t + 2], out[3 * u], out[3 * u + 1], out[3 * u + 2]);
    }
  }
  return { vertices: bad, reasons, shellsToLock };
}

/** Locks the vertices and their input neighbourhood `rings` edges deep. */
function lockAround(lock: Uint8Array, seeds: Iterable<number>, rings: number, topo: Topology): void {
  let front = [...new Set(seeds)];
  for (const v of front) lock[v] = 1;
  for (let r = 0; r < rings && front.length; r++) {
    const nextFront: number[] = [];
    for (const v of front) {
      for (let i = topo.ringStart[v]; i < topo.ringStart[v + 1]; i++) {
        const w = topo.ring[i];
        if (!lock[w]) {
          lock[w] = 1;
          nextFront.push(w);
        }
      }
    }
    front = nextFront;
  }
}

/**
 * Decimates a closed 2-manifold mesh (see the module comment for what is guaranteed).
 * Throws RangeError for a reduction outside [0, 1), a non-positive `maxErrorMm`, or an input
 * that is not a closed 2-manifold without degenerate triangles.
 */
export async function decimateMesh(mesh: TriangleMesh, opts: DecimationOptions): Promise<DecimationResult> {
  const { reduction, maxErrorMm } = opts;
  if (!(reduction >= 0 && reduction < 1)) throw new RangeError(`reduction must be in [0, 1), got ${reduction}`);
  if (maxErrorMm !== undefined && !(maxErrorMm > 0)) throw new RangeError(`maxErrorMm must be > 0, got ${maxErrorMm}`);
  const measure = opts.measureDeviation ?? true;
  if (maxErrorMm !== undefined && !measure) throw new RangeError('maxErrorMm needs measureDeviation');
  await MeshoptSimplifier.ready;

  const original = compactMesh(mesh.positionsMm, mesh.indices, mesh.frame);
  inputTopology(original.indices, original.positionsMm); // throws unless a closed 2-manifold
  const trianglesBefore = original.indices.length / 3;
  const verticesBefore = original.positionsMm.length / 3;
  const targetTriangles = Math.floor(trianglesBefore * (1 - reduction));
  const rejections: Record<string, number> = {};
  const reject = (reason: string, n = 1): void => {
    rejections[reason] = (rejections[reason] ?? 0) + n;
  };

  let current: TriangleMesh = { positionsMm: original.positionsMm, indices: original.indices, frame: original.frame };
  // Vertices locked at trouble spots stay locked in later stages (they survive every stage).
  let carried = new Uint8Array(0);
  let errorMm = 0;
  let runs = 0;
  let lockedVertices = 0;
  const noAttributes = new Float32Array(0);
  // Stages: each asks for the whole remaining reduction; a run that fails its checks is redone
  // with the trouble spots locked, and after LOCK_RETRIES failures the stage asks for half the
  // step. A stage that passes becomes the input of the next, so progress is never lost.
  while (current.indices.length / 3 > targetTriangles && runs < MAX_RUNS) {
    const trianglesNow = current.indices.length / 3;
    const topo = inputTopology(current.indices, current.positionsMm);
    const lock = new Uint8Array(current.positionsMm.length / 3);
    lock.set(carried);
    let stageTarget = targetTriangles;
    let accepted: { mesh: TriangleMesh & { readonly map: Int32Array }; error: number } | undefined;
    while (!accepted && runs < MAX_RUNS) {
      for (let attempt = 0; attempt < LOCK_RETRIES && runs < MAX_RUNS; attempt++) {
        runs++;
        const pos = current.positionsMm.slice();
        const idx = current.indices.slice();
        const [count, error] = MeshoptSimplifier.simplifyWithUpdate(idx, pos, 3, noAttributes, 0, [], lock, 3 * stageTarget, maxErrorMm ?? 1e30, ['ErrorAbsolute']);
        const out = idx.slice(0, count);
        const verdict = judge(out, pos, current.positionsMm, current.indices, topo);
        const kinds = Object.keys(verdict.reasons);
        for (const k of kinds) reject(k, verdict.reasons[k]);
        if (kinds.length) {
          lockAround(lock, verdict.vertices, 1, topo);
          for (const sh of verdict.shellsToLock) for (let v = 0; v < lock.length; v++) if (topo.vertexShell[v] === sh) lock[v] = 1;
          continue;
        }
        const candidate = compactMesh(pos, out, mesh.frame);
        if (maxErrorMm !== undefined && surfaceDeviation(original, candidate).maxMm > maxErrorMm) {
          reject('deviation over maxErrorMm');
          break; // locks do not help here: take a smaller step
        }
        accepted = { mesh: candidate, error };
        break;
      }
      if (accepted) break;
      const step = Math.floor((trianglesNow - stageTarget) / 2);
      if (step < Math.max(1, Math.floor(trianglesNow * MIN_STEP))) break;
      stageTarget = trianglesNow - step;
    }
    if (!accepted) {
      for (const l of lock) lockedVertices += l;
      break;
    }
    carried = new Uint8Array(accepted.mesh.positionsMm.length / 3);
    for (let v = 0; v < lock.length; v++) if (lock[v] && accepted.mesh.map[v] >= 0) carried[accepted.mesh.map[v]] = 1;
    const progress = trianglesNow - accepted.mesh.indices.length / 3;
    current = { positionsMm: accepted.mesh.positionsMm, indices: accepted.mesh.indices, frame: mesh.frame };
    errorMm += accepted.error;
    if (progress < Math.max(1, trianglesNow * MIN_STEP)) break; // the error limit or the locks stop it here
  }

  for (const l of carried) lockedVertices += l;
  const deviation = measure ? (current.indices === original.indices ? zeroDeviation() : surfaceDeviation(original, current)) : undefined;
  return {
    mesh: current,
    trianglesBefore,
    trianglesAfter: current.indices.length / 3,
    targetTriangles,
    verticesBefore,
    verticesAfter: current.positionsMm.length / 3,
    errorMm,
    deviation,
    runs,
    lockedVertices,
    rejections,
  };
}

const zeroDeviation = (): SurfaceDeviation => ({ aToB: { maxMm: 0, meanMm: 0, samples: 0 }, bToA: { maxMm: 0, meanMm: 0, samples: 0 }, maxMm: 0, meanMm: 0 });
