import { beforeAll, describe, expect, it } from 'vitest';
import { chunkSlices, planMerge, runChunk, splitSteps, extractSurface, writeChunkLps, type SurfaceInput } from '../../src/core/mesh/surfaceNets';
import { meshChunk, mergeChunks } from '../helpers/chunks';
import { TsSurfaceKernel, type SurfaceKernel } from '../../src/core/mesh/surfaceKernel';
import { meshStats } from '../../src/core/mesh/stats';
import type { VolumeGeometry } from '../../src/core/volume/volume';
import { extractSurfaceUnionFind } from '../helpers/unionFindMesher';
import { loadWasmKernel } from '../helpers/wasmKernel';
import { rng } from '../helpers/syntheticSeries';

let wasm: SurfaceKernel;
beforeAll(async () => {
  wasm = await loadWasmKernel();
});

const identity = (dimensions: [number, number, number]): VolumeGeometry => ({
  dimensions,
  spacingMm: [1, 1, 1],
  originLps: [0, 0, 0],
  directionLps: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
});

function randomMask(dims: [number, number, number], density: number, seed: number): Uint8Array {
  const r = rng(seed);
  return Uint8Array.from({ length: dims[0] * dims[1] * dims[2] }, () => (r() < density ? 1 : 0));
}

/** A blob (ball union) mask: big empty and full runs, so the SIMD skips are taken, plus noise. */
function blobValues(dims: [number, number, number], seed: number): Int16Array {
  const [nx, ny, nz] = dims;
  const r = rng(seed);
  const balls = Array.from({ length: 5 }, () => [r() * nx, r() * ny, r() * nz, 3 + r() * Math.min(nx, ny, nz) * 0.4]);
  const v = new Int16Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        let best = -1000;
        for (const [x, y, z, rad] of balls) best = Math.max(best, Math.round(1400 * (1 - Math.hypot(i - x, j - y, k - z) / rad)));
        v[i + j * nx + k * nx * ny] = Math.max(-1000, Math.min(3000, best + Math.round((r() - 0.5) * 300)));
      }
  return v;
}

function run(kernel: SurfaceKernel, input: SurfaceInput, parts = 1): { positions: Float32Array; indices: Uint32Array } {
  const chunks = splitSteps(input.dimensions[2], parts).map(([from, to]) => meshChunk(kernel, input, from, to));
  return mergeChunks(chunks);
}

/**
 * Expects two meshes to be the same surface: the same triangles as position triples (rotated to
 * start at their smallest corner), positions equal within 1e-4 voxel (they are rounded
 * differently). Several sheets can share a lattice corner's position, so vertices are not matched
 * by position alone.
 */
function expectSameSurface(a: { positionsMm: Float32Array; indices: Uint32Array }, b: { positionsMm: Float32Array; indices: Uint32Array }, name: string): void {
  const eps = 1e-4;
  const cmp = (x: number[], y: number[]): number => {
    for (let q = 0; q < x.length; q++) if (Math.abs(x[q] - y[q]) > eps) return x[q] - y[q];
    return 0;
  };
  const triangles = (m: { positionsMm: Float32Array; indices: Uint32Array }): number[][] => {
    const out: number[][] = [];
    for (let t = 0; t < m.indices.length; t += 3) {
      const c = [0, 1, 2].map((q) => Array.from(m.positionsMm.subarray(m.indices[t + q] * 3, m.indices[t + q] * 3 + 3)));
      let r = 0;
      for (let q = 1; q < 3; q++) if (cmp(c[q], c[r]) < 0) r = q;
      out.push([...c[r], ...c[(r + 1) % 3], ...c[(r + 2) % 3]]);
    }
    return out.sort(cmp);
  };
  const ta = triangles(a);
  const tb = triangles(b);
  expect(ta.length, name).toBe(tb.length);
  let differing = 0;
  for (let t = 0; t < ta.length; t++) if (cmp(ta[t], tb[t]) !== 0) differing++;
  expect(differing, name).toBe(0);
}

function cases(): { name: string; input: SurfaceInput }[] {
  const out: { name: string; input: SurfaceInput }[] = [];
  const dims: [number, number, number][] = [
    [37, 21, 9],
    [40, 33, 12],
    [16, 17, 6],
    [5, 4, 3],
  ];
  dims.forEach((d, n) => {
    out.push({ name: `random mask 45% ${d.join('×')}`, input: { dimensions: d, mask: randomMask(d, 0.45, 11 + n) } });
    out.push({ name: `random mask 8% ${d.join('×')}`, input: { dimensions: d, mask: randomMask(d, 0.08, 21 + n) } });
    const values = blobValues(d, 31 + n);
    out.push({ name: `int16 blobs, range 226..3071 ${d.join('×')}`, input: { dimensions: d, values, range: { lo: 226, hi: 3071 } } });
    // Bounds equal to stored values, and a mask narrower than the range (a kept island).
    const lo = values[Math.floor(values.length / 3)];
    const mask = Uint8Array.from(values, (v, i) => (v >= lo && v <= 1200 && i % 7 !== 0 ? 1 : 0));
    out.push({ name: `int16 mask + values, lo = stored ${lo} ${d.join('×')}`, input: { dimensions: d, mask, values, range: { lo, hi: 1200 } } });
    out.push({ name: `float32 values ${d.join('×')}`, input: { dimensions: d, values: Float32Array.from(values, (v) => v * 0.37 + 0.125), range: { lo: 50.5, hi: 700 } } });
    const labels = Uint8Array.from(values, (v) => (v > 800 ? 3 : v > 200 ? 2 : v > -200 ? 1 : 0));
    out.push({ name: `labelmap, label 2 ${d.join('×')}`, input: { dimensions: d, mask: labels, label: 2 } });
  });
  return out;
}

describe('surface kernels: WebAssembly = TypeScript = the union-find oracle', () => {
  it('the WebAssembly kernel gives the TypeScript kernel’s mesh bit for bit', () => {
    const ts = new TsSurfaceKernel();
    for (const { name, input } of cases()) {
      const a = run(ts, input);
      const b = run(wasm, input);
      expect(b.indices.length, name).toBe(a.indices.length);
      expect(Buffer.from(b.positions.buffer, b.positions.byteOffset, b.positions.byteLength).equals(Buffer.from(a.positions.buffer, a.positions.byteOffset, a.positions.byteLength)), name).toBe(true);
      expect(Buffer.from(b.indices.buffer, b.indices.byteOffset, b.indices.byteLength).equals(Buffer.from(a.indices.buffer, a.indices.byteOffset, a.indices.byteLength)), name).toBe(true);
      expect(a.indices.length, name).toBeGreaterThan(0);
    }
  });

  it('the table-driven kernel gives the union-find mesher’s surface (same triangles, same positions)', () => {
    for (const { name, input } of cases()) {
      if (input.label !== undefined) continue; // the oracle reads 0/1 masks
      const g = identity([...input.dimensions]);
      const mask = input.mask ?? Uint8Array.from(input.values!, (v) => (v >= input.range!.lo && v <= input.range!.hi ? 1 : 0));
      const oracle = extractSurfaceUnionFind({ dimensions: input.dimensions, mask, values: input.values, range: input.range }, g);
      const ours = extractSurface(input, g);
      expectSameSurface(ours, oracle, name);
    }
  });

  it('split into 2–6 chunks (as workers do): the same mesh as one chunk, no duplicate vertex, closed', () => {
    for (const { name, input } of cases()) {
      const whole = run(wasm, input);
      for (const parts of [2, 3, 6]) {
        const split = run(wasm, input, parts);
        expect(Array.from(split.indices), `${name} in ${parts}`).toEqual(Array.from(whole.indices));
        expect(Array.from(split.positions), `${name} in ${parts}`).toEqual(Array.from(whole.positions));
      }
      const s = meshStats({ positionsMm: whole.positions, indices: whole.indices, frame: 'LPS' });
      expect(s.manifold, name).toBe(true);
      expect(s.degenerateTriangles, name).toBe(0);
      // Every vertex is used: a duplicate at a seam would leave one unreferenced or break the edges.
      expect(s.vertices, name).toBe(whole.positions.length / 3);
    }
  });

  it('the TypeScript kernel also splits seamlessly', () => {
    const ts = new TsSurfaceKernel();
    const input = cases()[0].input;
    expect(run(ts, input, 4)).toEqual(run(ts, input, 1));
  });

  it('one kernel instance reused across sizes and modes keeps giving fresh results', () => {
    const all = cases();
    const first = all.map(({ input }) => run(wasm, input));
    const again = [...all].reverse().map(({ input }) => run(wasm, input)).reverse();
    for (let n = 0; n < all.length; n++) expect(Array.from(again[n].indices), all[n].name).toEqual(Array.from(first[n].indices));
  });

  it('edge cases agree: labels above 127, range bounds beyond int16, nothing inside, everything inside', () => {
    const ts = new TsSurfaceKernel();
    const d: [number, number, number] = [19, 18, 7];
    const values = blobValues(d, 77);
    const labels = Uint8Array.from(values, (v) => (v > 500 ? 200 : v > 0 ? 129 : 0));
    const edge: { name: string; input: SurfaceInput; triangles?: number }[] = [
      { name: 'label 200', input: { dimensions: d, mask: labels, label: 200 } },
      { name: 'label 129', input: { dimensions: d, mask: labels, label: 129 } },
      { name: 'all of int16', input: { dimensions: d, values, range: { lo: -40000, hi: 40000 } } },
      { name: 'above int16', input: { dimensions: d, values, range: { lo: 40000, hi: 50000 } }, triangles: 0 },
      { name: 'fractional bounds', input: { dimensions: d, values, range: { lo: 225.5, hi: 1000.25 } } },
      { name: 'empty mask', input: { dimensions: d, mask: new Uint8Array(19 * 18 * 7) }, triangles: 0 },
    ];
    for (const { name, input, triangles } of edge) {
      const a = run(ts, input);
      const b = run(wasm, input);
      expect(Array.from(b.indices), name).toEqual(Array.from(a.indices));
      expect(Array.from(b.positions), name).toEqual(Array.from(a.positions));
      if (triangles !== undefined) expect(a.indices.length / 3, name).toBe(triangles);
      else expect(meshStats({ positionsMm: a.positions, indices: a.indices, frame: 'LPS' }).manifold, name).toBe(true);
    }
    // The whole block: a box around the grid, 2 triangles per boundary voxel face.
    const all = run(wasm, edge[2].input);
    expect(all.indices.length / 3).toBe(2 * 2 * (19 * 18 + 18 * 7 + 19 * 7));
  });

  it('a worker’s slab (firstSlice) gives its chunk of the whole volume exactly', () => {
    for (const { name, input } of cases().slice(0, 12)) {
      const [nx, ny, nz] = input.dimensions;
      const S = nx * ny;
      const chunks = splitSteps(nz, 3).map(([from, to]) => {
        const [first, end] = chunkSlices(nz, from, to);
        const slab: SurfaceInput = {
          ...input,
          mask: input.mask?.slice(first * S, end * S),
          values: input.values?.slice(first * S, end * S),
          firstSlice: first,
        };
        return meshChunk(wasm, slab, from, to);
      });
      const whole = run(wasm, input);
      const merged = mergeChunks(chunks);
      expect(Array.from(merged.indices), name).toEqual(Array.from(whole.indices));
      expect(Array.from(merged.positions), name).toEqual(Array.from(whole.positions));
    }
    const input = cases()[0].input;
    expect(() => meshChunk(wasm, { ...input, mask: input.mask!.slice(0, input.dimensions[0] * input.dimensions[1] * 2), firstSlice: 3 }, 0, 4)).toThrow(/outside the slab/);
  });

  it('every mask of a 3×3×2 grid (2^18, pinch edges included): the WebAssembly kernel equals the TypeScript one', () => {
    const ts = new TsSurfaceKernel();
    let differ = 0;
    for (let m = 1; m < 1 << 18; m++) {
      const input: SurfaceInput = { dimensions: [3, 3, 2], mask: Uint8Array.from({ length: 18 }, (_, i) => (m >> i) & 1) };
      const a = meshChunk(ts, input, 0, 3);
      const b = meshChunk(wasm, input, 0, 3);
      if (a.indices.length !== b.indices.length || a.indices.some((v, i) => v !== b.indices[i]) || a.positions.some((v, i) => v !== b.positions[i])) differ++;
    }
    expect(differ).toBe(0);
  });

  it('chunks written straight into one LPS mesh, in any order (as workers into shared memory), = the one-piece mesh; mirrored grids flip winding', () => {
    const oblique = (mirror: boolean): VolumeGeometry => {
      const a = 0.3;
      const r: [number, number, number] = [Math.cos(a), Math.sin(a), 0];
      const c: [number, number, number] = [-Math.sin(a), Math.cos(a), 0];
      return { dimensions: [40, 33, 12], spacingMm: [0.7, 0.8, 1.9], originLps: [-3, 12.5, 40], directionLps: [r, c, [0, 0, mirror ? -1 : 1]] };
    };
    for (const { name, input } of cases().filter((c) => c.input.dimensions[0] === 40)) {
      for (const mirror of [false, true]) {
        const g = oblique(mirror);
        const whole = extractSurface(input, g, wasm);
        const kernels = [wasm, new TsSurfaceKernel(), new TsSurfaceKernel()];
        const summaries = splitSteps(input.dimensions[2], 3).map(([from, to], w) => runChunk(kernels[w], input, from, to));
        const plan = planMerge(summaries);
        const target = { positionsMm: new Float32Array(new SharedArrayBuffer(plan.vertices * 12)), indices: new Uint32Array(new SharedArrayBuffer(plan.indexCount * 4)) };
        for (const w of [2, 0, 1]) writeChunkLps(kernels[w].output(), summaries[w], plan, w, g, target);
        expect(Array.from(target.indices), `${name} mirror ${mirror}`).toEqual(Array.from(whole.indices));
        expect(Array.from(target.positionsMm), `${name} mirror ${mirror}`).toEqual(Array.from(whole.positionsMm));
        const stats = meshStats(whole);
        expect(stats.manifold, name).toBe(true);
        expect(stats.volumeMm3, `${name}: outward on a ${mirror ? 'left' : 'right'}-handed grid`).toBeGreaterThan(0);
      }
    }
  });
});
