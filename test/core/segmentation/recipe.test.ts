import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EditHistory } from '../../../src/core/segmentation/history';
import { createRecipe, fingerprintMismatch, hashBytes, parseRecipe, replayRecipe } from '../../../src/core/segmentation/recipe';
import { applyStep, emptySegmentation } from '../../../src/core/segmentation/steps';
import type { EditVolume, Step } from '../../../src/core/segmentation/steps';
import { VOXELPRINT_VERSION } from '../../../src/core/version';
import { rng } from '../../helpers/syntheticSeries';

function volume(seed = 1): EditVolume {
  const random = rng(seed);
  const voxels = new Int16Array(30 * 24 * 10).map(() => Math.round(random() * 2000 - 1000));
  return { dimensions: [30, 24, 10], spacingMm: [0.7, 0.9, 2], originLps: [-5, 3, 40], directionLps: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], voxels, seriesInstanceUid: '1.2.840.1' };
}

describe('recipes', () => {
  it('replays a recorded session (with undos and brush strokes) to a bit-identical labelmap', () => {
    const vol = volume();
    const seg = emptySegmentation(vol);
    const history = new EditHistory();
    const random = rng(9);
    const run = (s: Step): void => history.record(s, applyStep(seg, vol, s));
    run({ op: 'add-segment', segment: { label: 1, name: 'Bone', colorRgb: [230, 220, 200] } });
    run({ op: 'threshold', label: 1, range: { lo: 200, hi: 1000 } });
    run({ op: 'add-segment', segment: { label: 3, name: 'Brushed', colorRgb: [80, 140, 220] } });
    for (let s = 0; s < 15; s++) {
      run({ op: 'paint', label: s % 3 ? 3 : 1, erase: s % 4 === 3, shape: 'circle', normalLps: [0, 0, 1], radiusMm: 1 + random() * 3, pointsLps: [[-5 + random() * 20, 3 + random() * 20, 40 + 2 * Math.floor(random() * 10)]] });
      if (s % 5 === 4) history.undo(seg, vol);
    }
    run({ op: 'keep-largest', label: 1 });
    const recipe = createRecipe(vol, history.steps, seg.labels, new Date('2026-11-25T10:00:00Z'));
    const text = JSON.stringify(recipe, null, 2);
    const parsed = parseRecipe(text);
    expect(parsed.software).toEqual({ name: 'voxelprint', version: VOXELPRINT_VERSION });
    expect(parsed.steps).toHaveLength(3 + 15 - 3 + 1);
    expect(parsed.series.seriesInstanceUid).toBe('1.2.840.1');
    const replayed = replayRecipe(parsed, vol);
    expect(hashBytes(replayed.labels)).toBe(parsed.result?.labelsHash);
    expect(Buffer.from(replayed.labels).equals(Buffer.from(seg.labels))).toBe(true);
    expect(replayed.segments).toEqual(seg.segments);
  });

  it('refuses another series, naming the difference, unless forced', () => {
    const recipe = createRecipe(volume(1), [{ op: 'add-segment', segment: { label: 1, name: 'A', colorRgb: [0, 0, 0] } }]);
    expect(fingerprintMismatch(recipe, volume(1))).toBeUndefined();
    expect(() => replayRecipe(recipe, volume(2))).toThrow(/voxel values differ/);
    expect(() => replayRecipe(recipe, { ...volume(1), spacingMm: [0.7, 0.9, 2.5] })).toThrow(/spacing differs/);
    expect(replayRecipe(recipe, volume(2), { force: true }).segments).toHaveLength(1);
  });

  it('rejects malformed recipes with a reason, and names a failing step', () => {
    expect(() => parseRecipe('{')).toThrow(/not JSON/);
    expect(() => parseRecipe('{"format":"other"}')).toThrow(/not a Voxelprint recipe/);
    expect(() => parseRecipe('{"format":"voxelprint-recipe","version":2}')).toThrow(/version 2/);
    const bad = createRecipe(volume(), [{ op: 'threshold', label: 7, range: { lo: 0, hi: 1 } }]);
    expect(() => replayRecipe(bad, volume())).toThrow(/step 1 \(threshold\) failed: no segment 7/);
  });

  it('hashes bytes, not values: one flipped bit changes the hash, unaligned views hash as copies', () => {
    const a = new Uint8Array(1001).map((_, i) => i * 7);
    const h = hashBytes(a);
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    const b = a.slice();
    b[500] ^= 1;
    expect(hashBytes(b)).not.toBe(h);
    const big = new Uint8Array(1002);
    big.set(a, 1);
    expect(hashBytes(big.subarray(1))).toBe(h);
  });

  it('writes the version from package.json', () => {
    expect(VOXELPRINT_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});
