import { describe, expect, it } from 'vitest';
import { applyDelta } from '../../../src/core/segmentation/delta';
import { applyProposal, type EditRegion, type ProposalMode } from '../../../src/core/segmentation/edit';
import type { LabelGrid, VoxelBox } from '../../../src/core/segmentation/grid';
import { segmentMask } from '../../../src/core/segmentation/logical';
import { rng } from '../../helpers/syntheticSeries';

/** What a proposal does to one voxel, written out from the documented rules (no shared code). */
function expected(was: number, p: number, label: number, mode: ProposalMode, region: EditRegion | undefined, value: number, inBox: boolean): number {
  if (!inBox) return was;
  if (region?.insideLabel !== undefined && was !== region.insideLabel) return was;
  if (region?.range && !(value >= region.range.lo && value <= region.range.hi)) return was;
  const overwrite = region?.overwrite ?? true;
  if (mode === 'replace') {
    if (p) return was === label || overwrite || was === 0 ? label : was;
    return was === label ? 0 : was;
  }
  if (mode === 'add') return p && (overwrite || was === 0) ? (was === label ? was : label) : was;
  return p && was === label ? 0 : was;
}

/** A labelmap in runs of labels 0–3 and 200, so 4-voxel words are often uniform and often mixed. */
function runsOf(n: number, r: () => number, values: number[]): Uint8Array {
  const out = new Uint8Array(n);
  for (let v = 0; v < n; ) {
    const len = 1 + Math.floor(r() * (r() < 0.5 ? 6 : 40));
    out.fill(values[Math.floor(r() * values.length)], v, v + len);
    v += len;
  }
  return out;
}

describe('applyProposal', () => {
  const g: LabelGrid = { dimensions: [37, 11, 6], spacingMm: [1, 1, 1] };
  const n = 37 * 11 * 6;
  const inside = (box: VoxelBox, v: number): boolean => {
    const p = [v % 37, Math.floor(v / 37) % 11, Math.floor(v / (37 * 11))];
    return p.every((x, a) => x >= box.min[a] && x < box.max[a]);
  };

  it('a whole-grid proposal (the word-skipping path) and a box-order one both follow the rules voxel by voxel, and undo restores', () => {
    const r = rng(3);
    let changed = 0;
    for (let trial = 0; trial < 60; trial++) {
      const labels = runsOf(n, r, [0, 0, 1, 2, 3, 200]);
      const proposal = runsOf(n, r, [0, 1, 1, 7]).map((x) => (trial % 3 === 0 ? x : x ? 1 : 0));
      const values = Int16Array.from({ length: n }, () => Math.floor(r() * 200) - 100);
      const mode = (['replace', 'add', 'remove'] as const)[trial % 3];
      const label = [1, 2, 200][trial % 5 % 3];
      const box: VoxelBox = { min: [Math.floor(r() * 5), Math.floor(r() * 3), 0], max: [37 - Math.floor(r() * 6), 11 - Math.floor(r() * 2), 6 - Math.floor(r() * 2)] };
      const regions: (EditRegion | undefined)[] = [undefined, { overwrite: false }, { box: { min: [3, 1, 1], max: [30, 9, 5] } }, { range: { lo: -20, hi: 60 } }, { insideLabel: 3, overwrite: true }];
      const region = regions[trial % regions.length];
      const want = labels.map((was, v) => expected(was, proposal[v], label, mode, region, values[v], inside(box, v) && (!region?.box || inside(region.box, v))));
      for (const layout of ['grid', 'box'] as const) {
        const target = labels.slice();
        let prop = proposal;
        if (layout === 'box') {
          const [bx, by] = [box.max[0] - box.min[0], box.max[1] - box.min[1]];
          prop = new Uint8Array(bx * by * (box.max[2] - box.min[2]));
          for (let k = box.min[2]; k < box.max[2]; k++) for (let j = box.min[1]; j < box.max[1]; j++) for (let i = box.min[0]; i < box.max[0]; i++) prop[i - box.min[0] + (j - box.min[1]) * bx + (k - box.min[2]) * bx * by] = proposal[i + j * 37 + k * 37 * 11];
        }
        const delta = applyProposal({ labels: target, grid: g, values }, box, prop, label, mode, region, layout === 'grid');
        expect(Buffer.from(target).equals(Buffer.from(want)), `trial ${trial} ${layout} ${mode}`).toBe(true);
        const diff = want.reduce((s, x, v) => s + (x !== labels[v] ? 1 : 0), 0);
        expect(delta?.changedVoxels ?? 0).toBe(diff);
        if (delta) applyDelta(target, g, delta, 'undo');
        expect(Buffer.from(target).equals(Buffer.from(labels))).toBe(true);
        changed += diff;
      }
    }
    expect(changed).toBeGreaterThan(1000);
  });

  it('works on labelmaps that start at any byte offset', () => {
    const r = rng(8);
    for (let offset = 0; offset < 4; offset++) {
      const labels = runsOf(n + 4, r, [0, 1, 2]).subarray(offset, offset + n);
      const proposal = runsOf(n + 4, r, [0, 1]).subarray(offset, offset + n);
      const want = labels.map((was, v) => expected(was, proposal[v], 1, 'replace', undefined, 0, true));
      const full: VoxelBox = { min: [0, 0, 0], max: [37, 11, 6] };
      applyProposal({ labels, grid: g }, full, proposal, 1, 'replace', undefined, true);
      expect(Array.from(labels)).toEqual(Array.from(want));
    }
  });
});

describe('segmentMask', () => {
  it('into a given array, four voxels a word, equals the voxel-by-voxel mask for every label and alignment', () => {
    const r = rng(5);
    for (let offset = 0; offset < 4; offset++)
      for (const label of [1, 2, 127, 128, 129, 255]) {
        const labels = runsOf(203, r, [0, 1, 2, 127, 128, 129, 255]).subarray(offset);
        // The same alignment as the labels (the word path) and a different one (byte by byte).
        for (const at of [offset, (offset + 1) % 4]) {
          const into = new Uint8Array(labels.length + 4).fill(9).subarray(at, at + labels.length);
          const got = segmentMask(labels, label, into);
          expect(got).toBe(into);
          expect(Array.from(got)).toEqual(Array.from(labels, (x) => (x === label ? 1 : 0)));
        }
        expect(Array.from(segmentMask(labels, label))).toEqual(Array.from(labels, (x) => (x === label ? 1 : 0)));
      }
  });
});
