import { describe, expect, it } from 'vitest';
import { voxelIndex } from '../../../src/core/volume/volume';
import { makeSeries, shuffle, smallSpec, TS } from '../../helpers/syntheticSeries';
import { oddLength8Bit } from '../../helpers/badFiles';
import { expectVolumeMatchesTruth, scanAndLoad } from './loadHelpers';

describe('pixel rules', () => {
  it.each([
    ['implicit VR little endian', TS.implicitLittle],
    ['explicit VR big endian', TS.explicitBig],
    ['deflated explicit VR little endian', TS.deflated],
  ])('%s gives the same HU as explicit little endian', async (_name, transferSyntaxUid) => {
    const spec = smallSpec({ transferSyntaxUid });
    const { files, truth } = makeSeries(spec);
    const { volume } = await scanAndLoad(shuffle(files, 1));
    expectVolumeMatchesTruth(volume, truth, spec);
  });

  it('files without preamble and meta header (bare data sets) are read', async () => {
    const spec = smallSpec({ part10: false, transferSyntaxUid: TS.implicitLittle });
    const { files, truth } = makeSeries(spec);
    const { volume, scan } = await scanAndLoad(files);
    expect(scan.skipped).toEqual([]);
    expectVolumeMatchesTruth(volume, truth, spec);
  });

  it('BitsStored 12 with garbage above HighBit: masked, signed values sign-extended', async () => {
    for (const dirty of ['random', 'ones'] as const) {
      const spec = smallSpec({ bitsStored: 12, pixelRepresentation: 1, rescaleIntercept: 0, dirtyHighBits: dirty });
      const { files, truth } = makeSeries(spec);
      const { volume } = await scanAndLoad(files);
      expect(Math.min(...truth.hu.flatMap((s) => Array.from(s)))).toBeLessThan(0);
      expectVolumeMatchesTruth(volume, truth, spec);
    }
  });

  it('unsigned 12-bit with dirty high bits and the usual −1024 intercept', async () => {
    const spec = smallSpec({ bitsStored: 12, pixelRepresentation: 0, rescaleIntercept: -1024, dirtyHighBits: 'random' });
    const { files, truth } = makeSeries(spec);
    const { volume } = await scanAndLoad(files);
    expect(volume.voxels).toBeInstanceOf(Int16Array);
    expectVolumeMatchesTruth(volume, truth, spec);
  });

  it('per-slice RescaleSlope/Intercept, fractional: Float32 values, each slice its own transform', async () => {
    const spec = smallSpec({ rescaleSlope: (k) => 0.5 + k * 0.25, rescaleIntercept: (k) => -1000 + 3 * k, pixelRepresentation: 1 });
    const { files, truth } = makeSeries(spec);
    const { volume } = await scanAndLoad(shuffle(files, 9));
    expect(volume.voxels).toBeInstanceOf(Float32Array);
    expect(new Set(truth.rescale.map((r) => r.slope)).size).toBe(12);
    expect(volume.warnings.map((w) => w.code)).toContain('mixed-rescale');
    expectVolumeMatchesTruth(volume, truth, spec, { tolerance: 1e-3 });
  });

  it('PixelPaddingValue: padded pixels become air (−1024 HU), counted in a warning', async () => {
    const spec = smallSpec({
      pixelRepresentation: 1,
      rescaleIntercept: 0,
      pixelPaddingValue: -2000,
      isPadding: (p) => p[0] < -5,
    });
    const { files, truth } = makeSeries(spec);
    const { volume } = await scanAndLoad(files);
    const padded = truth.padding?.reduce((n, s) => n + s.reduce((a, b) => a + b, 0), 0) ?? 0;
    expect(padded).toBeGreaterThan(100);
    const warning = volume.warnings.find((w) => w.code === 'pixel-padding');
    expect(warning?.message).toBe(`${padded} padding pixels (outside the scanned field) set to -1024 HU`);
    // Padded pixels read −1024, the rest the written HU.
    for (let k = 0; k < 12; k++)
      for (let p = 0; p < 24 * 20; p++) {
        const want = truth.padding?.[k][p] ? -1024 : truth.hu[k][p];
        expect(volume.voxels[k * 480 + p]).toBe(want);
      }
  });

  it('MONOCHROME1: values kept (HU unchanged), display flagged inverted', async () => {
    const spec = smallSpec({ photometric: 'MONOCHROME1' });
    const { files, truth } = makeSeries(spec);
    const { volume } = await scanAndLoad(files);
    expect(volume.invertDisplay).toBe(true);
    expect(volume.warnings.map((w) => w.code)).toContain('monochrome1');
    expectVolumeMatchesTruth(volume, truth, spec);
  });

  it('8-bit MR without rescale', async () => {
    const spec = smallSpec({ modality: 'MR', bitsAllocated: 8, hu: (p) => Math.max(0, Math.min(255, Math.round(128 + 9 * p[0] + 2 * p[2]))) });
    const { files, truth } = makeSeries(spec);
    const { volume } = await scanAndLoad(files);
    expect(volume.modality).toBe('MR');
    expect(volume.unit).toBe('');
    expectVolumeMatchesTruth(volume, truth, spec);
  });

  it('unsigned 16-bit MR above 32767: promoted to Float32 without losing values', async () => {
    const spec = smallSpec({ modality: 'MR', pixelRepresentation: 0, hu: (p) => Math.round(40000 + 100 * p[0]) });
    const { files, truth } = makeSeries(spec);
    const { volume } = await scanAndLoad(files);
    expect(volume.voxels).toBeInstanceOf(Float32Array);
    expect(volume.warnings.map((w) => w.code)).toContain('promoted-to-float');
    expectVolumeMatchesTruth(volume, truth, spec);
  });

  it('odd-length 8-bit pixel data (padded and unpadded) decodes every pixel', async () => {
    for (const padded of [true, false]) {
      const f = oddLength8Bit(padded);
      const { parseDicomFile } = await import('../../../src/core/dicom/parse');
      const r = parseDicomFile(f.bytes, f.name);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (!r.ok) continue;
      const { decodeFileSlices } = await import('../../../src/core/dicom/load');
      const { codecs } = await import('./loadHelpers');
      const [slice] = await decodeFileSlices(f.bytes, r.header, [{ frame: 0, source: 0, rescaleSlope: 1, rescaleIntercept: 0 }], true, codecs);
      expect(Array.from(slice.values)).toEqual(Array.from(f.pixels));
      expect(f.rows * f.columns % 2).toBe(1);
    }
  });

  it('a value at a chosen LPS point: the sphere centre reads 1000 HU, the box 100 + gradient', async () => {
    const spec = smallSpec();
    const { files } = makeSeries(spec);
    const { volume } = await scanAndLoad(files);
    // Voxel (3, 4, 2) is at (-8.05 + 3*0.7, -7.3 + 4*0.9, -12.5 + 2*2.5) = (-5.95, -3.7, -7.5).
    const expected = Math.round(100 + 3 * -5.95 + 5 * -3.7 + 7 * -7.5);
    expect(volume.voxels[voxelIndex(volume, 3, 4, 2)]).toBe(expected);
  });
});
