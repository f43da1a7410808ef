import { beforeAll, describe, expect, it } from 'vitest';
import type { Volume } from '../../../src/core/volume/volume';
import { makeEnhancedMultiframe, makeSeries, shuffle, smallSpec } from '../../helpers/syntheticSeries';
import type { SeriesSpec, SyntheticFile } from '../../helpers/syntheticSeries';
import {
  JPEG_LOSSLESS_P14,
  SYNTAXES,
  decodeJ2kFrames,
  decompressWithTools,
  prepareJ2kEncoders,
  transcode,
  transferSyntaxOf,
} from '../../helpers/transcode';
import type { Syntax, TranscodeOptions } from '../../helpers/transcode';
import { expectVolumeMatchesTruth, scanAndLoad } from './loadHelpers';

/**
 * Every transfer syntax, made by independent encoders (dcmtk, OpenJPEG, OpenJPH), decodes to
 * the same HU voxels as the native series: exactly for lossless syntaxes, within the codec's
 * error for lossy ones (compared against an independent decoder's output).
 */

const SLICES = 4;
const bases: Record<'signed16' | 'unsigned12' | 'mr8', SeriesSpec> = {
  signed16: smallSpec({ slices: SLICES, seed: 101 }),
  unsigned12: smallSpec({ slices: SLICES, seed: 102, bitsStored: 12, pixelRepresentation: 0, rescaleIntercept: -1024 }),
  mr8: smallSpec({
    slices: SLICES,
    seed: 103,
    modality: 'MR',
    bitsAllocated: 8,
    hu: (p) => Math.max(0, Math.min(255, Math.round(120 + 7 * p[0] - 5 * p[1] + 3 * p[2]))),
  }),
};

const convert = (files: readonly SyntheticFile[], target: Syntax, opts?: TranscodeOptions): SyntheticFile[] =>
  files.map((f) => ({ name: f.name, bytes: transcode(f.bytes, target, opts) }));

const LOSSLESS: Syntax[] = [
  'implicit-le',
  'explicit-be',
  'deflated',
  'rle',
  ...JPEG_LOSSLESS_P14,
  'jpeg-lossless-sv1',
  'jpeg-ls-lossless',
  'j2k-lossless',
  'htj2k-lossless',
  'htj2k-lossless-rpcl',
];

function maxDiff(a: Volume, b: Volume): number {
  expect(a.dimensions).toEqual(b.dimensions);
  let m = 0;
  for (let i = 0; i < a.voxels.length; i++) m = Math.max(m, Math.abs(a.voxels[i] - b.voxels[i]));
  return m;
}

describe('transfer syntaxes decode to the same HU as the native series', () => {
  beforeAll(async () => {
    await prepareJ2kEncoders();
  });

  for (const base of ['signed16', 'unsigned12'] as const) {
    it.each(LOSSLESS)(`${base}: %s is exact`, async (target) => {
      const spec = bases[base];
      const { files, truth } = makeSeries(spec);
      const converted = convert(files, target);
      expect(transferSyntaxOf(converted[0].bytes)).toBe(SYNTAXES[target].uid);
      const { volume } = await scanAndLoad(shuffle(converted, 3));
      expectVolumeMatchesTruth(volume, truth, spec);
      expect(volume.warnings.map((w) => w.code)).not.toContain('lossy-compression');
    });
  }

  it('deflated by DCMTK, many files: every one parses (regression: dicom-parser inflater hook)', async () => {
    for (const seed of [500, 501, 506]) {
      const spec = smallSpec({ seed, seriesDescription: `c${seed}`, bitsStored: 12, pixelRepresentation: 0, rescaleIntercept: -1024 });
      const { files, truth } = makeSeries(spec);
      const { scan, volume } = await scanAndLoad(convert(files, 'deflated'));
      expect(scan.skipped).toEqual([]);
      expectVolumeMatchesTruth(volume, truth, spec);
    }
  });

  it.each(['rle', 'jpeg-lossless-sv1', 'jpeg-ls-lossless'] as const)('8-bit MR: %s is exact', async (target) => {
    const spec = bases.mr8;
    const { files, truth } = makeSeries(spec);
    const { volume } = await scanAndLoad(convert(files, target));
    expectVolumeMatchesTruth(volume, truth, spec);
  });

  const LOSSY: [Syntax, keyof typeof bases, number][] = [
    ['jpeg-baseline', 'mr8', 1],
    ['jpeg-extended-12', 'unsigned12', 1],
    ['jpeg-ls-near-lossless', 'unsigned12', 0],
    ['j2k-lossy', 'signed16', 0],
  ];
  it.each(LOSSY)('%s (%s): matches an independent decoder, flagged lossy', async (target, base, tolerance) => {
    const spec = bases[base];
    const { files, truth } = makeSeries(spec);
    const converted = convert(files, target);
    const ours = (await scanAndLoad(converted)).volume;
    const reference = (await scanAndLoad(converted.map((f) => ({ name: f.name, bytes: decompressWithTools(f.bytes) })))).volume;
    expect(maxDiff(ours, reference)).toBeLessThanOrEqual(tolerance);
    expect(ours.warnings.map((w) => w.code)).toContain('lossy-compression');
    // And the loss is what the codec promises, not garbage: near-lossless within NEAR = 2,
    // the others close to the written values on average.
    if (target === 'jpeg-ls-near-lossless') expectVolumeMatchesTruth(ours, truth, spec, { tolerance: 2 });
    else {
      let sum = 0;
      truth.hu.forEach((slice, k) => slice.forEach((v, p) => (sum += Math.abs(ours.voxels[k * slice.length + p] - v))));
      expect(sum / (truth.hu.length * truth.hu[0].length)).toBeLessThan(target === 'j2k-lossy' ? 60 : 8); // ratio 10 on a 24×20 image with a 1000 HU step
    }
  });

  it('htj2k-lossy: matches OpenJPEG decoding the same codestreams (OpenJPH decodes ours)', async () => {
    const spec = bases.signed16;
    const { files } = makeSeries(spec);
    const converted = convert(files, 'htj2k-lossy');
    const { volume } = await scanAndLoad(converted);
    const slope = 1;
    const intercept = -1024;
    for (const f of converted) {
      const [frame] = await decodeJ2kFrames(f.bytes);
      const k = files.findIndex((x) => x.name === f.name);
      let m = 0;
      for (let p = 0; p < frame.samples.length; p++) {
        m = Math.max(m, Math.abs(volume.voxels[k * frame.samples.length + p] - (frame.samples[p] * slope + intercept)));
      }
      expect(m).toBeLessThanOrEqual(1);
    }
    expect(volume.warnings.map((w) => w.code)).toContain('lossy-compression');
  });

  it.each([
    ['jpeg-ls-lossless', { offsetTable: false, fragmentSizeKb: 1 }],
    ['rle', { offsetTable: true }],
    ['j2k-lossless', { offsetTable: false, fragmentSizeKb: 1 }],
    ['jpeg-lossless-sv1', { offsetTable: false, fragmentSizeKb: 1 }],
  ] as const)('Enhanced multi-frame, %s with %o: frames found and decoded exactly', async (target, opts) => {
    // 64 × 48 frames compress to a few KiB: several fragments per frame, no offset table.
    const spec = { ...bases.signed16, rows: 48, columns: 64, firstPositionLps: [-20, -18, -5] as const, slices: 6, shuffleFramesSeed: 5 };
    const mf = makeEnhancedMultiframe(spec);
    const converted = transcode(mf.bytes, target, opts);
    const { volume } = await scanAndLoad([{ name: mf.name, bytes: converted }]);
    expectVolumeMatchesTruth(volume, mf.truth, spec);
  });
});
