import { describe, expect, it } from 'vitest';
import { printTranslationMm, toFrame } from '../../../src/core/export/frames';
import type { SegmentMesh } from '../../../src/core/mesh/mesh';
import { fixture, signedVolume, soup } from './fixture';

const pos = (s: SegmentMesh): number[] => Array.from(s.mesh.positionsMm);

describe('toFrame', () => {
  it('LPS → RAS negates x and y, keeps z, indices and positive volume', () => {
    const lps = fixture();
    const ras = toFrame(lps, 'RAS');
    expect(ras.map((s) => s.mesh.frame)).toEqual(['RAS', 'RAS']);
    expect(pos(ras[1])).toEqual([90.125, -55.375, 805.75, 80.5, -58.875, 806.25, 86, -66.5, 804.875, 85.25, -59.125, 817.25]);
    expect(pos(ras[0]).slice(0, 3)).toEqual([112.5, -40.25, 800.5]);
    expect(Array.from(ras[1].mesh.indices)).toEqual(Array.from(lps[1].mesh.indices));
    // diag(-1,-1,1) is a rotation (det +1): winding still outward
    expect(signedVolume(soup(ras[0]))).toBeCloseTo(6000, 6);
    expect(signedVolume(soup(ras[1]))).toBeCloseTo(signedVolume(soup(lps[1])), 6);
    expect(signedVolume(soup(ras[1]))).toBeGreaterThan(0);
  });

  it('RAS → LPS is the inverse and returns new arrays', () => {
    const lps = fixture();
    const back = toFrame(toFrame(lps, 'RAS'), 'LPS');
    expect(pos(back[0])).toEqual(pos(lps[0]));
    expect(pos(back[1])).toEqual(pos(lps[1]));
    const copy = toFrame(lps, 'LPS');
    expect(copy[0].mesh.positionsMm).not.toBe(lps[0].mesh.positionsMm);
    expect(copy[0].mesh.indices).not.toBe(lps[0].mesh.indices);
    expect(pos(copy[0])).toEqual(pos(lps[0]));
  });

  it('print frame: union rests on z = 0, bbox centred at x = y = 0, one translation for all segments', () => {
    // union bbox: x [-112.5, -80.5] y [40.25, 66.5] z [800.5, 830.5] → t = (96.5, -53.375, -800.5)
    expect(printTranslationMm(fixture())).toEqual([96.5, -53.375, -800.5]);
    const printed = toFrame(fixture(), 'print');
    expect(printed.map((s) => s.mesh.frame)).toEqual(['print', 'print']);
    expect(pos(printed[0])).toEqual([
      -16, -13.125, 0, -6, -13.125, 0, -16, 6.875, 0, -6, 6.875, 0, -16, -13.125, 30, -6, -13.125, 30, -16, 6.875, 30, -6, 6.875, 30,
    ]);
    expect(pos(printed[1])).toEqual([6.375, 2, 5.25, 16, 5.5, 5.75, 10.5, 13.125, 4.375, 11.25, 5.75, 16.75]);
    const all = [...pos(printed[0]), ...pos(printed[1])];
    const axis = (a: number): number[] => all.filter((_v, i) => i % 3 === a);
    expect(Math.min(...axis(2))).toBe(0);
    expect(Math.min(...axis(0)) + Math.max(...axis(0))).toBe(0);
    expect(Math.min(...axis(1)) + Math.max(...axis(1))).toBe(0);
    expect(signedVolume(soup(printed[0]))).toBeCloseTo(6000, 6);
  });

  it('print frame from RAS input equals print frame from LPS input', () => {
    const a = toFrame(fixture(), 'print');
    const b = toFrame(toFrame(fixture(), 'RAS'), 'print');
    expect(pos(b[0])).toEqual(pos(a[0]));
    expect(pos(b[1])).toEqual(pos(a[1]));
  });

  it('refuses to turn print-frame meshes back into patient coordinates', () => {
    const p = toFrame(fixture(), 'print');
    expect(() => toFrame(p, 'LPS')).toThrow(/print frame/);
    expect(toFrame(p, 'print')[0].mesh.positionsMm).not.toBe(p[0].mesh.positionsMm);
  });

  it('handles no meshes and empty meshes', () => {
    expect(toFrame([], 'print')).toEqual([]);
    const empty: SegmentMesh = { name: 'e', colorRgb: [0, 0, 0], mesh: { positionsMm: new Float32Array(0), indices: new Uint32Array(0), frame: 'LPS' } };
    expect(printTranslationMm([empty])).toEqual([0, 0, 0]);
    expect(toFrame([empty], 'print')[0].mesh.positionsMm.length).toBe(0);
  });
});
