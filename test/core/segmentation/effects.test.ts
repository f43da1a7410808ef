import { describe, expect, it } from 'vitest';
import { EditHistory } from '../../../src/core/segmentation/history';
import { fillCavities } from '../../../src/core/segmentation/fillHoles';
import { hollowMask } from '../../../src/core/segmentation/hollow';
import { keepLargest } from '../../../src/core/segmentation/islands';
import { marginMask } from '../../../src/core/segmentation/margin';
import { gaussianSmooth, medianFilter } from '../../../src/core/segmentation/smoothing';
import { applyStep, emptySegmentation } from '../../../src/core/segmentation/steps';
import type { EditVolume, Segmentation, Step } from '../../../src/core/segmentation/steps';

/** 24×20×12 voxels of 0.5 × 1 × 2 mm; values = i (so a range selects columns of i). */
function volume(): EditVolume {
  const voxels = new Int16Array(24 * 20 * 12);
  for (let v = 0; v < voxels.length; v++) voxels[v] = v % 24;
  return { dimensions: [24, 20, 12], spacingMm: [0.5, 1, 2], originLps: [0, 0, 0], directionLps: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], voxels };
}
const grid = { dimensions: [24, 20, 12] as const, spacingMm: [0.5, 1, 2] as const };
const idx = (i: number, j: number, k: number): number => i + j * 24 + k * 480;
const maskOf = (seg: Segmentation, label: number): Uint8Array => seg.labels.map((x) => (x === label ? 1 : 0));

/** A hollow box (cavity inside) for label 1, plus a one-voxel speck; a slab for label 2 beside it. */
function fixture(): { vol: EditVolume; seg: Segmentation; history: EditHistory; run: (s: Step) => void } {
  const vol = volume();
  const seg = emptySegmentation(vol);
  const history = new EditHistory();
  const run = (s: Step): void => history.record(s, applyStep(seg, vol, s));
  run({ op: 'add-segment', segment: { label: 1, name: 'Bone', colorRgb: [230, 220, 200] } });
  run({ op: 'add-segment', segment: { label: 2, name: 'Vessel', colorRgb: [216, 101, 79] } });
  for (let k = 2; k < 9; k++)
    for (let j = 3; j < 15; j++)
      for (let i = 2; i < 14; i++) {
        const wall = k === 2 || k === 8 || j === 3 || j === 14 || i === 2 || i === 13;
        if (wall) seg.labels[idx(i, j, k)] = 1;
      }
  seg.labels[idx(20, 18, 10)] = 1;
  for (let k = 0; k < 12; k++) for (let j = 0; j < 20; j++) for (let i = 16; i < 19; i++) seg.labels[idx(i, j, k)] = 2;
  return { vol, seg, history, run };
}

describe('effects as steps', () => {
  it('each single-segment effect writes exactly what its operation computes, and undo restores the labelmap', () => {
    const cases: [Step, (m: Uint8Array) => Uint8Array][] = [
      [{ op: 'keep-largest', label: 1 }, (m) => keepLargest(m, grid)],
      [{ op: 'fill-holes', label: 1 }, (m) => fillCavities(m, grid)],
      [{ op: 'margin', label: 1, mm: 1.2 }, (m) => marginMask(m, grid, 1.2)],
      [{ op: 'margin', label: 1, mm: -0.6 }, (m) => marginMask(m, grid, -0.6)],
      [{ op: 'hollow', label: 1, thicknessMm: 1, side: 'outside' }, (m) => hollowMask(m, grid, { thicknessMm: 1, side: 'outside' })],
      [{ op: 'smooth', label: 1, method: 'median', sizeMm: 1 }, (m) => medianFilter(m, grid, { sizeMm: 1, minVoxels: 3 })],
    ];
    for (const [step, op] of cases) {
      const { vol, seg, history } = fixture();
      const before = seg.labels.slice();
      const expected = op(maskOf(seg, 1));
      history.record(step, applyStep(seg, vol, step));
      const other = before.map((x, v) => (x === 2 && !expected[v] ? 1 : 0));
      // Where the result grows into segment 2 it overwrites it (the default); elsewhere segment 2 is untouched.
      expect(maskOf(seg, 1), step.op).toEqual(expected);
      expect(maskOf(seg, 2)).toEqual(other);
      history.undo(seg, vol);
      expect(seg.labels).toEqual(before);
    }
  });

  it('masks an effect: grow only where the value is in range, never over another segment when overwrite is off', () => {
    const { seg, run } = fixture();
    const before = maskOf(seg, 1);
    run({ op: 'margin', label: 1, mm: 3, region: { range: { lo: 0, hi: 15 }, overwrite: false } });
    const after = maskOf(seg, 1);
    let grew = 0;
    for (let v = 0; v < after.length; v++) {
      if (after[v] && !before[v]) {
        grew++;
        expect(v % 24).toBeLessThanOrEqual(15);
      }
    }
    expect(grew).toBeGreaterThan(100);
    // Segment 2 (i 16..18) untouched.
    expect(seg.labels.filter((x) => x === 2).length).toBe(3 * 20 * 12);
  });

  it('splits pieces into new segments (largest first) and logical operators combine segments', () => {
    const { vol, seg, run } = fixture();
    run({ op: 'split-pieces', label: 1 });
    expect(seg.segments.map((s) => [s.label, s.name])).toEqual([
      [1, 'Bone'],
      [2, 'Vessel'],
      [3, 'Bone 2'],
    ]);
    expect(seg.labels[idx(20, 18, 10)]).toBe(3);
    expect(seg.labels[idx(2, 3, 2)]).toBe(1);
    run({ op: 'logical', label: 3, operation: 'add', other: 2 });
    expect(seg.labels.filter((x) => x === 3).length).toBe(1 + 3 * 20 * 12);
    expect(seg.labels.filter((x) => x === 2).length).toBe(0);
    run({ op: 'logical', label: 2, operation: 'copy', other: 1 });
    expect(seg.labels.filter((x) => x === 1).length).toBe(0);
    expect(() => applyStep(seg, vol, { op: 'logical', label: 2, operation: 'add', other: 9 })).toThrow(/no segment 9/);
  });

  it('joint smoothing leaves no gap and no overlap between touching segments; crop clears outside the box', () => {
    const { seg, run } = fixture();
    run({ op: 'fill-holes', label: 1 });
    // Make the vessel touch the bone along i = 13 | 14.
    for (let k = 2; k < 9; k++) for (let j = 3; j < 15; j++) for (let i = 14; i < 16; i++) seg.labels[idx(i, j, k)] = 2;
    const union = seg.labels.map((x) => (x ? 1 : 0));
    run({ op: 'joint-smooth', sigmaMm: 0.8 });
    // The union is smoothed as one: exactly the Gaussian-smoothed union, so no gap opens between the two.
    expect(seg.labels.map((x) => (x ? 1 : 0))).toEqual(gaussianSmooth(union, grid, 0.8));
    expect(seg.labels[idx(13, 8, 5)]).toBe(1);
    expect(seg.labels[idx(14, 8, 5)]).toBe(2);
    run({ op: 'crop', box: { min: [0, 0, 0], max: [24, 20, 5] } });
    for (let v = 5 * 480; v < seg.labels.length; v++) expect(seg.labels[v]).toBe(0);
    expect(seg.labels.slice(0, 5 * 480).some((x) => x === 1)).toBe(true);
  });

  it('rejects bad parameters with a message', () => {
    const { vol, seg } = fixture();
    expect(() => applyStep(seg, vol, { op: 'hollow', label: 1, thicknessMm: 0, side: 'inside' })).toThrow(/wall thickness must be > 0/);
    expect(() => applyStep(seg, vol, { op: 'keep-piece', label: 1, ijk: [0, 0, 0] })).toThrow();
  });
});
