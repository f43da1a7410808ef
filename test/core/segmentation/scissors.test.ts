import { describe, expect, it } from 'vitest';
import { applyScissors, scissorsMask, scissorsSpans, type ScissorsRegion } from '../../../src/core/segmentation/scissors';
import { type Vec3, cross, dot, normalize, sub } from '../../../src/core/geometry/vec3';
import { ijkToLps, type VolumeGeometry } from '../../../src/core/volume/volume';

/** 40 × 30 × 20 voxels of 0.5 × 1 × 2.5 mm, identity directions: x ∈ [−10, 9.5], y ∈ [−15, 14], z ∈ [−25, 22.5]. */
const geometry: VolumeGeometry = {
  dimensions: [40, 30, 20],
  spacingMm: [0.5, 1, 2.5],
  originLps: [-10, -15, -25],
  directionLps: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
};
const N = 40 * 30 * 20;

/** Evaluates pred on every voxel centre (LPS) of a geometry. */
function bruteMask(g: VolumeGeometry, pred: (c: Vec3) => boolean): Uint8Array {
  const [nx, ny, nz] = g.dimensions;
  const m = new Uint8Array(nx * ny * nz);
  for (let k = 0, v = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, v++) m[v] = pred(ijkToLps(g, [i, j, k])) ? 1 : 0;
  return m;
}

/** Crossing-number point-in-polygon (even-odd), or the winding number ≠ 0 (non-zero). */
function inPolygon(pts: readonly (readonly [number, number])[], x: number, y: number, rule: 'even-odd' | 'non-zero' = 'even-odd'): boolean {
  let crossings = 0;
  let winding = 0;
  for (let a = 0, b = pts.length - 1; a < pts.length; b = a++) {
    const [xa, ya] = pts[a];
    const [xb, yb] = pts[b];
    if (ya > y !== yb > y && x < xb + ((y - yb) * (xa - xb)) / (ya - yb)) {
      crossings++;
      winding += ya > yb ? 1 : -1;
    }
  }
  return rule === 'even-odd' ? crossings % 2 === 1 : winding !== 0;
}

/** An independent in-plane basis for a view normal, and a plane point. */
function frame(normal: Vec3, point: Vec3) {
  const n = normalize(normal);
  const helper: Vec3 = Math.abs(n[2]) < 0.9 ? [0, 0, 1] : [0, 1, 0];
  const a = normalize(cross(helper, n));
  const b = cross(n, a);
  const toLps = (s: number, t: number): Vec3 => [point[0] + a[0] * s + b[0] * t, point[1] + a[1] * s + b[1] * t, point[2] + a[2] * s + b[2] * t];
  const toPlane = (c: Vec3): [number, number, number] => {
    const r = sub(c, point);
    return [dot(r, a), dot(r, b), dot(r, n)];
  };
  return { n, toLps, toPlane };
}

const count = (m: Uint8Array): number => m.reduce((s, x) => s + x, 0);
const mismatches = (a: Uint8Array, b: Uint8Array): number => a.reduce((s, x, v) => s + (x !== b[v] ? 1 : 0), 0);

/** An L-shaped (concave) outline in plane coordinates (mm), avoiding voxel-centre coincidences. */
const lShape: [number, number][] = [
  [-6.13, -7.31],
  [5.27, -7.31],
  [5.27, -2.17],
  [-1.43, -2.17],
  [-1.43, 8.61],
  [-6.13, 8.61],
];

describe('scissors', () => {
  it('a rectangle on an axial view cuts a prism through all slices', () => {
    const z = 3.3;
    const region: ScissorsRegion = {
      shape: { kind: 'rectangle', cornerLps: [-6.3, -8.2, z], oppositeCornerLps: [3.7, 4.9, z], viewUpLps: [0, -1, 0] },
      normalLps: [0, 0, 1],
    };
    const mask = scissorsMask(geometry, region);
    const expected = bruteMask(geometry, (c) => c[0] > -6.3 && c[0] < 3.7 && c[1] > -8.2 && c[1] < 4.9);
    expect(mask).toEqual(expected);
    // x centres −6 … 3.5 (20 columns), y centres −8 … 4 (13 rows), every one of the 20 slices.
    expect(count(mask)).toBe(20 * 13 * 20);
  });

  it('a circle with a ±5 mm slab cuts only that slab, whatever the spacing along the normal', () => {
    const center: Vec3 = [0.2, -2.6, 1.3];
    const r = 7;
    // Coronal (normal P), sagittal (normal L), axial (normal S): the slab is 10 mm thick, i.e.
    // 10 rows of 1 mm, 20 columns of 0.5 mm, 4 slices of 2.5 mm.
    const views: { normal: Vec3; axis: 0 | 1 | 2; layers: number }[] = [
      { normal: [0, 1, 0], axis: 1, layers: 10 },
      { normal: [1, 0, 0], axis: 0, layers: 20 },
      { normal: [0, 0, -1], axis: 2, layers: 4 },
    ];
    for (const { normal, axis, layers } of views) {
      const region: ScissorsRegion = { shape: { kind: 'circle', centerLps: center, radiusMm: r }, normalLps: normal, depthMm: [-5, 5] };
      const mask = scissorsMask(geometry, region);
      const expected = bruteMask(geometry, (c) => {
        const rel = sub(c, center);
        const depth = dot(rel, normal);
        const inPlane2 = dot(rel, rel) - depth * depth;
        return inPlane2 <= r * r && depth >= -5 && depth <= 5;
      });
      expect(mask, `normal ${normal}`).toEqual(expected);
      const touched = new Set<number>();
      mask.forEach((x, v) => {
        if (!x) return;
        const ijk = [v % 40, Math.floor(v / 40) % 30, Math.floor(v / 1200)];
        touched.add(ijk[axis]);
      });
      expect(touched.size, `normal ${normal}`).toBe(layers);
    }
  });

  it('outside mode selects exactly the complement', () => {
    const base: ScissorsRegion = { shape: { kind: 'circle', centerLps: [1.1, 0.4, -3], radiusMm: 6.2 }, normalLps: [0, 1, 0], depthMm: [-4, 7] };
    const inside = scissorsMask(geometry, base);
    const outside = scissorsMask(geometry, { ...base, side: 'outside' });
    expect(count(inside)).toBeGreaterThan(0);
    for (let v = 0; v < N; v++) expect(inside[v] + outside[v]).toBe(1);
    // A shape entirely off the volume: inside selects nothing, outside everything.
    const off: ScissorsRegion = { ...base, shape: { kind: 'circle', centerLps: [500, 0, 0], radiusMm: 3 } };
    expect(count(scissorsMask(geometry, off))).toBe(0);
    expect(count(scissorsMask(geometry, { ...off, side: 'outside' }))).toBe(N);
  });

  it('a concave freehand polygon (L-shape) matches brute-force point-in-polygon, axial and oblique', () => {
    const views: { normal: Vec3; point: Vec3; depth?: [number, number] }[] = [
      { normal: [0, 0, 1], point: [0.31, 0.17, 2.2] },
      { normal: [0, 1, 0], point: [0.31, 1.17, 2.2], depth: [-3.3, 2.1] },
      { normal: [1, 0.5, 2], point: [0.71, -1.23, 0.37] },
      { normal: [-0.3, 1, 0.45], point: [1.3, 0.2, -4.1], depth: [-6, 2.5] },
      { normal: [1, 0.02, 0.01], point: [0.05, 0.2, 0.3], depth: [-2, 2] }, // nearly sagittal
    ];
    for (const { normal, point, depth } of views) {
      const f = frame(normal, point);
      const region: ScissorsRegion = { shape: { kind: 'polygon', pointsLps: lShape.map(([s, t]) => f.toLps(s, t)) }, normalLps: normal, depthMm: depth };
      const mask = scissorsMask(geometry, region);
      const expected = bruteMask(geometry, (c) => {
        const [s, t, d] = f.toPlane(c);
        return inPolygon(lShape, s, t) && (!depth || (d >= depth[0] && d <= depth[1]));
      });
      expect(count(expected), `normal ${normal}`).toBeGreaterThan(100);
      expect(mismatches(mask, expected), `normal ${normal}`).toBe(0);
    }
  });

  it('self-intersecting outlines: even-odd leaves the doubly wound centre empty, non-zero fills it', () => {
    // A pentagram, on an oblique plane.
    const star: [number, number][] = [0, 2, 4, 1, 3].map((q) => [9.3 * Math.cos(0.3 + (q * 2 * Math.PI) / 5), 9.3 * Math.sin(0.3 + (q * 2 * Math.PI) / 5)]);
    const f = frame([0.2, 1, 0.3], [0.11, 0.07, 0.23]);
    const pointsLps = star.map(([s, t]) => f.toLps(s, t));
    for (const fillRule of ['even-odd', 'non-zero'] as const) {
      const mask = scissorsMask(geometry, { shape: { kind: 'polygon', pointsLps }, normalLps: [0.2, 1, 0.3], depthMm: [-3, 3], fillRule });
      const expected = bruteMask(geometry, (c) => {
        const [s, t, d] = f.toPlane(c);
        return inPolygon(star, s, t, fillRule) && d >= -3 && d <= 3;
      });
      expect(mismatches(mask, expected), fillRule).toBe(0);
    }
    const evenOdd = scissorsMask(geometry, { shape: { kind: 'polygon', pointsLps }, normalLps: [0.2, 1, 0.3], depthMm: [-3, 3] });
    const nonZero = scissorsMask(geometry, { shape: { kind: 'polygon', pointsLps }, normalLps: [0.2, 1, 0.3], depthMm: [-3, 3], fillRule: 'non-zero' });
    expect(count(nonZero)).toBeGreaterThan(count(evenOdd));
  });

  it('an oblique rectangle and circle match brute force', () => {
    const normal: Vec3 = [0.4, -0.7, 0.6];
    const n = normalize(normal);
    const up = normalize(sub([0, 0, 1], [n[0] * n[2], n[1] * n[2], n[2] * n[2]]));
    const right = cross(up, n);
    const a: Vec3 = [-3.1, 2.2, -4.4];
    const c: Vec3 = [a[0] + right[0] * 9.7 + up[0] * 6.3, a[1] + right[1] * 9.7 + up[1] * 6.3, a[2] + right[2] * 9.7 + up[2] * 6.3];
    // The corner passed slightly off the plane: it is projected onto it along the normal.
    const cOff: Vec3 = [c[0] + n[0] * 0.8, c[1] + n[1] * 0.8, c[2] + n[2] * 0.8];
    const rect = scissorsMask(geometry, { shape: { kind: 'rectangle', cornerLps: a, oppositeCornerLps: cOff, viewUpLps: [0, 0, 1] }, normalLps: normal, depthMm: [-4, 6] });
    const rectExpected = bruteMask(geometry, (p) => {
      const r = sub(p, a);
      const s = dot(r, right);
      const t = dot(r, up);
      const d = dot(r, n); // a rectangle's plane passes through its first corner
      return s > 0 && s < 9.7 && t > 0 && t < 6.3 && d >= -4 && d <= 6;
    });
    expect(count(rectExpected)).toBeGreaterThan(100);
    expect(mismatches(rect, rectExpected)).toBe(0);
    const circle = scissorsMask(geometry, { shape: { kind: 'circle', centerLps: a, radiusMm: 8.3 }, normalLps: normal });
    const circleExpected = bruteMask(geometry, (p) => {
      const r = sub(p, a);
      const d = dot(r, n);
      return dot(r, r) - d * d <= 8.3 * 8.3;
    });
    expect(mismatches(circle, circleExpected)).toBe(0);
  });

  it('non-identity direction cosines (permuted, flipped axes) give the same physical cut', () => {
    // The same voxel centres as `geometry`, stored with i along −S, j along L, k along −P.
    const flipped: VolumeGeometry = {
      dimensions: [20, 40, 30],
      spacingMm: [2.5, 0.5, 1],
      originLps: ijkToLps(geometry, [0, 29, 19]),
      directionLps: [
        [0, 0, -1],
        [1, 0, 0],
        [0, -1, 0],
      ],
    };
    const toA = (v: number): number => {
      const i2 = v % 20;
      const j2 = Math.floor(v / 20) % 40;
      const k2 = Math.floor(v / 800);
      return j2 + (29 - k2) * 40 + (19 - i2) * 1200;
    };
    for (const [normal, point] of [
      [[0, 0, 1], [0.31, 0.17, 2.2]],
      [[1, 0.5, 2], [0.71, -1.23, 0.37]],
      [[1, 0, 0], [0.12, 0.4, 0.2]],
    ] as [Vec3, Vec3][]) {
      const f = frame(normal, point);
      const region: ScissorsRegion = { shape: { kind: 'polygon', pointsLps: lShape.map(([s, t]) => f.toLps(s, t)) }, normalLps: normal, depthMm: [-4.1, 3.7] };
      const a = scissorsMask(geometry, region);
      const b = scissorsMask(flipped, region);
      expect(count(a)).toBeGreaterThan(50);
      const bInA = new Uint8Array(N);
      b.forEach((x, v) => (bInA[toA(v)] = x));
      expect(mismatches(bInA, a), `normal ${normal}`).toBe(0);
    }
  });

  it('spans come in memory order, disjoint, within each row', () => {
    const f = frame([0.3, 0.2, 1], [0, 0, 0]);
    const region: ScissorsRegion = { shape: { kind: 'polygon', pointsLps: lShape.map(([s, t]) => f.toLps(s, t)) }, normalLps: [0.3, 0.2, 1], side: 'outside' };
    let last = -1;
    scissorsSpans(geometry, region, (offset, start, end) => {
      expect(start).toBeGreaterThanOrEqual(0);
      expect(end).toBeLessThanOrEqual(40);
      expect(start).toBeLessThan(end);
      expect(offset + start).toBeGreaterThan(last);
      last = offset + end - 1;
    });
  });

  it('erases or fills one segment or all, in place, and counts the changed voxels', () => {
    const region: ScissorsRegion = {
      shape: { kind: 'rectangle', cornerLps: [-6.3, -8.2, 0], oppositeCornerLps: [3.7, 4.9, 0], viewUpLps: [0, 1, 0] },
      normalLps: [0, 0, 1],
    };
    const sel = scissorsMask(geometry, region);
    const start = new Uint8Array(N).map((_, v) => v % 3); // labels 0, 1, 2 interleaved
    const inSel = (v: number) => sel[v] === 1;
    const run = (edit: Parameters<typeof applyScissors>[3]) => {
      const labels = start.slice();
      const changed = applyScissors(labels, geometry, region, edit);
      return { labels, changed };
    };

    let r = run({ operation: 'erase', label: 1 });
    for (let v = 0; v < N; v++) expect(r.labels[v]).toBe(inSel(v) && start[v] === 1 ? 0 : start[v]);
    expect(r.changed).toBe(start.filter((x, v) => inSel(v) && x === 1).length);

    r = run({ operation: 'erase', label: 1, scope: 'all' });
    for (let v = 0; v < N; v++) expect(r.labels[v]).toBe(inSel(v) ? 0 : start[v]);
    expect(r.changed).toBe(start.filter((x, v) => inSel(v) && x !== 0).length);

    r = run({ operation: 'fill', label: 1 });
    for (let v = 0; v < N; v++) expect(r.labels[v]).toBe(inSel(v) && start[v] === 0 ? 1 : start[v]);
    expect(r.changed).toBe(start.filter((x, v) => inSel(v) && x === 0).length);

    r = run({ operation: 'fill', label: 1, scope: 'all' });
    for (let v = 0; v < N; v++) expect(r.labels[v]).toBe(inSel(v) ? 1 : start[v]);
    expect(r.changed).toBe(start.filter((x, v) => inSel(v) && x !== 1).length);

    // Outside mode erases everything but the prism.
    const labels = start.slice();
    applyScissors(labels, geometry, { ...region, side: 'outside' }, { operation: 'erase', label: 2, scope: 'all' });
    for (let v = 0; v < N; v++) expect(labels[v]).toBe(inSel(v) ? start[v] : 0);
  });

  it('rejects bad input', () => {
    const circle: ScissorsRegion = { shape: { kind: 'circle', centerLps: [0, 0, 0], radiusMm: 3 }, normalLps: [0, 0, 1] };
    expect(() => scissorsMask(geometry, { ...circle, normalLps: [0, 0, 0] })).toThrow(/normal/);
    expect(() =>
      scissorsMask(geometry, {
        shape: {
          kind: 'polygon',
          pointsLps: [
            [0, 0, 0],
            [1, 0, 0],
          ],
        },
        normalLps: [0, 0, 1],
      }),
    ).toThrow(/3 points/);
    expect(() => applyScissors(new Uint8Array(N), geometry, circle, { operation: 'fill', label: 0 })).toThrow(/label/);
    expect(() => applyScissors(new Uint8Array(N), geometry, circle, { operation: 'fill', label: 256 })).toThrow(/label/);
    expect(() => applyScissors(new Uint8Array(7), geometry, circle, { operation: 'erase', label: 1 })).toThrow(/voxels/);
  });
});
