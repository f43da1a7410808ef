import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../../src/core/geometry/vec3';
import type { Volume, VolumeGeometry } from '../../../src/core/volume/volume';
import { ijkToLps } from '../../../src/core/volume/volume';
import { boundingBox } from '../../../src/core/segmentation/grid';
import { boxDimensions, checkBox, cropArray, cropGeometry, cropVolume, expandBox } from '../../../src/core/segmentation/crop';

// An oblique, anisotropic geometry: rotated axes (orthonormal, right-handed), spacing 0.5 × 1 × 2.5 mm.
const a = 0.4;
const b = -0.25;
const row: Vec3 = [Math.cos(a), Math.sin(a), 0];
const col: Vec3 = [-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)];
const normal: Vec3 = [row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]];
const dims: [number, number, number] = [5, 4, 3];
const geometry: VolumeGeometry = { dimensions: dims, spacingMm: [0.5, 1, 2.5], originLps: [-100.25, 40, 12.5], directionLps: [row, col, normal] };
const n = 60;
// Value = 100·k + 10·j + i: readable indices.
const voxels = Int16Array.from({ length: n }, (_, v) => 100 * Math.floor(v / 20) + 10 * (Math.floor(v / 5) % 4) + (v % 5));
const volume: Volume = {
  ...geometry,
  voxels,
  modality: 'CT',
  unit: 'HU',
  windowPresets: [],
  invertDisplay: false,
  seriesInstanceUid: '1.2.3',
  warnings: [{ code: 'oblique', message: 'oblique' }],
};
const box = { min: [1, 2, 1] as const, max: [4, 4, 3] as const };

describe('cropArray', () => {
  it('copies the voxels of the box, row by row, in the box layout', () => {
    const out = cropArray(voxels, dims, box);
    expect(out).toBeInstanceOf(Int16Array);
    expect(Array.from(out)).toEqual([121, 122, 123, 131, 132, 133, 221, 222, 223, 231, 232, 233]);
    const f = cropArray(Float32Array.from(voxels), dims, { min: [4, 0, 2], max: [5, 4, 3] });
    expect(f).toBeInstanceOf(Float32Array);
    expect(Array.from(f)).toEqual([204, 214, 224, 234]);
  });

  it('rejects empty, out-of-grid and fractional boxes, and arrays of the wrong size', () => {
    expect(() => cropArray(voxels, dims, { min: [0, 0, 0], max: [6, 4, 3] })).toThrow(/outside the grid/);
    expect(() => cropArray(voxels, dims, { min: [2, 0, 0], max: [2, 4, 3] })).toThrow(/empty/);
    expect(() => cropArray(voxels, dims, { min: [-1, 0, 0], max: [2, 4, 3] })).toThrow(/outside/);
    expect(() => cropArray(voxels, dims, { min: [0.5, 0, 0], max: [2, 4, 3] })).toThrow(/integer/);
    expect(() => cropArray(new Int16Array(10), dims, box)).toThrow(/array has 10 voxels/);
    expect(() => checkBox({ min: [0, 0, 0], max: [5, 4, 3] }, dims)).not.toThrow();
  });
});

describe('cropVolume', () => {
  const labels = Uint8Array.from({ length: n }, (_, v) => (v % 7 === 0 ? 3 : 0));
  const cropped = cropVolume(volume, box, labels);

  it('has the box dimensions and its origin at the centre of the old voxel box.min', () => {
    expect(cropped.volume.dimensions).toEqual([3, 2, 2]);
    expect(cropped.grid).toEqual({ dimensions: [3, 2, 2], spacingMm: [0.5, 1, 2.5] });
    const expected = ijkToLps(volume, [1, 2, 1]);
    cropped.volume.originLps.forEach((x, q) => expect(x).toBeCloseTo(expected[q], 12));
    // origin + direction · spacing · min, written out.
    const manual = [0, 1, 2].map((q) => volume.originLps[q] + row[q] * 0.5 * 1 + col[q] * 1 * 2 + normal[q] * 2.5 * 1);
    cropped.volume.originLps.forEach((x, q) => expect(x).toBeCloseTo(manual[q], 12));
  });

  it('keeps every voxel at its LPS position, with its value and label', () => {
    const [bx, by, bz] = boxDimensions(box);
    for (let k = 0; k < bz; k++)
      for (let j = 0; j < by; j++)
        for (let i = 0; i < bx; i++) {
          const after = ijkToLps(cropped.volume, [i, j, k]);
          const before = ijkToLps(volume, [i + 1, j + 2, k + 1]);
          after.forEach((x, q) => expect(x).toBeCloseTo(before[q], 10));
          const vNew = i + j * bx + k * bx * by;
          const vOld = i + 1 + (j + 2) * 5 + (k + 1) * 20;
          expect(cropped.volume.voxels[vNew]).toBe(voxels[vOld]);
          expect(cropped.labels![vNew]).toBe(labels[vOld]);
        }
  });

  it('carries the other fields over and leaves the input alone', () => {
    expect(cropped.volume.modality).toBe('CT');
    expect(cropped.volume.warnings).toEqual(volume.warnings);
    expect(cropped.volume.spacingMm).toEqual([0.5, 1, 2.5]);
    expect(cropped.volume.directionLps).toBe(volume.directionLps);
    expect(volume.dimensions).toEqual([5, 4, 3]);
    expect(volume.voxels.length).toBe(60);
    expect(cropVolume(volume, box).labels).toBeUndefined();
  });

  it('crops to a segment bounding box plus a margin (expandBox clamps to the grid)', () => {
    const seg = new Uint8Array(n);
    seg[2 + 1 * 5 + 1 * 20] = 1;
    seg[3 + 2 * 5 + 1 * 20] = 1;
    const bb = boundingBox(seg, geometry)!;
    expect(bb).toEqual({ min: [2, 1, 1], max: [4, 3, 2] });
    const grown = expandBox(bb, 1, dims);
    expect(grown).toEqual({ min: [1, 0, 0], max: [5, 4, 3] });
    expect(expandBox(bb, [0, 2, 0], dims)).toEqual({ min: [2, 0, 1], max: [4, 4, 2] });
    expect(() => expandBox(bb, -1, dims)).toThrow(/margin/);
    const c = cropVolume(volume, grown, seg);
    expect(c.volume.dimensions).toEqual([4, 4, 3]);
    expect(Array.from(c.labels!).reduce((s, x) => s + x, 0)).toBe(2);
    expect(cropGeometry(volume, grown).originLps).toEqual(ijkToLps(volume, [1, 0, 0]));
  });

  it('checks the labelmap size', () => {
    expect(() => cropVolume(volume, box, new Uint8Array(59))).toThrow(/labelmap has 59 voxels/);
  });
});
