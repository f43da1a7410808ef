import { describe, expect, it } from 'vitest';
import { keepLargestIsland, labelIslands } from '../../../src/core/segmentation/islands';

describe('islands (6-connected)', () => {
  // 4 × 3 × 2, x fastest. k=0: row0 1100, row1 0001, row2 0000; k=1: row0 0100, row1 0000, row2 1001.
  const dims: [number, number, number] = [4, 3, 2];
  const mask = Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1]);

  it('labels face-connected pieces; diagonal contacts stay separate', () => {
    const { count, sizes, labels } = labelIslands(mask, dims);
    // Pieces: {(0,0,0),(1,0,0),(1,0,1)} = 3 voxels; {(3,1,0)} ; {(0,2,1)} ; {(3,2,1)} (touches (3,1,0) only by an edge).
    expect(count).toBe(4);
    expect([...sizes].slice(1).sort()).toEqual([1, 1, 1, 3]);
    expect(labels[0]).toBe(labels[13]);
    expect(labels[7]).not.toBe(labels[23]);
  });

  it('keeps only the largest piece', () => {
    expect(Array.from(keepLargestIsland(mask, dims)).map((v, i) => (v ? i : -1)).filter((i) => i >= 0)).toEqual([0, 1, 13]);
    expect(keepLargestIsland(new Uint8Array(24), dims).every((v) => v === 0)).toBe(true);
  });
});
