import { describe, expect, it } from 'vitest';
import { reachVoxels, signedDistanceMm, squaredDistanceMm, squaredLimit } from '../../../src/core/segmentation/distance';
import { withinDistance } from '../../../src/core/segmentation/within';
import { boundingBox, type LabelGrid } from '../../../src/core/segmentation/grid';
import { stampWithin } from '../../../src/core/segmentation/stamp';
import { rng } from '../../helpers/syntheticSeries';


const grid = (dimensions: [number, number, number], spacingMm: [number, number, number]): LabelGrid => ({ dimensions, spacingMm });

/** Brute force: squared mm from each voxel to the nearest voxel with the given predicate. */
function bruteSquared(mask: Uint8Array, g: LabelGrid, isSource: (v: number) => boolean): Float64Array {
  const [nx, ny, nz] = g.dimensions;
  const [sx, sy, sz] = g.spacingMm;
  const src: number[][] = [];
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if (isSource(i + j * nx + k * nx * ny)) src.push([i, j, k]);
  const out = new Float64Array(mask.length).fill(Infinity);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        let best = Infinity;
        for (const [a, b, c] of src) {
          const d = ((i - a) * sx) ** 2 + ((j - b) * sy) ** 2 + ((k - c) * sz) ** 2;
          if (d < best) best = d;
        }
        out[i + j * nx + k * nx * ny] = best;
      }
  return out;
}

function randomMask(n: number, p: number, r: () => number): Uint8Array {
  const m = new Uint8Array(n);
  for (let v = 0; v < n; v++) m[v] = r() < p ? 1 : 0;
  return m;
}

/** A few columns each holding one run along k (inverted: everything else). */
function columnRuns(g: LabelGrid, r: () => number, invert: boolean): Uint8Array {
  const [nx, ny, nz] = g.dimensions;
  const m = new Uint8Array(nx * ny * nz).fill(invert ? 1 : 0);
  for (let c = 0; c < 4; c++) {
    const i = Math.floor(r() * nx);
    const j = Math.floor(r() * ny);
    const a = Math.floor(r() * nz);
    const b = Math.min(nz - 1, a + 1 + Math.floor(r() * 3));
    for (let k = a; k <= b; k++) m[i + j * nx + k * nx * ny] = invert ? 0 : 1;
  }
  return m;
}

describe('squaredDistanceMm (exact EDT on anisotropic grids)', () => {
  const g = grid([5, 4, 3], [0.5, 1, 2.5]);

  it('hand-checked: one voxel on a 0.5 × 1 × 2.5 mm grid', () => {
    const mask = new Uint8Array(60);
    mask[1 + 2 * 5 + 1 * 20] = 1; // (1,2,1)
    const d = squaredDistanceMm(mask, g);
    expect(d[1 + 2 * 5 + 20]).toBe(0);
    expect(d[4 + 2 * 5 + 20]).toBeCloseTo(1.5 ** 2, 6); // 3 voxels along i = 1.5 mm
    expect(d[1 + 0 * 5 + 20]).toBeCloseTo(2 ** 2, 6); // 2 rows along j = 2 mm
    expect(d[1 + 2 * 5 + 0]).toBeCloseTo(2.5 ** 2, 6); // 1 slice = 2.5 mm
    expect(d[0 + 0 * 5 + 40]).toBeCloseTo(0.25 + 4 + 6.25, 5); // (0,0,2)
  });

  it('equals brute force on random masks, several spacings and densities', () => {
    const r = rng(7);
    for (const [dims, sp, p] of [
      [[7, 6, 5], [0.5, 1, 2.5], 0.05],
      [[9, 5, 6], [1, 0.3, 0.7], 0.15],
      [[4, 8, 7], [2, 2, 2], 0.02],
      [[11, 3, 4], [0.8, 1.7, 0.5], 0.3],
    ] as const) {
      const gg = grid([...dims], [...sp]);
      const mask = randomMask(dims[0] * dims[1] * dims[2], p, r);
      mask[3] = 1; // never empty
      const want = bruteSquared(mask, gg, (v) => mask[v] !== 0);
      const got = squaredDistanceMm(mask, gg);
      for (let v = 0; v < mask.length; v++) expect(got[v]).toBeCloseTo(want[v], 4);
    }
  });

  it('caps at maxMm: Infinity beyond, exact within', () => {
    const r = rng(3);
    const gg = grid([12, 9, 7], [0.5, 1, 2.5]);
    const mask = randomMask(12 * 9 * 7, 0.01, r);
    mask[5 + 4 * 12 + 3 * 108] = 1;
    const want = bruteSquared(mask, gg, (v) => mask[v] !== 0);
    const got = squaredDistanceMm(mask, gg, { maxMm: 2.6 });
    let finite = 0;
    for (let v = 0; v < mask.length; v++) {
      if (want[v] <= 2.6 * 2.6) {
        expect(got[v]).toBeCloseTo(want[v], 4);
        finite++;
      } else expect(got[v]).toBe(Infinity);
    }
    expect(finite).toBeGreaterThan(10);
  });

  it('empty mask: all Infinity; wrong sizes and bad parameters throw', () => {
    expect(squaredDistanceMm(new Uint8Array(60), g).every((x) => x === Infinity)).toBe(true);
    expect(() => squaredDistanceMm(new Uint8Array(59), g)).toThrow(/59 voxels/);
    expect(() => squaredDistanceMm(new Uint8Array(60), g, { maxMm: -1 })).toThrow(/maxMm/);
    expect(() => squaredDistanceMm(new Uint8Array(60), grid([5, 4, 3], [0.5, 0, 1]))).toThrow(/spacing/);
  });

  it('signed: negative inside (distance to outside), positive outside', () => {
    const gg = grid([6, 1, 1], [0.5, 1, 2.5]);
    const mask = Uint8Array.from([0, 1, 1, 1, 1, 0]);
    expect(Array.from(signedDistanceMm(mask, gg))).toEqual([0.5, -0.5, -1, -1, -0.5, 0.5]);
  });

  it('reachVoxels counts voxels within r per axis, inclusive', () => {
    expect(reachVoxels(grid([1, 1, 1], [0.5, 1, 2.5]), 2.5)).toEqual([5, 2, 1]);
    expect(reachVoxels(grid([1, 1, 1], [0.5, 1, 2.5]), 2.49)).toEqual([4, 2, 0]);
    expect(squaredLimit(2)).toBeGreaterThanOrEqual(4);
  });
});

describe('the within-distance engines (envelope and stamp) against brute force', () => {
  const cases: [number[], number[], number][] = [
    [[9, 8, 7], [0.5, 1, 2.5], 2.6],
    [[10, 7, 9], [1, 0.5, 0.8], 1.7],
    [[6, 9, 8], [0.7, 0.7, 0.7], 3],
    [[13, 5, 6], [0.5, 1, 2.5], 0.4],
  ];
  for (const engine of ['envelope', 'stamp'] as const)
  for (const sourceValue of [1, 0] as const)
    for (const edgeIsSource of sourceValue === 0 ? [true, false] : [false])
      it(`${engine}: ${sourceValue ? 'grows' : 'shrinks'} by exactly the voxels within r of sources = ${sourceValue}${sourceValue === 0 ? `, edge ${edgeIsSource}` : ''}`, () => {
        const r = rng(11 + sourceValue * 2 + (edgeIsSource ? 1 : 0));
        for (const [dims, sp, radius] of cases) {
          for (const density of [0.03, 0.3, 0.8, -1, -2]) {
            const gg = grid(dims as [number, number, number], sp as [number, number, number]);
            const [nx, ny, nz] = gg.dimensions;
            // Negative densities: runs along k in a few columns (sources above and below each
            // other), and their complement.
            const mask = density > 0 ? randomMask(nx * ny * nz, density, r) : columnRuns(gg, r, density === -2);
            // Brute force over a grid padded by one layer: the padding is a source when the edge is.
            const px = nx + 2;
            const py = ny + 2;
            const pz = nz + 2;
            const padded = new Uint8Array(px * py * pz);
            const srcP = (v: number): boolean => {
              const i = v % px;
              const j = Math.floor(v / px) % py;
              const k = Math.floor(v / (px * py));
              const inGrid = i > 0 && j > 0 && k > 0 && i <= nx && j <= ny && k <= nz;
              if (!inGrid) return edgeIsSource && sourceValue === 0;
              return mask[i - 1 + (j - 1) * nx + (k - 1) * nx * ny] === sourceValue;
            };
            const want = bruteSquared(padded, grid([px, py, pz], gg.spacingMm as [number, number, number]), srcP);
            const out = new Uint8Array(mask.length);
            const combine = sourceValue === 1 ? 'grow' : 'shrink';
            if (engine === 'envelope') withinDistance(mask, gg, radius, { sourceValue, edgeIsSource }, out, combine);
            else stampWithin(mask, gg, radius, { sourceValue, edgeIsSource }, out, combine);
            let near = 0;
            for (let k = 0; k < nz; k++)
              for (let j = 0; j < ny; j++)
                for (let i = 0; i < nx; i++) {
                  const v = i + j * nx + k * nx * ny;
                  const d2 = want[i + 1 + (j + 1) * px + (k + 1) * px * py];
                  const within = mask[v] !== sourceValue && d2 <= squaredLimit(radius);
                  if (within) near++;
                  // Growing: the mask and W; shrinking: the mask less W.
                  const expected = sourceValue === 1 ? (mask[v] !== 0 || within ? 1 : 0) : mask[v] !== 0 && !within ? 1 : 0;
                  expect(out[v], `voxel ${i},${j},${k} at ${Math.sqrt(d2)} mm`).toBe(expected);
                }
            if (density === 0.03 && radius > 1) expect(near).toBeGreaterThan(0);
          }
        }
      });
});

describe('boundingBox (word-skipping scan)', () => {
  it('equals a voxel-by-voxel box on sparse random masks and labelmaps at every byte alignment', () => {
    const r = rng(77);
    const brute = (m: Uint8Array, dims: [number, number, number], test: (x: number) => boolean) => {
      const lo = [Infinity, Infinity, Infinity];
      const hi = [-1, -1, -1];
      for (let v = 0; v < m.length; v++) {
        if (!test(m[v])) continue;
        const p = [v % dims[0], Math.floor(v / dims[0]) % dims[1], Math.floor(v / (dims[0] * dims[1]))];
        for (let a = 0; a < 3; a++) {
          lo[a] = Math.min(lo[a], p[a]);
          hi[a] = Math.max(hi[a], p[a] + 1);
        }
      }
      return hi[0] < 0 ? undefined : { min: lo, max: hi };
    };
    let boxes = 0;
    for (const dims of [
      [13, 5, 4],
      [32, 3, 3],
      [7, 9, 2],
      [40, 6, 3],
    ] as [number, number, number][]) {
      const n = dims[0] * dims[1] * dims[2];
      for (let offset = 0; offset < 4; offset++) {
        for (const p of [0, 0.002, 0.02, 0.3]) {
          const buf = new Uint8Array(n + offset);
          const mask = buf.subarray(offset);
          // Labels 1–3 and 255, so a word can hold several labels and 0x80 bytes.
          for (let v = 0; v < n; v++) if (r() < p) mask[v] = [1, 2, 3, 255][Math.floor(r() * 4)];
          expect(boundingBox(mask, { dimensions: dims })).toEqual(brute(mask, dims, (x) => x !== 0));
          for (const label of [1, 2, 255]) expect(boundingBox(mask, { dimensions: dims }, label)).toEqual(brute(mask, dims, (x) => x === label));
          if (boundingBox(mask, { dimensions: dims }, 2)) boxes++;
        }
      }
    }
    expect(boxes).toBeGreaterThan(20);
  });
});
