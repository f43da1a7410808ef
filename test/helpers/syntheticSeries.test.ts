import { inflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeDataSet } from '../../src/core/dicom/writer';
import type { Vec3 } from '../../src/core/geometry/vec3';
import {
  SOP_CLASS,
  TS,
  dsValue,
  formatDS,
  makeEnhancedMultiframe,
  makeLegacyMultiframe,
  makeSeries,
  packPixels,
  shuffle,
  smallSpec,
} from './syntheticSeries';
import { dcmdump, nativePixelBytes, parseExplicitLittle, readMeta, runOnFile } from './transcode';

const ds = (s: string | undefined): number[] => (s ?? '').split('\\').map(Number);
const words = (b: Uint8Array, signed: boolean): number[] =>
  Array.from(signed ? new Int16Array(b.slice().buffer) : new Uint16Array(b.slice().buffer));

describe('helpers', () => {
  it('formatDS keeps ≤ 16 characters and enough precision', () => {
    for (const v of [0, -0, 1, -1024, 0.1, 1 / 3, -88.59513940979319, 0.00456137913876123, 123456789.123456, 1e-9, -2.5e-7]) {
      const s = formatDS(v);
      expect(s.length).toBeLessThanOrEqual(16);
      expect(Math.abs(Number(s) - v)).toBeLessThanOrEqual(Math.max(1e-12, Math.abs(v) * 1e-12));
    }
    expect(formatDS(-0)).toBe('0');
    expect(() => formatDS(Number.NaN)).toThrow();
  });

  it('shuffle is a deterministic permutation', () => {
    const a = Array.from({ length: 50 }, (_, i) => i);
    const s1 = shuffle(a, 7);
    expect(shuffle(a, 7)).toEqual(s1);
    expect(shuffle(a, 8)).not.toEqual(s1);
    expect([...s1].sort((x, y) => x - y)).toEqual(a);
    expect(s1).not.toEqual(a);
  });

  it('packPixels: clean sign extension, and dirty high bits that masking removes', () => {
    const stored = [-2048, -1, 0, 1, 2047];
    const clean = new Int16Array(packPixels(stored, 16, 12, 1).buffer);
    expect(Array.from(clean)).toEqual(stored);
    for (const mode of ['ones', 'random', 'zeros'] as const) {
      const dirty = new Uint16Array(packPixels(stored, 16, 12, 1, mode, 3).slice().buffer);
      const unmasked = Array.from(dirty, (w) => ((w << 20) >> 20));
      expect(unmasked).toEqual(stored);
    }
    const ones = new Int16Array(packPixels([5], 16, 12, 1, 'ones').slice().buffer);
    expect(ones[0]).toBeLessThan(0); // a reader that does not mask reads garbage
  });
});

describe('makeSeries', () => {
  const spec = smallSpec();
  const { files, truth } = makeSeries(spec);

  it('writes one parseable file per slice with unique extension-less names', () => {
    expect(files).toHaveLength(spec.slices);
    expect(new Set(files.map((f) => f.name)).size).toBe(files.length);
    for (const f of files) expect(f.name).toMatch(/^[0-9a-f]{16}$/);
    expect(dcmdump(files[3].bytes)).toContain('ImagePositionPatient');
  });

  it('is deterministic', () => {
    const again = makeSeries(smallSpec());
    expect(again.files.map((f) => f.name)).toEqual(files.map((f) => f.name));
    for (let k = 0; k < files.length; k++) expect(again.files[k].bytes).toEqual(files[k].bytes);
    const other = makeSeries(smallSpec({ seriesDescription: 'other' }));
    expect(other.truth.seriesInstanceUid).not.toBe(truth.seriesInstanceUid);
  });

  it('writes the documented attributes, a wrong SliceThickness and the truth values', () => {
    const uids = new Set<string>();
    files.forEach((f, k) => {
      const p = parseExplicitLittle(f.bytes);
      expect(p.text(0x00080016)).toBe(SOP_CLASS.ct);
      uids.add(p.text(0x00080018) ?? '');
      expect(p.text(0x00080060)).toBe('CT');
      expect(p.text(0x0020000e)).toBe(truth.seriesInstanceUid);
      expect(p.text(0x0020000d)).toBe(truth.studyInstanceUid);
      expect(p.text(0x00200052)).toBe(truth.frameOfReferenceUid);
      expect(Number(p.text(0x00200013))).toBe(k + 1);
      expect(ds(p.text(0x00200032))).toEqual([...truth.positionsLps[k]]);
      expect(ds(p.text(0x00200037))).toEqual([1, 0, 0, 0, 1, 0]);
      expect(ds(p.text(0x00280030))).toEqual([0.9, 0.7]);
      expect(Number(p.text(0x00180050))).toBe(5); // 2 × the real 2.5 mm step
      expect(p.us(0x00280010)).toBe(20);
      expect(p.us(0x00280011)).toBe(24);
      expect(p.us(0x00280100)).toBe(16);
      expect(p.us(0x00280103)).toBe(1);
      expect(Number(p.text(0x00281052))).toBe(-1024);
      expect(p.text(0x00280004)).toBe('MONOCHROME2');
      const stored = words(nativePixelBytes(f.bytes), true);
      expect(stored).toEqual(Array.from(truth.storedValues[k]));
      expect(Array.from(truth.hu[k])).toEqual(stored.map((s) => s - 1024));
    });
    expect(uids.size).toBe(files.length);
  });

  it('samples hu at pixel centres: IPP + c·Δcol·row + r·Δrow·col', () => {
    const hu = spec.hu;
    const [rowC, colC] = truth.orientation;
    const k = 5;
    for (const [r, c] of [
      [0, 0],
      [3, 17],
      [19, 23],
    ]) {
      const ipp = truth.positionsLps[k];
      const p: Vec3 = [0, 1, 2].map((a) => ipp[a] + c * 0.7 * rowC[a] + r * 0.9 * colC[a]) as unknown as Vec3;
      expect(truth.hu[k][c + r * 24]).toBe(Math.round(hu(p) + 1024) - 1024);
    }
    expect(truth.geometry.dimensions).toEqual([24, 20, 12]);
    expect(truth.geometry.spacingMm).toEqual([0.7, 0.9, 2.5]);
  });

  it('supports oblique orientation, non-uniform steps and gantry tilt', () => {
    const a = (5 * Math.PI) / 180;
    const rowCosine: Vec3 = [Math.cos(a), Math.sin(a), 0];
    const columnCosine: Vec3 = [0, Math.cos(0.1), -Math.sin(0.1)];
    const steps = [1, 1, 2, 1, 3];
    const s = makeSeries(smallSpec({ slices: 6, rowCosine, columnCosine, sliceStepMm: steps, tiltStepInPlaneMm: [0, 0.4, 0] }));
    const n = s.truth.normal;
    for (let k = 1; k < 6; k++) {
      const d = [0, 1, 2].map((i) => s.truth.positionsLps[k][i] - s.truth.positionsLps[k - 1][i]);
      const along = d[0] * n[0] + d[1] * n[1] + d[2] * n[2];
      // Tilt adds its normal component to the step.
      expect(along).toBeCloseTo(steps[k - 1] + 0.4 * n[1], 9);
      expect(s.truth.stepsMm[k - 1]).toBeCloseTo(along, 9);
    }
    const p = parseExplicitLittle(s.files[0].bytes);
    expect(ds(p.text(0x00200037))).toEqual([...rowCosine, ...columnCosine].map(dsValue));
  });

  it('per-slice rescale, 12-bit dirty high bits, MONOCHROME1 and padding', () => {
    const s = makeSeries(
      smallSpec({
        slices: 3,
        bitsStored: 12,
        dirtyHighBits: 'ones',
        rescaleSlope: (k) => 1 + k,
        rescaleIntercept: (k) => -1000 - k,
        photometric: 'MONOCHROME1',
        pixelPaddingValue: -2000,
        isPadding: (q) => q[0] < -7,
      }),
    );
    s.files.forEach((f, k) => {
      const p = parseExplicitLittle(f.bytes);
      expect(Number(p.text(0x00281053))).toBe(1 + k);
      expect(Number(p.text(0x00281052))).toBe(-1000 - k);
      expect(p.us(0x00280101)).toBe(12);
      expect(p.us(0x00280102)).toBe(11);
      expect(p.text(0x00280004)).toBe('MONOCHROME1');
      const raw = words(nativePixelBytes(f.bytes), false);
      expect(raw.every((w) => (w & 0xf000) === 0xf000)).toBe(true);
      expect(raw.map((w) => (w << 20) >> 20)).toEqual(Array.from(s.truth.storedValues[k]));
      expect(s.truth.rescale[k]).toEqual({ slope: 1 + k, intercept: -1000 - k });
      const pad = s.truth.padding?.[k];
      expect(pad?.some((v) => v === 1)).toBe(true);
      pad?.forEach((v, i) => v && expect(s.truth.storedValues[k][i]).toBe(-2000));
    });
  });

  it('clamps to the stored range and counts it', () => {
    const s = makeSeries(smallSpec({ slices: 2, bitsAllocated: 8, pixelRepresentation: 0, rescaleIntercept: 0 }));
    expect(s.truth.clippedCount).toBeGreaterThan(0);
    for (const v of s.truth.storedValues[0]) expect(v >= 0 && v <= 255).toBe(true);
    const p = parseExplicitLittle(s.files[0].bytes);
    expect(p.elements.find((e) => e.tag === 0x7fe00010)?.vr).toBe('OB');
  });

  it('encodes text with the declared character set', () => {
    const s = makeSeries(smallSpec({ slices: 1, specificCharacterSet: 'ISO_IR 192', patientName: 'Müller^Zoë=山田' }));
    const p = parseExplicitLittle(s.files[0].bytes);
    expect(new TextDecoder().decode(p.value(0x00100010)).trimEnd()).toBe('Müller^Zoë=山田');
    const l1 = makeSeries(smallSpec({ slices: 1, patientName: 'Müller^Zoë' }));
    expect(parseExplicitLittle(l1.files[0].bytes).value(0x00100010)?.[1]).toBe(0xfc);
    expect(() => makeSeries(smallSpec({ slices: 1, patientName: '山田' }))).toThrow(/Latin-1/);
  });

  it('writes the native transfer syntaxes, deflated as raw deflate, and bare data sets', () => {
    const ref = makeSeries(smallSpec({ slices: 1 })).files[0].bytes;
    const refPixels = nativePixelBytes(ref);
    for (const ts of [TS.implicitLittle, TS.explicitBig, TS.deflated]) {
      const f = makeSeries(smallSpec({ slices: 1, transferSyntaxUid: ts })).files[0].bytes;
      expect(readMeta(f).get(0x00020010)).toBe(ts);
      expect(nativePixelBytes(f)).toEqual(refPixels); // via dcmconv +te
    }
    const deflated = makeSeries(smallSpec({ slices: 1, transferSyntaxUid: TS.deflated })).files[0].bytes;
    const metaEnd = 132 + 12 + new DataView(deflated.buffer, deflated.byteOffset).getUint32(140, true);
    const inflated = inflateSync(deflated.subarray(metaEnd));
    expect(inflated.length).toBeGreaterThan(960);
    expect(inflated.subarray(0, 4)).toEqual(new Uint8Array([0x08, 0x00, 0x05, 0x00]));

    const bare = makeSeries(smallSpec({ slices: 1, part10: false, transferSyntaxUid: TS.implicitLittle })).files[0].bytes;
    expect(String.fromCharCode(...bare.subarray(128, 132))).not.toBe('DICM');
    expect(bare.subarray(0, 4)).toEqual(new Uint8Array([0x08, 0x00, 0x05, 0x00]));
    expect(nativePixelBytes(runOnFile('dcmconv', ['+te'], bare))).toEqual(refPixels);
  });

  it('extraElements replace and omitTags remove elements', () => {
    const s = makeSeries(
      smallSpec({ slices: 2, omitTags: [0x00180050], extraElements: (k) => [{ tag: 0x00200013, vr: 'IS', value: String(100 - k) }] }),
    );
    const p = parseExplicitLittle(s.files[1].bytes);
    expect(p.text(0x00200013)).toBe('99');
    expect(p.text(0x00180050)).toBeUndefined();
  });

  it('writeDataSet output is what gets deflated', () => {
    expect(writeDataSet([{ tag: 0x00080060, vr: 'CS', value: 'CT' }], TS.deflated)).toEqual(
      new Uint8Array([0x08, 0x00, 0x60, 0x00, 0x43, 0x53, 0x02, 0x00, 0x43, 0x54]),
    );
  });
});

describe('makeEnhancedMultiframe', () => {
  it('puts geometry and rescale in functional groups, frames optionally shuffled', () => {
    const spec = smallSpec({ slices: 6 });
    const e = makeEnhancedMultiframe({ ...spec, shuffleFramesSeed: 11 });
    expect(e.truth.frameToSlice).not.toEqual([0, 1, 2, 3, 4, 5]);
    const p = parseExplicitLittle(e.bytes);
    expect(p.text(0x00080016)).toBe(SOP_CLASS.enhancedCt);
    expect(p.text(0x00280008)).toBe('6');
    expect(p.text(0x00200032)).toBeUndefined();
    expect(p.text(0x00200037)).toBeUndefined();
    expect(p.text(0x00281052)).toBeUndefined();
    const dump = dcmdump(e.bytes, ['+L']);
    expect(dump).toContain('SharedFunctionalGroupsSequence');
    expect(dump).toContain('PixelValueTransformationSequence');
    expect(dump).toContain('PlaneOrientationSequence');
    expect(dump).toContain('PixelMeasuresSequence');
    const ipps = [...dump.matchAll(/\(0020,0032\) DS \[([^\]]+)\]/g)].map((m) => ds(m[1]));
    expect(ipps).toEqual(e.truth.frameToSlice.map((k) => [...e.truth.positionsLps[k]]));
    const inStack = [...dump.matchAll(/\(0020,9057\) UL (\d+)/g)].map((m) => Number(m[1]));
    expect(inStack).toEqual(e.truth.frameToSlice.map((k) => k + 1));
    // Frame f holds slice frameToSlice[f].
    const px = words(nativePixelBytes(e.bytes), true);
    const n = 20 * 24;
    e.truth.frameToSlice.forEach((k, f) => expect(px.slice(f * n, (f + 1) * n)).toEqual(Array.from(e.truth.storedValues[k])));
  });

  it('writes per-frame rescale when it varies', () => {
    const e = makeEnhancedMultiframe({ ...smallSpec({ slices: 3 }), rescaleIntercept: (k) => -1024 + k });
    const dump = dcmdump(e.bytes, ['+L']);
    expect([...dump.matchAll(/\(0028,1052\) DS \[([^\]]+)\]/g)].map((m) => Number(m[1]))).toEqual([-1024, -1023, -1022]);
  });
});

describe('makeLegacyMultiframe', () => {
  it('spacing variant: IPP of frame 1 + SpacingBetweenSlices', () => {
    const l = makeLegacyMultiframe({ ...smallSpec({ slices: 4 }), frameGeometry: 'spacing' });
    const p = parseExplicitLittle(l.bytes);
    expect(p.text(0x00280008)).toBe('4');
    expect(Number(p.text(0x00180088))).toBe(2.5);
    expect(ds(p.text(0x00200032))).toEqual([...l.truth.positionsLps[0]]);
    expect(nativePixelBytes(l.bytes).length).toBe(4 * 20 * 24 * 2);
    expect(() => makeLegacyMultiframe({ ...smallSpec({ slices: 3, sliceStepMm: [1, 2] }), frameGeometry: 'spacing' })).toThrow();
  });

  it('grid-offsets variant: GridFrameOffsetVector + FrameIncrementPointer', () => {
    const l = makeLegacyMultiframe({ ...smallSpec({ slices: 4, sliceStepMm: [1, 2, 3] }), frameGeometry: 'grid-offsets' });
    const dump = dcmdump(l.bytes);
    expect(dump).toMatch(/\(3004,000c\) DS \[0\\1\\3\\6\]/);
    expect(dump).toMatch(/\(0028,0009\) AT \(3004,000c\)/);
  });
});
