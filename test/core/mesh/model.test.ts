import { describe, expect, it } from 'vitest';
import { finishModel, labelmapSurfaces, segmentRange } from '../../../src/core/mesh/model';
import { meshStats } from '../../../src/core/mesh/stats';
import { exportMeshes } from '../../../src/core/export';
import type { VolumeGeometry } from '../../../src/core/volume/volume';
import { parse3mf } from '../../helpers/meshParsers';

const geometry: VolumeGeometry = {
  dimensions: [14, 11, 9],
  spacingMm: [0.6, 0.9, 1.7],
  originLps: [10, -20, 35],
  directionLps: [
    [0, 1, 0],
    [-1, 0, 0],
    [0, 0, 1],
  ],
};
const [nx, ny, nz] = geometry.dimensions;
const at = (i: number, j: number, k: number): number => i + j * nx + k * nx * ny;
const voxelMm3 = 0.6 * 0.9 * 1.7;

describe('model pipeline pieces', () => {
  it('segmentRange: the range mask, its voxel count, and the largest 6-connected piece', () => {
    const values = new Int16Array(nx * ny * nz).fill(-1000);
    for (let k = 1; k < 5; k++) for (let j = 1; j < 4; j++) for (let i = 1; i < 6; i++) values[at(i, j, k)] = 700; // 60 voxels
    values[at(10, 8, 7)] = 300; // an island of 1
    values[at(11, 8, 7)] = 3071; // the range's upper bound: included, same island
    values[at(12, 8, 7)] = 3072; // just above: excluded
    const whole = segmentRange(values, geometry.dimensions, { lo: 226, hi: 3071 }, false);
    expect(whole.selectedVoxels).toBe(62);
    expect(whole.keptVoxels).toBe(62);
    const largest = segmentRange(values, geometry.dimensions, { lo: 226, hi: 3071 }, true);
    expect(largest.selectedVoxels).toBe(62);
    expect(largest.keptVoxels).toBe(60);
    expect(largest.mask[at(10, 8, 7)]).toBe(0);
    expect(largest.mask[at(3, 2, 2)]).toBe(1);
  });

  it('labelmapSurfaces: one closed mesh per segment, touching segments each closed, exact voxel volumes', async () => {
    const labels = new Uint8Array(nx * ny * nz);
    for (let k = 1; k < 7; k++) for (let j = 2; j < 8; j++) for (let i = 1; i < 5; i++) labels[at(i, j, k)] = 1; // 144
    for (let k = 1; k < 7; k++) for (let j = 2; j < 8; j++) for (let i = 5; i < 9; i++) labels[at(i, j, k)] = 2; // 144, touching 1
    for (let k = 2; k < 4; k++) for (let j = 3; j < 6; j++) for (let i = 10; i < 13; i++) labels[at(i, j, k)] = 200; // 18
    const segments = [
      { label: 1, name: 'Bone', colorRgb: [230, 220, 200] as const },
      { label: 2, name: 'Tumour', colorRgb: [200, 60, 60] as const },
      { label: 200, name: 'Vessel', colorRgb: [60, 60, 200] as const },
    ];
    const meshes = labelmapSurfaces(labels, geometry, segments);
    const counts = [144, 144, 18];
    meshes.forEach((m, n) => {
      const s = meshStats(m.mesh);
      expect(s.manifold, m.name).toBe(true);
      expect(s.shells, m.name).toBe(1);
      expect(s.volumeMm3, m.name).toBeCloseTo(counts[n] * voxelMm3, 3);
    });
    // The shared face sits at the same x for both: bone's max = tumour's min along the grid's i axis
    // (i runs along LPS +y here).
    expect(meshStats(meshes[0].mesh).bboxMm.max[1]).toBeCloseTo(meshStats(meshes[1].mesh).bboxMm.min[1], 4);
    // All three in one 3MF: three named objects with their colours.
    const [file] = exportMeshes({ meshes, format: '3mf', frame: 'print' });
    const parsed = parse3mf(file.bytes);
    expect(parsed.objects.map((o) => o.name)).toEqual(['Bone', 'Tumour', 'Vessel']);
    expect(parsed.objects.map((o) => o.part.color)).toEqual([[230, 220, 200], [200, 60, 60], [60, 60, 200]]);
    expect(() => labelmapSurfaces(labels, geometry, [{ label: 0, name: 'x', colorRgb: [0, 0, 0] }])).toThrow(/label must be 1–255/);
    // Finishing smooths within half a voxel and keeps the volume close.
    const finished = await finishModel(meshes[0].mesh, geometry, { smoothing: 'medium' });
    expect(finished.stats.manifold).toBe(true);
    expect(finished.smoothing!.maxDisplacementMm).toBeLessThanOrEqual(Math.hypot(0.3, 0.45, 0.85) + 1e-6);
    expect(Math.abs(finished.stats.volumeMm3 - 144 * voxelMm3) / (144 * voxelMm3)).toBeLessThan(0.15);
  });
});
