import { describe, expect, it } from 'vitest';
import { renderSlice, sliceVolume, windowPresetsFor } from '../../../src/core/volume/slice';
import type { Volume } from '../../../src/core/volume/volume';

const volume = (voxels: Int16Array, dims: [number, number, number]): Volume =>
  ({ dimensions: dims, voxels, invertDisplay: false, windowPresets: [], modality: 'CT', unit: 'HU' }) as unknown as Volume;

describe('renderSlice with a range overlay (the threshold preview)', () => {
  it('tints exactly the in-range voxels of the slice, bounds included, by g + α·(c − g)', () => {
    // Slice 1 of a 3 × 2 × 2 volume: −1000, 225, 226, 3071, 3072, 40 HU.
    const v = new Int16Array([0, 0, 0, 0, 0, 0, -1000, 225, 226, 3071, 3072, 40]);
    const window = { center: 40, width: 400 }; // −160 → 0, 240 → 255 (PS3.3 linear)
    const plain = renderSlice(volume(v, [3, 2, 2]), 1, window);
    const tinted = renderSlice(volume(v, [3, 2, 2]), 1, window, { range: { lo: 226, hi: 3071 }, rgb: [255, 0, 0], alpha: 0.5 });
    const grey = (p: number): number => plain.rgba[p * 4];
    const px = (p: number): number[] => Array.from(tinted.rgba.subarray(p * 4, p * 4 + 4));
    // Out of range: unchanged grey.
    for (const p of [0, 1, 4, 5]) expect(px(p)).toEqual([grey(p), grey(p), grey(p), 255]);
    // In range (226 and 3071): half way to red.
    for (const p of [2, 3]) {
      const g = grey(p);
      // Uint8ClampedArray rounds halves to even.
      const even = (x: number): number => (x - Math.floor(x) === 0.5 ? (Math.floor(x) % 2 === 0 ? Math.floor(x) : Math.ceil(x)) : Math.round(x));
      expect(px(p)).toEqual([even(g + 0.5 * (255 - g)), even(g * 0.5), even(g * 0.5), 255]);
    }
    // 226 HU sits just below the window's top (239.5 HU): light grey, 3071 HU white.
    expect(grey(2)).toBe(247);
    expect(grey(3)).toBe(255);
  });
});

describe('sampleNearest (the value under the cursor)', () => {
  it('finds the nearest voxel centre on an oblique anisotropic grid, undefined outside', async () => {
    const { sampleNearest, ijkToLps } = await import('../../../src/core/volume/volume');
    const a = 0.4;
    const g = {
      dimensions: [4, 3, 2] as [number, number, number],
      spacingMm: [0.7, 1.3, 2.5] as [number, number, number],
      originLps: [10, -5, 30] as [number, number, number],
      directionLps: [
        [Math.cos(a), Math.sin(a), 0],
        [-Math.sin(a), Math.cos(a), 0],
        [0, 0, 1],
      ] as [[number, number, number], [number, number, number], [number, number, number]],
      voxels: Int16Array.from({ length: 24 }, (_, i) => i * 10 - 100),
    };
    // The centre of voxel (2, 1, 1) moved by a bit less than half a voxel along each axis.
    const p = ijkToLps(g, [2.45, 0.6, 1.3]);
    expect(sampleNearest(g, p)).toEqual({ ijk: [2, 1, 1], value: (2 + 1 * 4 + 1 * 12) * 10 - 100 });
    expect(sampleNearest(g, ijkToLps(g, [-0.6, 0, 0]))).toBeUndefined();
    expect(sampleNearest(g, ijkToLps(g, [0, 0, 1.6]))).toBeUndefined();
  });
});

describe('sliceVolume (windows while the rest of a volume loads)', () => {
  it('is slice k at its own position, sharing the voxels; an MR auto window from it ignores the unloaded slices', () => {
    // 2 × 2 × 3 MR, 0.5 × 0.8 × 2 mm, slice axis along −P: slice 1 holds 100…400, the others 0 (not loaded).
    const voxels = new Int16Array([0, 0, 0, 0, 100, 200, 300, 400, 0, 0, 0, 0]);
    const mr = {
      dimensions: [2, 2, 3],
      spacingMm: [0.5, 0.8, 2],
      originLps: [10, 20, 30],
      directionLps: [
        [1, 0, 0],
        [0, 0, -1],
        [0, 1, 0],
      ],
      voxels,
      invertDisplay: false,
      windowPresets: [],
      modality: 'MR',
      warnings: [],
    } as unknown as Volume;
    const one = sliceVolume(mr, 1);
    expect(one.dimensions).toEqual([2, 2, 1]);
    expect(one.originLps).toEqual([10, 22, 30]);
    expect(Array.from(one.voxels)).toEqual([100, 200, 300, 400]);
    expect(one.voxels.buffer).toBe(voxels.buffer);
    const [auto] = windowPresetsFor(one);
    expect(auto.center).toBe(250);
    expect(auto.width).toBe(300);
    // The whole, mostly empty volume would centre the window near 0.
    expect(windowPresetsFor(mr)[0].center).toBeLessThan(250);
  });
});
