import { describe, expect, it } from 'vitest';
import { parseDicomFile } from '../../../src/core/dicom/parse';
import {
  absurdSize,
  dicomdir,
  emptyFile,
  lyingDimensions,
  noPixelData,
  rgbSecondaryCapture,
  singleSliceSeries,
  textFile,
  truncatedDicom,
} from '../../helpers/badFiles';
import { makeSeries, shuffle, smallSpec } from '../../helpers/syntheticSeries';
import type { SyntheticFile } from '../../helpers/syntheticSeries';
import { expectVolumeMatchesTruth, scanAndLoad } from './loadHelpers';

const named = (f: SyntheticFile, name: string): SyntheticFile => ({ name, bytes: f.bytes });

describe('bad input: a clear reason per file, and the rest of the folder still loads', () => {
  const cases: [string, SyntheticFile, string, RegExp][] = [
    ['empty', named(emptyFile(), 'disk/EMPTY'), 'empty-file', /^empty file \(0 bytes\)$/],
    ['text', named(textFile(), 'disk/README.TXT'), 'not-dicom', /not a DICOM file/],
    ['truncated pixels', named(truncatedDicom('pixel-data'), 'disk/CUT1'), 'truncated', /^truncated file: it ends \(at \d+ bytes\) inside a data element$/],
    ['truncated header', named(truncatedDicom('header'), 'disk/CUT2'), 'truncated', /^truncated file: it ends \(at 753 bytes\) inside a data element$/],
    ['truncated meta', named(truncatedDicom('meta'), 'disk/CUT3'), 'truncated', /^truncated file: it ends inside the file meta information$/],
    ['no pixel data', named(noPixelData(), 'disk/SR'), 'no-pixel-data', /^no pixel data/],
    ['lying size', named(lyingDimensions(), 'disk/LIAR'), 'pixel-data-size-mismatch', /^header declares 512×512 at 16 bits \(524288 bytes\) but the pixel data holds 8192 bytes$/],
    ['absurd size', named(absurdSize(), 'disk/HUGE'), 'too-large', /^declared image size 65535×65535×100000 frame\(s\)/],
    ['DICOMDIR', named(dicomdir(), 'DICOMDIR'), 'dicomdir', /^DICOMDIR \(the index of a CD\/DVD\), not an image/],
  ];

  it.each(cases)('%s: skipped with code and reason', (_label, file, code, reason) => {
    const r = parseDicomFile(file.bytes, file.name);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.skipped.fileName).toBe(file.name);
    expect(r.skipped.code).toBe(code);
    expect(r.skipped.reason).toMatch(reason);
  });

  it('a CD layout (DICOMDIR, nested folders, no extensions, junk) loads the good series', async () => {
    const spec = smallSpec();
    const { files, truth } = makeSeries(spec);
    const rgb = rgbSecondaryCapture();
    const single = singleSliceSeries();
    const all: SyntheticFile[] = [
      ...files.map((f, i) => named(f, `DICOM/PA000000/ST000000/SE00000${i % 2}/IM${String(i).padStart(6, '0')}`)),
      ...cases.map(([, f]) => f),
      named(rgb, 'DICOM/SC/IM000001'),
      named(single.files[0], 'DICOM/SINGLE/IM000001'),
    ];
    const { scan, volume } = await scanAndLoad(shuffle(all, 42));
    expect(scan.skipped.map((s) => s.fileName).sort()).toEqual(cases.map(([, f]) => f.name).sort());
    // The colour image and the single slice are listed, with the reason they are not volumes.
    const stacks = scan.series.flatMap((s) => s.stacks);
    expect(stacks.find((s) => s.fileNames.includes('DICOM/SC/IM000001'))?.refusal?.reason).toMatch(
      /^colour image \(RGB, 3 samples per pixel\): not a greyscale volume$/,
    );
    expect(stacks.find((s) => s.fileNames.includes('DICOM/SINGLE/IM000001'))?.refusal?.reason).toBe(
      'a single image (DICOM/SINGLE/IM000001): at least two parallel slices are needed for a 3D volume',
    );
    expect(volume.dimensions).toEqual([24, 20, 12]);
    expectVolumeMatchesTruth(volume, truth, spec);
  });

  it('nothing loadable: loadVolume explains every stack', async () => {
    await expect(scanAndLoad([named(textFile(), 'a.txt'), singleSliceSeries().files[0]])).rejects.toThrow(
      /no loadable volume: .*a single image/,
    );
  });

  it('never allocates what a header claims: the absurd file is refused before any pixel work', () => {
    const before = process.memoryUsage().arrayBuffers;
    const r = parseDicomFile(absurdSize().bytes, 'HUGE');
    expect(r.ok).toBe(false);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('a corrupt compressed frame fails with the file name, not a crash', async () => {
    // Encapsulated RLE whose segment header is garbage.
    const { files } = makeSeries(smallSpec({ slices: 2 }));
    const { writeDicomFile } = await import('../../../src/core/dicom/writer');
    void files;
    const bad = writeDicomFile(
      [
        { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
        { tag: 0x00080018, vr: 'UI', value: '1.2.3.4.5' },
        { tag: 0x00080060, vr: 'CS', value: 'CT' },
        { tag: 0x0020000e, vr: 'UI', value: '1.2.3.4.6' },
        { tag: 0x00200032, vr: 'DS', value: ['0', '0', '0'] },
        { tag: 0x00200037, vr: 'DS', value: ['1', '0', '0', '0', '1', '0'] },
        { tag: 0x00280002, vr: 'US', value: 1 },
        { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
        { tag: 0x00280010, vr: 'US', value: 4 },
        { tag: 0x00280011, vr: 'US', value: 4 },
        { tag: 0x00280030, vr: 'DS', value: ['1', '1'] },
        { tag: 0x00280100, vr: 'US', value: 16 },
        { tag: 0x00280101, vr: 'US', value: 16 },
        { tag: 0x00280102, vr: 'US', value: 15 },
        { tag: 0x00280103, vr: 'US', value: 1 },
        { tag: 0x7fe00010, vr: 'OB', value: { fragments: [new Uint8Array(70).fill(9)] } },
      ],
      { transferSyntaxUid: '1.2.840.10008.1.2.5', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.3.4.5' },
    );
    const second = { name: 'RLE2', bytes: bad.slice() };
    const secondBytes = second.bytes;
    // Different position for the second slice (last DS value of IPP '0' → '5').
    const text = new TextDecoder('latin1').decode(secondBytes);
    const at = text.indexOf('0\\0\\0');
    secondBytes[at + 4] = '5'.charCodeAt(0);
    await expect(scanAndLoad([{ name: 'RLE1', bytes: bad }, second])).rejects.toThrow(/frame 1: RLE stream is damaged/);
    try {
      await scanAndLoad([{ name: 'RLE1', bytes: bad }, second]);
    } catch (e) {
      expect((e as { subject?: string }).subject).toMatch(/^RLE[12]$/);
    }
  });
});
