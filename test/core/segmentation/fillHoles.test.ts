import { describe, expect, it } from 'vitest';
import type { Connectivity, LabelGrid } from '../../../src/core/segmentation/grid';
import type { PlaneConnectivity, SliceAxis } from '../../../src/core/segmentation/fillHoles';
import { fillCavities, fillHolesPerSlice } from '../../../src/core/segmentation/fillHoles';

const gridOf = (nx: number, ny: number, nz: number): LabelGrid => ({ dimensions: [nx, ny, nz], spacingMm: [0.5, 1, 2.5] });

function maskWith(grid: LabelGrid, boxes: [number, number, number, number, number, number][], holes: [number, number, number, number, number, number][] = []): Uint8Array {
  const [nx, ny, nz] = grid.dimensions;
  const m = new Uint8Array(nx * ny * nz);
  const paint = (b: [number, number, number, number, number, number], value: number): void => {
    for (let k = b[2]; k < b[5]; k++) for (let j = b[1]; j < b[4]; j++) for (let i = b[0]; i < b[3]; i++) m[i + j * nx + k * nx * ny] = value;
  };
  boxes.forEach((b) => paint(b, 1));
  holes.forEach((b) => paint(b, 0));
  return m;
}

const sum = (m: ArrayLike<number>): number => Array.from(m).reduce((a, b) => a + b, 0);

/** Reference: background reachable from the border (breadth-first), everything else inside. */
function bruteFill3d(mask: Uint8Array, grid: LabelGrid, objectConnectivity: Connectivity): Uint8Array {
  const [nx, ny, nz] = grid.dimensions;
  const bg26 = objectConnectivity === 6;
  const seen = new Uint8Array(mask.length);
  const queue: number[] = [];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + j * nx + k * nx * ny;
        const border = i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1;
        if (border && !mask[v]) {
          seen[v] = 1;
          queue.push(v);
        }
      }
  while (queue.length) {
    const v = queue.pop()!;
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    const k = Math.floor(v / (nx * ny));
    for (let dk = -1; dk <= 1; dk++)
      for (let dj = -1; dj <= 1; dj++)
        for (let di = -1; di <= 1; di++) {
          const d = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
          if (d === 0 || (!bg26 && d > 1)) continue;
          const a = i + di;
          const b = j + dj;
          const c = k + dk;
          if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
          const w = a + b * nx + c * nx * ny;
          if (!mask[w] && !seen[w]) {
            seen[w] = 1;
            queue.push(w);
          }
        }
  }
  return Uint8Array.from(mask, (x, v) => (x || !seen[v] ? 1 : 0));
}

/** Reference 2D fill of every slice along an axis, voxel by voxel. */
function bruteFillSlices(mask: Uint8Array, grid: LabelGrid, axis: SliceAxis, objectConnectivity: PlaneConnectivity): Uint8Array {
  const [nx, ny, nz] = grid.dimensions;
  const out = Uint8Array.from(mask, (x) => (x ? 1 : 0));
  const ax = axis === 'i' ? 0 : axis === 'j' ? 1 : 2;
  const [u, w] = [0, 1, 2].filter((a) => a !== ax);
  const dims = [nx, ny, nz];
  const at = (p: number[]): number => p[0] + p[1] * nx + p[2] * nx * ny;
  const bg8 = objectConnectivity === 4;
  for (let s = 0; s < dims[ax]; s++) {
    const seen = new Set<number>();
    const queue: number[][] = [];
    const point = (a: number, b: number): number[] => {
      const p = [0, 0, 0];
      p[ax] = s;
      p[u] = a;
      p[w] = b;
      return p;
    };
    for (let a = 0; a < dims[u]; a++)
      for (let b = 0; b < dims[w]; b++) {
        if (a !== 0 && b !== 0 && a !== dims[u] - 1 && b !== dims[w] - 1) continue;
        const p = point(a, b);
        if (!mask[at(p)] && !seen.has(at(p))) {
          seen.add(at(p));
          queue.push([a, b]);
        }
      }
    while (queue.length) {
      const [a, b] = queue.pop()!;
      for (let da = -1; da <= 1; da++)
        for (let db = -1; db <= 1; db++) {
          if ((!da && !db) || (!bg8 && da && db)) continue;
          const a2 = a + da;
          const b2 = b + db;
          if (a2 < 0 || b2 < 0 || a2 >= dims[u] || b2 >= dims[w]) continue;
          const v = at(point(a2, b2));
          if (!mask[v] && !seen.has(v)) {
            seen.add(v);
            queue.push([a2, b2]);
          }
        }
    }
    for (let a = 0; a < dims[u]; a++)
      for (let b = 0; b < dims[w]; b++) {
        const v = at(point(a, b));
        if (!mask[v] && !seen.has(v)) out[v] = 1;
      }
  }
  return out;
}

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) | 0) >>> 0) / 4294967296;
}

describe('fillCavities (3D)', () => {
  // 6 × 7 × 5 grid; a box shell i 1–4, j 1–5, k 0–4 (walls 1 voxel) around a 2 × 3 × 3 cavity i 2–3, j 2–4, k 1–3.
  const g = gridOf(6, 7, 5);
  const shell = maskWith(g, [[1, 1, 0, 5, 6, 5]], [[2, 2, 1, 4, 5, 4]]);

  it('fills the cavity of a hollow box (it touches the grid border only through its wall)', () => {
    expect(sum(shell)).toBe(4 * 5 * 5 - 18);
    const filled = fillCavities(shell, g);
    expect(sum(filled)).toBe(100);
    expect(Array.from(filled)).toEqual(Array.from(maskWith(g, [[1, 1, 0, 5, 6, 5]])));
    expect(sum(shell)).toBe(82); // input untouched
  });

  it('does not fill a cup (the cavity opened on the top)', () => {
    const cup = maskWith(g, [[1, 1, 0, 5, 6, 5]], [[2, 2, 1, 4, 5, 5]]);
    expect(Array.from(fillCavities(cup, g))).toEqual(Array.from(cup));
    expect(Array.from(fillCavities(cup, g, 26))).toEqual(Array.from(cup));
  });

  it('a cavity open through an edge-only gap leaks with a 6-connected object but is closed for a 26-connected one', () => {
    // A solid 3 × 3 × 3 block i, j, k 1–3 in a 5 × 5 × 5 grid, its centre (2,2,2) empty, and the edge voxel (3,3,2) removed:
    // the centre meets (3,3,2) only along an edge, and (3,3,2) opens onto the outside.
    const g5 = gridOf(5, 5, 5);
    const m = maskWith(g5, [[1, 1, 1, 4, 4, 4]], [
      [2, 2, 2, 3, 3, 3],
      [3, 3, 2, 4, 4, 3],
    ]);
    const centre = 2 + 2 * 5 + 2 * 25;
    expect(fillCavities(m, g5, 6)[centre]).toBe(0); // background 26-connected: leaks
    const closed = fillCavities(m, g5, 26); // background 6-connected: enclosed
    expect(closed[centre]).toBe(1);
    expect(sum(closed)).toBe(sum(m) + 1);
  });

  it('a cavity against the grid border is open', () => {
    // The same hollow box moved so its cavity reaches k = 0.
    const open = maskWith(g, [[1, 1, 0, 5, 6, 5]], [[2, 2, 0, 4, 5, 4]]);
    expect(Array.from(fillCavities(open, g))).toEqual(Array.from(open));
  });

  it('fills several cavities, nested ones too (an island inside a cavity inside a shell)', () => {
    const g9 = gridOf(9, 9, 9);
    const m = maskWith(g9, [[0, 0, 0, 9, 9, 9], [4, 4, 4, 5, 5, 5]], [[1, 1, 1, 8, 8, 8]]);
    m[4 + 4 * 9 + 4 * 81] = 1;
    const filled = fillCavities(m, g9);
    expect(sum(filled)).toBe(729);
  });

  it('matches a breadth-first reference on random masks (odd sizes, unaligned views)', () => {
    const rnd = random(11);
    for (const [nx, ny, nz, density] of [
      [7, 6, 5, 0.55],
      [11, 5, 6, 0.65],
      [40, 6, 5, 0.5],
      [40, 6, 5, 0.9],
    ] as const) {
      const g2 = gridOf(nx, ny, nz);
      for (const shift of [0, 1, 3]) {
        const m = new Uint8Array(nx * ny * nz + shift).subarray(shift);
        for (let v = 0; v < m.length; v++) m[v] = rnd() < density ? 1 : 0;
        for (const c of [6, 26] as const) expect(Array.from(fillCavities(m, g2, c))).toEqual(Array.from(bruteFill3d(m, g2, c)));
      }
    }
  });

  it('writes in place when given its input as `into`, and checks sizes', () => {
    const copy = shell.slice();
    expect(fillCavities(copy, g, 6, copy)).toBe(copy);
    expect(sum(copy)).toBe(100);
    expect(() => fillCavities(new Uint8Array(5), g)).toThrow(/mask has 5 voxels/);
    expect(() => fillCavities(shell, g, 8 as Connectivity)).toThrow(/connectivity/);
  });
});

describe('fillHolesPerSlice (2D)', () => {
  // A tube along k: in every k-slice a ring i 1–5, j 1–4 (outer) around a 3 × 2 hole i 2–4, j 2–3. Grid 7 × 6 × 4.
  const g = gridOf(7, 6, 4);
  const tube = maskWith(g, [[1, 1, 0, 6, 5, 4]], [[2, 2, 0, 5, 4, 4]]);

  it('fills a ring in every slice along k, but not along i or j, and not in 3D (the tube is open at both ends)', () => {
    const solid = maskWith(g, [[1, 1, 0, 6, 5, 4]]);
    expect(Array.from(fillHolesPerSlice(tube, g, 'k'))).toEqual(Array.from(solid));
    expect(sum(fillHolesPerSlice(tube, g, 'k')) - sum(tube)).toBe(6 * 4);
    expect(Array.from(fillHolesPerSlice(tube, g, 'i'))).toEqual(Array.from(tube));
    expect(Array.from(fillHolesPerSlice(tube, g, 'j'))).toEqual(Array.from(tube));
    expect(Array.from(fillCavities(tube, g))).toEqual(Array.from(tube));
  });

  it('fills along i a ring lying in the j–k planes, and along j one in the i–k planes', () => {
    // Ring in planes of constant i: j 1–4, k 1–4 around j 2–3, k 2–3, for i 0–2 (a tube along i). Grid 3 × 6 × 6.
    const gi = gridOf(3, 6, 6);
    const ti = maskWith(gi, [[0, 1, 1, 3, 5, 5]], [[0, 2, 2, 3, 4, 4]]);
    expect(sum(fillHolesPerSlice(ti, gi, 'i')) - sum(ti)).toBe(12);
    expect(Array.from(fillHolesPerSlice(ti, gi, 'k'))).toEqual(Array.from(ti));
    // Ring in planes of constant j: i 1–5, k 0–3 around i 2–4, k 1–2, for j 1–2. Grid 7 × 4 × 4.
    const gj = gridOf(7, 4, 4);
    const tj = maskWith(gj, [[1, 1, 0, 6, 3, 4]], [[2, 1, 1, 5, 3, 3]]);
    expect(sum(fillHolesPerSlice(tj, gj, 'j')) - sum(tj)).toBe(12);
    expect(Array.from(fillHolesPerSlice(tj, gj, 'i'))).toEqual(Array.from(tj));
  });

  it('a ring with a diagonal gap is open for a 4-connected object, closed for an 8-connected one', () => {
    // One slice, 5 × 5: a ring around (2,2) whose corner (3,3) is missing → (2,2)–(3,3)–(4,4) is an 8-path out.
    const g1 = gridOf(5, 5, 1);
    const ring = maskWith(g1, [[1, 1, 0, 4, 4, 1]], [[2, 2, 0, 3, 3, 1], [3, 3, 0, 4, 4, 1]]);
    expect(fillHolesPerSlice(ring, g1, 'k', 4)[12]).toBe(0);
    const closed = fillHolesPerSlice(ring, g1, 'k', 8);
    expect(closed[12]).toBe(1);
    expect(sum(closed)).toBe(sum(ring) + 1);
  });

  it('matches a voxel-by-voxel reference on random masks, every axis and connectivity', () => {
    const rnd = random(5);
    for (const [nx, ny, nz] of [
      [7, 6, 5],
      [5, 9, 8],
      [21, 4, 6],
      [18, 19, 3],
    ] as const) {
      const g2 = gridOf(nx, ny, nz);
      for (const shift of [0, 2]) {
        const m = new Uint8Array(nx * ny * nz + shift).subarray(shift);
        for (let v = 0; v < m.length; v++) m[v] = rnd() < 0.55 ? 1 : 0;
        for (const axis of ['i', 'j', 'k'] as const)
          for (const c of [4, 8] as const) expect(Array.from(fillHolesPerSlice(m, g2, axis, c)), `${nx}×${ny}×${nz} ${axis} ${c}`).toEqual(Array.from(bruteFillSlices(m, g2, axis, c)));
      }
    }
  });

  it('works in place, and rejects bad axes and connectivities', () => {
    for (const axis of ['i', 'j', 'k'] as const) {
      const copy = tube.slice();
      const expected = fillHolesPerSlice(tube, g, axis);
      expect(fillHolesPerSlice(copy, g, axis, 4, copy)).toBe(copy);
      expect(Array.from(copy)).toEqual(Array.from(expected));
    }
    expect(() => fillHolesPerSlice(tube, g, 'x' as SliceAxis)).toThrow(/axis/);
    expect(() => fillHolesPerSlice(tube, g, 'k', 6 as PlaneConnectivity)).toThrow(/connectivity/);
  });
});
