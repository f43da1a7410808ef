import { describe, expect, it } from 'vitest';
import {
  add,
  anySegmentMask,
  applyEdit,
  clearMask,
  copyMask,
  editableMask,
  intersect,
  invert,
  segmentMask,
  subtract,
  writeSegment,
} from '../../../src/core/segmentation/logical';

const u8 = (xs: number[]): Uint8Array => Uint8Array.from(xs);
const arr = (m: Uint8Array): number[] => Array.from(m);

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) | 0) >>> 0) / 4294967296;
}

describe('mask operators', () => {
  // Non-0/1 "inside" values (7, 255) must read as inside and come out as 1.
  const a = u8([1, 1, 0, 0, 7, 0, 255]);
  const b = u8([1, 0, 1, 0, 1, 0, 0]);

  it('copy, add, subtract, intersect, invert, clear give hand-checked 0/1 masks', () => {
    expect(arr(copyMask(a))).toEqual([1, 1, 0, 0, 1, 0, 1]);
    expect(arr(add(a, b))).toEqual([1, 1, 1, 0, 1, 0, 1]);
    expect(arr(subtract(a, b))).toEqual([0, 1, 0, 0, 0, 0, 1]);
    expect(arr(subtract(b, a))).toEqual([0, 0, 1, 0, 0, 0, 0]);
    expect(arr(intersect(a, b))).toEqual([1, 0, 0, 0, 1, 0, 0]);
    expect(arr(invert(a))).toEqual([0, 0, 1, 1, 0, 1, 0]);
    expect(arr(clearMask(a))).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(arr(a)).toEqual([1, 1, 0, 0, 7, 0, 255]); // inputs untouched
  });

  it('return new arrays, or write into `into` (which may be an operand)', () => {
    expect(copyMask(a)).not.toBe(a);
    const target = new Uint8Array(7).fill(3);
    expect(add(a, b, target)).toBe(target);
    expect(arr(target)).toEqual([1, 1, 1, 0, 1, 0, 1]);
    const inPlace = a.slice();
    subtract(inPlace, b, inPlace);
    expect(arr(inPlace)).toEqual([0, 1, 0, 0, 0, 0, 1]);
    expect(arr(clearMask(a, target))).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(() => add(a, b, new Uint8Array(6))).toThrow(/output mask has 6/);
  });

  it('invert twice is the 0/1 copy; add/intersect/subtract obey set identities', () => {
    expect(arr(invert(invert(a)))).toEqual(arr(copyMask(a)));
    // a = (a ∖ b) ∪ (a ∩ b)
    expect(arr(add(subtract(a, b), intersect(a, b)))).toEqual(arr(copyMask(a)));
  });

  it('throws for operands of different sizes', () => {
    expect(() => add(a, new Uint8Array(6))).toThrow(/add: masks have 7 and 6 voxels/);
    expect(() => intersect(a, new Uint8Array(8))).toThrow(/intersect/);
    expect(() => subtract(a, new Uint8Array(1))).toThrow(/subtract/);
  });

  it('agree with a byte-by-byte reference on long random masks at every alignment (4 voxels at a time inside)', () => {
    const rnd = random(3);
    for (const n of [1, 3, 4, 5, 1001, 4099]) {
      for (const [sa, sb, so] of [
        [0, 0, 0],
        [1, 1, 1],
        [3, 3, 3],
        [0, 1, 2],
        [2, 0, 0],
      ]) {
        const x = new Uint8Array(n + sa).subarray(sa);
        const y = new Uint8Array(n + sb).subarray(sb);
        for (let v = 0; v < n; v++) {
          x[v] = rnd() < 0.5 ? 0 : rnd() < 0.5 ? 1 : 1 + Math.floor(rnd() * 255);
          y[v] = rnd() < 0.5 ? 0 : rnd() < 0.5 ? 1 : 1 + Math.floor(rnd() * 255);
        }
        const out = new Uint8Array(n + so).subarray(so);
        const ref = (f: (p: boolean, q: boolean) => boolean): number[] => Array.from(x, (p, v) => (f(p !== 0, y[v] !== 0) ? 1 : 0));
        expect(arr(add(x, y, out))).toEqual(ref((p, q) => p || q));
        expect(arr(subtract(x, y, out))).toEqual(ref((p, q) => p && !q));
        expect(arr(intersect(x, y, out))).toEqual(ref((p, q) => p && q));
        expect(arr(invert(x, out))).toEqual(ref((p) => !p));
        expect(arr(copyMask(x, out))).toEqual(ref((p) => p));
      }
    }
  });
});

describe('segments of a labelmap', () => {
  const labels = u8([0, 1, 2, 2, 0, 1, 3, 2]);

  it('extracts one segment or all of them', () => {
    expect(arr(segmentMask(labels, 2))).toEqual([0, 0, 1, 1, 0, 0, 0, 1]);
    expect(arr(anySegmentMask(labels))).toEqual([0, 1, 1, 1, 0, 1, 1, 1]);
    expect(() => segmentMask(labels, 0)).toThrow(/1…255/);
    expect(() => segmentMask(labels, 256)).toThrow(/1…255/);
  });

  it('writes a mask as a segment: taking other segments only with overwrite, clearing what it no longer covers', () => {
    const m = u8([1, 1, 1, 0, 0, 0, 1, 0]);
    // Segment 2 becomes m: voxels 0, 1, 2, 6 get 2 (1 and 6 taken from segments 1 and 3); 3 and 7 (old 2) become 0.
    expect(arr(writeSegment(labels, 2, m))).toEqual([2, 2, 2, 0, 0, 1, 2, 0]);
    expect(arr(writeSegment(labels, 2, m, { overwrite: false }))).toEqual([2, 1, 2, 0, 0, 1, 3, 0]);
    expect(arr(labels)).toEqual([0, 1, 2, 2, 0, 1, 3, 2]);
  });

  it('writes a segment only where the limits allow', () => {
    const m = u8([1, 1, 1, 0, 0, 0, 1, 0]);
    const editable = u8([1, 1, 0, 1, 1, 1, 0, 0]);
    // Voxel 2 (already 2, not editable) stays; 6 and 7 not editable: unchanged; 3 editable and not in m: cleared.
    expect(arr(writeSegment(labels, 2, m, { mask: editable }))).toEqual([2, 2, 2, 0, 0, 1, 3, 2]);
    const values = Int16Array.from([-100, 50, 0, 300, 0, 0, 200, 0]);
    expect(arr(writeSegment(labels, 2, m, { values, range: { lo: 0, hi: 200 } }))).toEqual([0, 2, 2, 2, 0, 1, 2, 0]);
    const into = labels.slice();
    expect(writeSegment(into, 2, m, {}, into)).toBe(into);
    expect(arr(into)).toEqual([2, 2, 2, 0, 0, 1, 2, 0]);
    expect(() => writeSegment(labels, 2, new Uint8Array(3))).toThrow(/writeSegment/);
  });
});

describe('writeSegment on long random labelmaps (4-voxel words skipped)', () => {
  it('agrees with a per-voxel reference, at any alignment, with and without limits', () => {
    const rnd = random(21);
    const n = 3001;
    for (const shift of [0, 1, 2]) {
      const labels = new Uint8Array(n + shift).subarray(shift);
      const m = new Uint8Array(n);
      const editable = new Uint8Array(n);
      for (let v = 0; v < n; v++) {
        labels[v] = rnd() < 0.7 ? 0 : 1 + Math.floor(rnd() * 3);
        m[v] = rnd() < 0.2 ? 1 : 0;
        editable[v] = rnd() < 0.8 ? 1 : 0;
      }
      for (const overwrite of [true, false])
        for (const limits of [{}, { mask: editable }]) {
          const e = 'mask' in limits ? editable : undefined;
          const ref = Array.from(labels, (old, v) => {
            if (e && !e[v]) return old;
            if (m[v]) return old === 0 || old === 2 || overwrite ? 2 : old;
            return old === 2 ? 0 : old;
          });
          expect(arr(writeSegment(labels, 2, m, { ...limits, overwrite }))).toEqual(ref);
        }
    }
  });
});

describe('masked editing', () => {
  const current = u8([1, 1, 0, 0, 1, 0, 1, 0]);
  const proposed = u8([0, 0, 1, 1, 1, 0, 9, 1]);
  const editable = u8([1, 0, 1, 0, 1, 1, 1, 0]);
  const values = Int16Array.from([-1000, 400, 99, 100, 3071, 150, 150, -5]);

  it('takes the proposal everywhere without limits (as 0/1)', () => {
    expect(arr(applyEdit(current, proposed))).toEqual([0, 0, 1, 1, 1, 0, 1, 1]);
  });

  it('takes the proposal only inside the editable mask', () => {
    expect(arr(applyEdit(current, proposed, { mask: editable }))).toEqual([0, 1, 1, 0, 1, 0, 1, 0]);
  });

  it('takes the proposal only where lo ≤ value ≤ hi (both ends inclusive), Int16 or Float32 values', () => {
    const range = { lo: 100, hi: 3071 };
    const expected = [1, 0, 0, 1, 1, 0, 1, 0];
    expect(arr(applyEdit(current, proposed, { values, range }))).toEqual(expected);
    expect(arr(applyEdit(current, proposed, { values: Float32Array.from(values), range }))).toEqual(expected);
    expect(arr(applyEdit(current, proposed, { values: Float32Array.from([99.5, 0, 0, 0, 0, 0, 0, 0]), range: { lo: 99.5, hi: 99.5 } }))).toEqual([0, 1, 0, 0, 1, 0, 1, 0]);
  });

  it('needs both limits to hold when both are given', () => {
    expect(arr(applyEdit(current, proposed, { mask: editable, values, range: { lo: 100, hi: 3071 } }))).toEqual([1, 1, 0, 0, 1, 0, 1, 0]);
  });

  it('builds the editable mask itself', () => {
    expect(arr(editableMask(8, { mask: editable, values, range: { lo: 100, hi: 3071 } }))).toEqual([0, 0, 0, 0, 1, 1, 1, 0]);
    expect(arr(editableMask(8, { values, range: { lo: -5, hi: 99 } }))).toEqual([0, 0, 1, 0, 0, 0, 0, 1]);
    expect(arr(editableMask(3, {}))).toEqual([1, 1, 1]);
  });

  it('agrees with editableMask + a per-voxel choice on long random data (word path)', () => {
    const rnd = random(9);
    const n = 2053;
    const c = new Uint8Array(n + 1).subarray(1);
    const p = new Uint8Array(n + 1).subarray(1);
    const e = new Uint8Array(n + 1).subarray(1);
    for (let v = 0; v < n; v++) {
      c[v] = rnd() < 0.5 ? 1 : 0;
      p[v] = rnd() < 0.5 ? (rnd() < 0.5 ? 1 : 200) : 0;
      e[v] = rnd() < 0.5 ? 1 : 0;
    }
    const ok = editableMask(n, { mask: e });
    expect(arr(applyEdit(c, p, { mask: e }))).toEqual(Array.from(c, (x, v) => ((ok[v] ? p[v] : x) ? 1 : 0)));
    // In place on `current`.
    const inPlace = c.slice();
    applyEdit(inPlace, p, { mask: e }, inPlace);
    expect(arr(inPlace)).toEqual(arr(applyEdit(c, p, { mask: e })));
  });

  it('rejects inconsistent limits', () => {
    expect(() => applyEdit(current, proposed, { values })).toThrow(/both values and range/);
    expect(() => applyEdit(current, proposed, { range: { lo: 0, hi: 1 } })).toThrow(/both values and range/);
    expect(() => applyEdit(current, proposed, { values, range: { lo: 5, hi: 1 } })).toThrow(/empty/);
    expect(() => applyEdit(current, proposed, { mask: new Uint8Array(3) })).toThrow(/editable mask has 3/);
    expect(() => applyEdit(current, new Uint8Array(3))).toThrow(/applyEdit/);
    expect(() => applyEdit(current, proposed, { values: new Int16Array(2), range: { lo: 0, hi: 1 } })).toThrow(/values have 2/);
  });
});
