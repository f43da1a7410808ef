import { describe, expect, it } from 'vitest';
import { parseDicomFile, parseDicomHeader } from '../../../src/core/dicom/parse';
import { absurdSize, lyingDimensions, truncatedDicom } from '../../helpers/badFiles';
import { makeEnhancedMultiframe, makeSeries, smallSpec, TS } from '../../helpers/syntheticSeries';
import { transcode } from '../../helpers/transcode';

/**
 * Headers are scanned from the first bytes of each file (the pixel data is read only when the
 * volume is loaded). A prefix must give the same header as the whole file, or ask for it.
 */
describe('header scan from a prefix of the file', () => {
  const prefixes = (bytes: Uint8Array): number[] => [64, 300, 900, 1500, 4000].filter((n) => n < bytes.length);

  it('native slice: same header from any prefix that reaches the pixel data', () => {
    const f = makeSeries(smallSpec({ slices: 1 })).files[0];
    const whole = parseDicomFile(f.bytes, f.name);
    expect(whole.ok).toBe(true);
    let fromPrefix = 0;
    for (const n of prefixes(f.bytes)) {
      const r = parseDicomHeader(f.bytes.subarray(0, n), f.name, f.bytes.length);
      if (r === 'need-whole-file') continue;
      expect(r).toEqual(whole);
      fromPrefix++;
    }
    expect(fromPrefix).toBeGreaterThan(0);
  });

  it.each([
    ['explicit big endian', TS.explicitBig],
    ['implicit', TS.implicitLittle],
  ])('%s: same header from a prefix', (_n, transferSyntaxUid) => {
    const f = makeSeries(smallSpec({ slices: 1, transferSyntaxUid })).files[0];
    const r = parseDicomHeader(f.bytes.subarray(0, 1500), f.name, f.bytes.length);
    expect(r).toEqual(parseDicomFile(f.bytes, f.name));
  });

  it('deflated files and long headers ask for the whole file', () => {
    const deflated = makeSeries(smallSpec({ slices: 1, transferSyntaxUid: TS.deflated })).files[0];
    expect(parseDicomHeader(deflated.bytes.subarray(0, 1000), 'd', deflated.bytes.length)).toBe('need-whole-file');
    const mf = makeEnhancedMultiframe({ ...smallSpec(), shuffleFramesSeed: 1 });
    expect(parseDicomHeader(mf.bytes.subarray(0, 2000), 'mf', mf.bytes.length)).toBe('need-whole-file');
  });

  it('encapsulated pixel data: header from the prefix, fragments checked at decode', () => {
    const f = makeSeries(smallSpec({ slices: 1 })).files[0];
    const rle = transcode(f.bytes, 'rle');
    const r = parseDicomHeader(rle.subarray(0, 1400), 'rle', rle.length);
    expect(r).not.toBe('need-whole-file');
    if (r === 'need-whole-file' || !r.ok) throw new Error('expected a header');
    const whole = parseDicomFile(rle, 'rle');
    if (!whole.ok) throw new Error('expected a header');
    expect({ ...r.header, pixelDataBytes: 0 }).toEqual({ ...whole.header, pixelDataBytes: 0 });
  });

  it('sizes that lie are caught from the prefix, against the file size', () => {
    const liar = lyingDimensions();
    const r = parseDicomHeader(liar.bytes.subarray(0, 1200), 'LIAR', liar.bytes.length);
    expect(r).toEqual(parseDicomFile(liar.bytes, 'LIAR'));
    const huge = absurdSize();
    expect(parseDicomHeader(huge.bytes.subarray(0, 1200), 'HUGE', huge.bytes.length)).toMatchObject({ ok: false, skipped: { code: 'too-large' } });
    const cut = truncatedDicom('pixel-data');
    expect(parseDicomHeader(cut.bytes.subarray(0, 1200), 'CUT', cut.bytes.length)).toMatchObject({
      ok: false,
      skipped: { code: 'truncated', reason: expect.stringMatching(/^truncated file: header declares 24×20 at 16 bits \(960 bytes\) but the pixel data holds \d+ bytes$/) },
    });
  });
});

describe('readHeader: 16 KiB, then 256 KiB, then the whole file', () => {
  const tracked = (name: string, bytes: Uint8Array) => {
    const calls: string[] = [];
    return {
      calls,
      file: {
        name,
        read: async () => {
          calls.push('whole');
          return bytes;
        },
        readPrefix: async (n: number) => {
          calls.push(String(n));
          return { bytes: bytes.subarray(0, n), size: bytes.length };
        },
      },
    };
  };

  it('a 40 KB private header: two prefix reads, pixel data never read', async () => {
    const { readHeader } = await import('../../../src/core/dicom/load');
    const spec = smallSpec({
      slices: 1,
      rows: 400,
      columns: 420,
      extraElements: () => [{ tag: 0x00291010, vr: 'OB', value: new Uint8Array(40_000).fill(0x41) }],
    });
    const f = makeSeries(spec).files[0];
    const { calls, file } = tracked(f.name, f.bytes);
    const r = await readHeader(file);
    expect(r.ok).toBe(true);
    expect(calls).toEqual(['16384', '262144']);
    expect(r).toEqual(parseDicomFile(f.bytes, f.name));
  });

  it('an ordinary slice: one 16 KiB read', async () => {
    const { readHeader } = await import('../../../src/core/dicom/load');
    const f = makeSeries(smallSpec({ slices: 1, rows: 200, columns: 240 })).files[0];
    const { calls, file } = tracked(f.name, f.bytes);
    expect((await readHeader(file)).ok).toBe(true);
    expect(calls).toEqual(['16384']);
  });
});
