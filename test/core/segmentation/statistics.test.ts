import { describe, expect, it } from 'vitest';
import { extractSurface } from '../../../src/core/mesh/surfaceNets';
import { meshStats } from '../../../src/core/mesh/stats';
import type { LabelGrid } from '../../../src/core/segmentation/grid';
import { maskStatistics, meshArea, segmentStatistics } from '../../../src/core/segmentation/statistics';
import type { SurfaceMethod } from '../../../src/core/segmentation/statistics';

// 6 × 7 × 5 grid, 0.5 × 1 × 2.5 mm (a voxel is 1.25 mm³; faces 2.5, 1.25 and 0.5 mm²).
const grid: LabelGrid = { dimensions: [6, 7, 5], spacingMm: [0.5, 1, 2.5] };
const [nx, ny, nz] = grid.dimensions;
const N = nx * ny * nz;
const at = (i: number, j: number, k: number): number => i + j * nx + k * nx * ny;

// Label 1: the box i 1–3, j 2–5, k 1–2 (3 × 4 × 2 = 24 voxels; 1.5 × 4 × 5 mm). Label 5: the voxel (5, 0, 4).
const labels = new Uint8Array(N);
const values = new Int16Array(N).fill(-1000);
for (let k = 1; k <= 2; k++)
  for (let j = 2; j <= 5; j++)
    for (let i = 1; i <= 3; i++) {
      labels[at(i, j, k)] = 1;
      values[at(i, j, k)] = 100 + 10 * (i - 1); // 100, 110, 120: 8 voxels each
    }
labels[at(5, 0, 4)] = 5;
values[at(5, 0, 4)] = 42;

describe('segmentStatistics', () => {
  it('measures a box against its analytic volume, surface and value statistics', () => {
    const [box, voxel] = segmentStatistics(labels, grid, values);
    expect(box.label).toBe(1);
    expect(box.voxelCount).toBe(24);
    expect(box.volumeMm3).toBe(30); // 1.5 × 4 × 5
    expect(box.surfaceAreaMm2).toBeCloseTo(67, 4); // 2 (1.5·4 + 4·5 + 1.5·5)
    expect(box.bbox).toEqual({ min: [1, 2, 1], max: [4, 6, 3] });
    expect(box.mean).toBe(110);
    expect(box.std).toBeCloseTo(Math.sqrt(200 / 3), 12);
    expect(box.min).toBe(100);
    expect(box.max).toBe(120);
    expect(voxel).toEqual({ label: 5, voxelCount: 1, volumeMm3: 1.25, surfaceAreaMm2: expect.closeTo(8.5, 5), bbox: { min: [5, 0, 4], max: [6, 1, 5] }, mean: 42, std: 0, min: 42, max: 42 });
  });

  it('counts exposed voxel faces by area with surface: faces (the same as the mesh for boxes)', () => {
    const [box, voxel] = segmentStatistics(labels, grid, undefined, { surface: 'faces' });
    expect(box.surfaceAreaMm2).toBe(67);
    expect(voxel.surfaceAreaMm2).toBe(8.5);
    expect(box.mean).toBeUndefined();
    expect(segmentStatistics(labels, grid, undefined, { surface: 'none' })[0].surfaceAreaMm2).toBeUndefined();
  });

  it('counts the faces between two segments for both, and faces on the grid border', () => {
    // Label 2: the column i = 4 next to the box, j 2–5, k 1–2: it shares 8 faces (1 × 2.5 mm² each) with label 1.
    const two = labels.slice();
    for (let k = 1; k <= 2; k++) for (let j = 2; j <= 5; j++) two[at(4, j, k)] = 2;
    // Label 3: the full-height column (0, 0, k): it lies on the border.
    for (let k = 0; k < nz; k++) two[at(0, 0, k)] = 3;
    const stats = segmentStatistics(two, grid, undefined, { surface: 'faces' });
    expect(stats.map((s) => s.label)).toEqual([1, 2, 3, 5]);
    expect(stats[0].surfaceAreaMm2).toBe(67);
    expect(stats[1].surfaceAreaMm2).toBe(2 * (0.5 * 4 + 4 * 5 + 0.5 * 5)); // a 0.5 × 4 × 5 mm slab
    expect(stats[2].surfaceAreaMm2).toBe(2 * (0.5 * 1 + 1 * 12.5 + 0.5 * 12.5));
    const mesh = segmentStatistics(two, grid);
    expect(mesh[1].surfaceAreaMm2).toBeCloseTo(49, 4);
    expect(mesh[2].surfaceAreaMm2).toBeCloseTo(38.5, 4);
  });

  it('gives the area of the full-grid surface-nets mesh (cropping to the bounding box changes nothing), pinches included', () => {
    // Two voxels meeting only along an edge (a pinch) plus an L: the mesher's pinch vertices move off the voxel boundary.
    const m = new Uint8Array(N);
    m[at(1, 1, 1)] = 3;
    m[at(2, 2, 1)] = 3;
    m[at(2, 2, 2)] = 3;
    m[at(3, 2, 2)] = 3;
    const full = extractSurface(
      { dimensions: grid.dimensions, mask: m, label: 3 },
      { dimensions: grid.dimensions, spacingMm: grid.spacingMm, originLps: [7, -3, 2], directionLps: [[0, 1, 0], [-1, 0, 0], [0, 0, 1]] },
    );
    const [s] = segmentStatistics(m, grid);
    expect(s.surfaceAreaMm2).toBeCloseTo(meshStats(full).areaMm2, 4);
    const [faces] = segmentStatistics(m, grid, undefined, { surface: 'faces' });
    // Faces: 4 voxels × 8.5 mm², less the two shared faces counted on both sides (k-face 0.5 mm², i-face 2.5 mm²) = 28 mm².
    expect(faces.surfaceAreaMm2).toBe(4 * 8.5 - 2 * 0.5 - 2 * 2.5);
    expect(s.surfaceAreaMm2).not.toBeCloseTo(faces.surfaceAreaMm2!, 3); // the pinch moves the mesh off the voxel faces
    expect(Math.abs(s.surfaceAreaMm2! - faces.surfaceAreaMm2!) / faces.surfaceAreaMm2!).toBeLessThan(0.1);
  });

  it('meshes a segment with a wide bounding box on a slab of whole slices: same area as the full-grid mesh', () => {
    // Label 4: a diagonal staircase across the whole i–j extent in slices 1–3, beside label 1.
    const m = labels.slice();
    for (let k = 1; k <= 3; k++) for (let t = 0; t < 6; t++) m[at(t, t, k)] = 4;
    m[at(0, 6, 2)] = 4;
    const full = extractSurface(
      { dimensions: grid.dimensions, mask: m, label: 4 },
      { dimensions: grid.dimensions, spacingMm: grid.spacingMm, originLps: [0, 0, 0], directionLps: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] },
    );
    const s4 = segmentStatistics(m, grid).find((s) => s.label === 4)!;
    expect(s4.bbox).toEqual({ min: [0, 0, 1], max: [6, 7, 4] });
    expect(s4.voxelCount).toBe(19);
    expect(s4.surfaceAreaMm2).toBeCloseTo(meshStats(full).areaMm2, 4);
    expect(s4.surfaceAreaMm2).toBeGreaterThan(0);
  });

  it('keeps the standard deviation exact on values far from zero (shifted sums)', () => {
    const g: LabelGrid = { dimensions: [4, 1, 1], spacingMm: [1, 1, 1] };
    const v = Float32Array.from([15_000_000, 15_000_001, 15_000_002, 15_000_003]);
    const [s] = segmentStatistics(Uint8Array.from([1, 1, 1, 1]), g, v, { surface: 'none' });
    expect(s.mean).toBe(15_000_001.5);
    expect(s.std).toBeCloseTo(Math.sqrt(1.25), 12);
  });

  it('lists no segment for an empty labelmap, and checks sizes and options', () => {
    expect(segmentStatistics(new Uint8Array(N), grid)).toEqual([]);
    expect(() => segmentStatistics(new Uint8Array(5), grid)).toThrow(/labelmap has 5 voxels/);
    expect(() => segmentStatistics(labels, grid, new Int16Array(5))).toThrow(/values has 5 voxels/);
    expect(() => segmentStatistics(labels, grid, undefined, { surface: 'marching' as SurfaceMethod })).toThrow(/surface method/);
  });
});

describe('maskStatistics', () => {
  it('treats every non-zero voxel as inside', () => {
    const s = maskStatistics(labels, grid, values);
    expect(s.label).toBe(1);
    expect(s.voxelCount).toBe(25);
    expect(s.volumeMm3).toBe(31.25);
    expect(s.surfaceAreaMm2).toBeCloseTo(75.5, 4);
    expect(s.bbox).toEqual({ min: [1, 0, 1], max: [6, 6, 5] });
    expect(s.mean).toBeCloseTo((24 * 110 + 42) / 25, 12);
    expect(s.min).toBe(42);
  });

  it('gives zeros for an empty mask', () => {
    expect(maskStatistics(new Uint8Array(N), grid)).toEqual({ label: 1, voxelCount: 0, volumeMm3: 0, surfaceAreaMm2: 0 });
    expect(maskStatistics(new Uint8Array(N), grid, undefined, { surface: 'none' }).surfaceAreaMm2).toBeUndefined();
  });
});

describe('meshArea', () => {
  it('equals meshStats area', () => {
    const mesh = extractSurface({ dimensions: grid.dimensions, mask: labels }, { dimensions: grid.dimensions, spacingMm: grid.spacingMm, originLps: [0, 0, 0], directionLps: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] });
    expect(meshArea(mesh)).toBeCloseTo(meshStats(mesh).areaMm2, 9);
    expect(meshArea(mesh)).toBeCloseTo(75.5, 4);
  });
});
