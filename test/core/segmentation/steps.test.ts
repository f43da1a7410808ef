import { describe, expect, it } from 'vitest';
import { applyDelta, commitBox, readBox, tallyDelta } from '../../../src/core/segmentation/delta';
import { strokeProposal } from '../../../src/core/segmentation/brush';
import { EditHistory } from '../../../src/core/segmentation/history';
import { applyStep, emptySegmentation } from '../../../src/core/segmentation/steps';
import type { EditVolume, Step } from '../../../src/core/segmentation/steps';
import { rng } from '../../helpers/syntheticSeries';
import type { Vec3 } from '../../../src/core/geometry/vec3';

/** 12×9×7 voxels of 0.5 × 1 × 2.5 mm, axes flipped in L and S, values = i*100 + j*10 + k (so ranges select boxes). */
function volume(): EditVolume {
  const dimensions = [12, 9, 7] as const;
  const voxels = new Int16Array(12 * 9 * 7);
  for (let k = 0, v = 0; k < 7; k++) for (let j = 0; j < 9; j++) for (let i = 0; i < 12; i++, v++) voxels[v] = i * 100 + j * 10 + k;
  return { dimensions, spacingMm: [0.5, 1, 2.5], originLps: [10, -20, 30], directionLps: [[-1, 0, 0], [0, 1, 0], [0, 0, -1]], voxels, seriesInstanceUid: '1.2.3' };
}

/** Byte equality of big arrays (Vitest's deep equality walks elements one by one). */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const count = (labels: Uint8Array, l: number): number => labels.reduce((n, x) => n + (x === l ? 1 : 0), 0);
const lps = (vol: EditVolume, i: number, j: number, k: number): Vec3 => [vol.originLps[0] - i * 0.5, vol.originLps[1] + j * 1, vol.originLps[2] - k * 2.5];

describe('label deltas', () => {
  it('round-trips random edits of a box exactly, storing only changed runs', () => {
    const random = rng(7);
    const grid = { dimensions: [20, 15, 10] as const };
    const labels = new Uint8Array(3000).map(() => (random() < 0.3 ? 1 + Math.floor(random() * 3) : 0));
    const original = labels.slice();
    const box = { min: [3, 2, 1] as const, max: [17, 11, 9] as const };
    const after = readBox(labels, grid, box).map((x) => (random() < 0.2 ? Math.floor(random() * 4) : x));
    const delta = commitBox(labels, grid, box, after);
    const edited = labels.slice();
    expect(readBox(labels, grid, box)).toEqual(after);
    const changed = original.reduce((n, x, v) => n + (x !== edited[v] ? 1 : 0), 0);
    expect(delta.changedVoxels).toBe(changed);
    expect(changed).toBeGreaterThan(100);
    // Counts per label follow from the runs alone.
    const tally = (l: Uint8Array): Float64Array => l.reduce((c, x) => (c[x]++, c), new Float64Array(256));
    const counts = tally(original);
    tallyDelta(counts, delta, 'redo');
    expect(counts).toEqual(tally(edited));
    tallyDelta(counts, delta, 'undo');
    expect(counts).toEqual(tally(original));
    applyDelta(labels, grid, delta, 'undo');
    expect(labels).toEqual(original);
    applyDelta(labels, grid, delta, 'redo');
    expect(labels).toEqual(edited);
  });

  it('encodes a uniform block as one run and an unchanged box as nothing', () => {
    const grid = { dimensions: [40, 40, 40] as const };
    const labels = new Uint8Array(64000);
    const box = { min: [0, 0, 10] as const, max: [40, 40, 20] as const };
    const delta = commitBox(labels, grid, box, new Uint8Array(16000).fill(2));
    // skip 0, length 16000 (2-byte varint), before 0, after 2.
    expect([...delta.runs]).toEqual([0, 0x80 | (16000 & 0x7f), 16000 >> 7, 0, 2]);
    expect(commitBox(labels, grid, box, new Uint8Array(16000).fill(2)).runs.length).toBe(0);
  });
});

describe('steps', () => {
  it('thresholds a segment to exactly the voxels in range, only inside a region when asked', () => {
    const vol = volume();
    const seg = emptySegmentation(vol);
    applyStep(seg, vol, { op: 'add-segment', segment: { label: 1, name: 'Bone', colorRgb: [230, 220, 200] } });
    // i ≥ 8 ⇔ value ≥ 800.
    applyStep(seg, vol, { op: 'threshold', label: 1, range: { lo: 800, hi: 5000 } });
    expect(count(seg.labels, 1)).toBe(4 * 9 * 7);
    // Re-threshold only in slices k 2..4: there the segment becomes i ≥ 10; elsewhere it stays.
    applyStep(seg, vol, { op: 'threshold', label: 1, range: { lo: 1000, hi: 5000 }, region: { box: { min: [0, 0, 2], max: [12, 9, 5] } } });
    expect(count(seg.labels, 1)).toBe(4 * 9 * 4 + 2 * 9 * 3);
    expect(seg.labels[8 + 3 * 12 + 3 * 108]).toBe(0);
    expect(seg.labels[8 + 3 * 12 + 1 * 108]).toBe(1);
  });

  it('paints a circle in one slice and a sphere in 3D with the radius in mm on an anisotropic grid', () => {
    const vol = volume();
    const seg = emptySegmentation(vol);
    applyStep(seg, vol, { op: 'add-segment', segment: { label: 2, name: 'Tumour', colorRgb: [216, 101, 79] } });
    const centre = lps(vol, 6, 4, 3);
    // Circle of 1.2 mm in the axial plane: (di·0.5)² + dj² ≤ 1.44 → 5 voxels along i at dj 0, 3 at dj ±1.
    applyStep(seg, vol, { op: 'paint', label: 2, shape: 'circle', radiusMm: 1.2, pointsLps: [centre], normalLps: [0, 0, 1] });
    let expected = 0;
    for (let dj = -1; dj <= 1; dj++) for (let di = -2; di <= 2; di++) if ((di * 0.5) ** 2 + dj ** 2 <= 1.44) expected++;
    expect(count(seg.labels, 2)).toBe(expected);
    for (let v = 0; v < seg.labels.length; v++) if (seg.labels[v]) expect(Math.floor(v / 108)).toBe(3);
    // Sphere of 2.6 mm reaches one slice above and below (2.5 mm) but only the centre line there.
    applyStep(seg, vol, { op: 'paint', label: 2, shape: 'sphere', radiusMm: 2.6, pointsLps: [centre] });
    let sphere = 0;
    for (let dk = -1; dk <= 1; dk++) for (let dj = -3; dj <= 3; dj++) for (let di = -6; di <= 6; di++) if ((di * 0.5) ** 2 + dj ** 2 + (dk * 2.5) ** 2 <= 2.6 ** 2) sphere++;
    expect(count(seg.labels, 2)).toBe(sphere);
    // Erase through a stroke from i=0 to i=11 along j=4, k=3 (1 mm eraser): that row goes.
    applyStep(seg, vol, { op: 'paint', label: 2, erase: true, shape: 'circle', radiusMm: 0.4, normalLps: [0, 0, 1], pointsLps: [lps(vol, 0, 4, 3), lps(vol, 11, 4, 3)] });
    for (let i = 0; i < 12; i++) expect(seg.labels[i + 4 * 12 + 3 * 108]).toBe(0);
    expect(seg.labels[6 + 5 * 12 + 3 * 108]).toBe(2);
  });

  it('paints only where the value is in range and never over another segment when overwrite is off', () => {
    const vol = volume();
    const seg = emptySegmentation(vol);
    applyStep(seg, vol, { op: 'add-segment', segment: { label: 1, name: 'A', colorRgb: [1, 2, 3] } });
    applyStep(seg, vol, { op: 'add-segment', segment: { label: 2, name: 'B', colorRgb: [1, 2, 3] } });
    applyStep(seg, vol, { op: 'threshold', label: 1, range: { lo: 0, hi: 299 } }); // i 0..2
    applyStep(seg, vol, { op: 'paint', label: 2, shape: 'sphere', radiusMm: 100, pointsLps: [lps(vol, 6, 4, 3)], region: { range: { lo: 200, hi: 699 }, overwrite: false } });
    // i 2 is in range but belongs to A; i 3..6 become B.
    expect(count(seg.labels, 2)).toBe(4 * 9 * 7);
    expect(count(seg.labels, 1)).toBe(3 * 9 * 7);
  });

  it('rejects unknown segments, bad labels and empty ranges with a message', () => {
    const vol = volume();
    const seg = emptySegmentation(vol);
    expect(() => applyStep(seg, vol, { op: 'threshold', label: 4, range: { lo: 0, hi: 1 } })).toThrow(/no segment 4/);
    expect(() => applyStep(seg, vol, { op: 'add-segment', segment: { label: 0, name: 'x', colorRgb: [0, 0, 0] } })).toThrow(/1–255/);
    applyStep(seg, vol, { op: 'add-segment', segment: { label: 1, name: 'x', colorRgb: [0, 0, 0] } });
    expect(() => applyStep(seg, vol, { op: 'threshold', label: 1, range: { lo: 5, hi: 1 } })).toThrow(/empty/);
    expect(() => applyStep(seg, vol, { op: 'frobnicate' } as unknown as Step)).toThrow(/unknown step "frobnicate"/);
  });

  it('painting a path piece by piece (as the pointer moves) gives the voxels of painting it at once (as a replay does)', () => {
    const vol = volume();
    const random = rng(11);
    const points = Array.from({ length: 8 }, () => lps(vol, random() * 11, random() * 8, 3));
    for (const shape of ['circle', 'sphere'] as const) {
      const whole = emptySegmentation(vol);
      const pieces = emptySegmentation(vol);
      for (const seg of [whole, pieces]) {
        applyStep(seg, vol, { op: 'add-segment', segment: { label: 1, name: 'A', colorRgb: [0, 0, 0] } });
        applyStep(seg, vol, { op: 'threshold', label: 1, range: { lo: 0, hi: 350 } });
      }
      const base = { op: 'paint', label: 1, shape, radiusMm: 1.7, normalLps: [0, 0, 1], region: { range: { lo: 300, hi: 900 } } } as const;
      applyStep(whole, vol, { ...base, pointsLps: points });
      points.forEach((p, i) => applyStep(pieces, vol, { ...base, pointsLps: i ? [points[i - 1], p] : [p] }));
      expect(pieces.labels).toEqual(whole.labels);
      expect(count(whole.labels, 1)).toBeGreaterThan(4 * 9 * 7);
    }
  });

  it('brush strokes outside the grid change nothing', () => {
    const vol = volume();
    expect(strokeProposal(vol, { shape: 'sphere', radiusMm: 1, pointsLps: [[500, 500, 500]] })).toBeUndefined();
  });
});

describe('undo and redo', () => {
  it('restores every state exactly, backwards and forwards, including segment lists', () => {
    const vol = volume();
    const seg = emptySegmentation(vol);
    const history = new EditHistory();
    const states: Uint8Array[] = [seg.labels.slice()];
    const lists = [seg.segments];
    const random = rng(3);
    const steps: Step[] = [
      { op: 'add-segment', segment: { label: 1, name: 'Bone', colorRgb: [230, 220, 200] } },
      { op: 'threshold', label: 1, range: { lo: 500, hi: 5000 } },
      { op: 'add-segment', segment: { label: 2, name: 'Other', colorRgb: [80, 140, 220] } },
      ...Array.from({ length: 20 }, (): Step => ({
        op: 'paint',
        label: random() < 0.5 ? 1 : 2,
        erase: random() < 0.3,
        shape: random() < 0.5 ? 'circle' : 'sphere',
        normalLps: [0, 0, 1],
        radiusMm: 0.5 + random() * 3,
        pointsLps: [lps(vol, random() * 11, random() * 8, Math.floor(random() * 7)), lps(vol, random() * 11, random() * 8, Math.floor(random() * 7))],
      })),
      { op: 'update-segment', label: 2, name: 'Renamed' },
      { op: 'keep-largest', label: 1 },
      { op: 'remove-segment', label: 1 },
    ];
    for (const step of steps) {
      history.record(step, applyStep(seg, vol, step));
      states.push(seg.labels.slice());
      lists.push(seg.segments);
    }
    expect(history.steps).toEqual(steps);
    for (let n = steps.length - 1; n >= 0; n--) {
      history.undo(seg, vol);
      expect(seg.labels).toEqual(states[n]);
      expect(seg.segments).toEqual(lists[n]);
    }
    expect(history.canUndo).toBe(false);
    for (let n = 1; n <= steps.length; n++) {
      history.redo(seg, vol);
      expect(seg.labels).toEqual(states[n]);
      expect(seg.segments).toEqual(lists[n]);
    }
    // A new step after an undo drops the redo list.
    history.undo(seg, vol);
    history.record(steps[3], applyStep(seg, vol, steps[3]));
    expect(history.canRedo).toBe(false);
  });

  it('recolours one after another (a colour picker being dragged) are one undo step and one recipe step', () => {
    const vol = volume();
    const seg = emptySegmentation(vol);
    const history = new EditHistory();
    const record = (step: Step): void => history.record(step, applyStep(seg, vol, step));
    record({ op: 'add-segment', segment: { label: 1, name: 'Bone', colorRgb: [230, 220, 200] } });
    record({ op: 'add-segment', segment: { label: 2, name: 'Vessel', colorRgb: [200, 40, 40] } });
    for (let r = 0; r < 30; r++) record({ op: 'update-segment', label: 1, colorRgb: [r, 100, 200] });
    expect(history.undoSteps).toBe(3);
    expect(history.steps[2]).toEqual({ op: 'update-segment', label: 1, colorRgb: [29, 100, 200] });
    expect(seg.segments[0].colorRgb).toEqual([29, 100, 200]);
    history.undo(seg, vol);
    expect(seg.segments[0].colorRgb).toEqual([230, 220, 200]); // the colour before the first
    history.redo(seg, vol);
    expect(seg.segments[0].colorRgb).toEqual([29, 100, 200]);
    // Another segment's colour, a rename, or anything between starts a new step.
    record({ op: 'update-segment', label: 2, colorRgb: [0, 0, 255] });
    record({ op: 'update-segment', label: 1, name: 'Skull' });
    record({ op: 'update-segment', label: 1, colorRgb: [1, 2, 3] });
    expect(history.undoSteps).toBe(6);
    // After an undo, a recolour does not join the step before the undone one.
    history.undo(seg, vol);
    record({ op: 'update-segment', label: 1, colorRgb: [4, 5, 6] });
    expect(history.undoSteps).toBe(6);
    record({ op: 'update-segment', label: 1, colorRgb: [7, 8, 9] });
    expect(history.undoSteps).toBe(6);
    history.undo(seg, vol);
    expect(seg.segments[0]).toMatchObject({ name: 'Skull', colorRgb: [29, 100, 200] });
  });

  it('keeps 50+ steps on a 192×192×120 labelmap in under 2 MB (full copies would take 62 × 4.4 MB)', () => {
    const n = 192;
    const nz = 120;
    const voxels = new Int16Array(n * n * nz);
    // A sphere of "bone" 1000 HU, radius 90 voxels, in air.
    for (let k = 0, v = 0; k < nz; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++, v++) voxels[v] = (i - 96) ** 2 + (j - 96) ** 2 + (k - 60) ** 2 <= 55 ** 2 ? 1000 : -1000;
    const vol: EditVolume = { dimensions: [n, n, nz], spacingMm: [0.8, 0.8, 1], originLps: [0, 0, 0], directionLps: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], voxels };
    const seg = emptySegmentation(vol);
    const history = new EditHistory({ budgetBytes: 64 * 1024 * 1024 });
    const run = (s: Step): void => history.record(s, applyStep(seg, vol, s));
    run({ op: 'add-segment', segment: { label: 1, name: 'Bone', colorRgb: [230, 220, 200] } });
    run({ op: 'threshold', label: 1, range: { lo: 226, hi: 3071 } });
    const before = seg.labels.slice();
    for (let s = 0; s < 60; s++) run({ op: 'paint', label: 1, erase: s % 2 === 1, shape: 'sphere', radiusMm: 4, pointsLps: [[30 + s, 50, 40], [50 + s, 100, 70]] });
    expect(history.undoSteps).toBe(62);
    expect(history.bytes).toBeLessThan(2 * 1024 * 1024);
    expect(same(seg.labels, before)).toBe(false);
    for (let s = 0; s < 60; s++) history.undo(seg, vol);
    expect(same(seg.labels, before)).toBe(true);
  });

  it('forgets the oldest steps past the budget but keeps them in the step log', () => {
    const vol = volume();
    const seg = emptySegmentation(vol);
    const history = new EditHistory({ budgetBytes: 2000 });
    const run = (s: Step): void => history.record(s, applyStep(seg, vol, s));
    run({ op: 'add-segment', segment: { label: 1, name: 'A', colorRgb: [0, 0, 0] } });
    for (let t = 0; t < 10; t++) run({ op: 'threshold', label: 1, range: { lo: t * 100, hi: 5000 } });
    expect(history.bytes).toBeLessThanOrEqual(2000);
    expect(history.undoSteps).toBeLessThan(11);
    expect(history.steps).toHaveLength(11);
  });
});
