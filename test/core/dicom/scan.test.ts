import { describe, expect, it } from 'vitest';
import { VoxelprintError } from '../../../src/core/errors';
import { loadVolume, memoryFiles, scanFiles } from '../../../src/core/dicom/load';
import type { Progress } from '../../../src/core/dicom/load';
import { makeSeries, smallSpec } from '../../helpers/syntheticSeries';
import { codecs } from './loadHelpers';

const ESC = 0x1b;
/** PS3.5 H.3.1: "Yamada^Tarou=山田^太郎=やまだ^たろう" in ISO 2022 IR 87. */
const YAMADA = new Uint8Array([
  ...'Yamada^Tarou='.split('').map((c) => c.charCodeAt(0)),
  ESC, 0x24, 0x42, 0x3b, 0x33, 0x45, 0x44, ESC, 0x28, 0x42, 0x5e,
  ESC, 0x24, 0x42, 0x42, 0x40, 0x4f, 0x3a, ESC, 0x28, 0x42, 0x3d,
  ESC, 0x24, 0x42, 0x24, 0x64, 0x24, 0x5e, 0x24, 0x40, ESC, 0x28, 0x42, 0x5e,
  ESC, 0x24, 0x42, 0x24, 0x3f, 0x24, 0x6d, 0x24, 0x26, ESC, 0x28, 0x42,
]);
/** ISO 8859-7: Greek letters U+0386..U+03CE are bytes 0xB6..0xFE. */
const greek = (s: string): Uint8Array => Uint8Array.from(s, (c) => (c.charCodeAt(0) > 0x7f ? c.charCodeAt(0) - 0x2d0 : c.charCodeAt(0)));

describe('scanning: text for display, progress, cancel', () => {
  it.each([
    ['UTF-8', 'ISO_IR 192', 'Wang^XiaoDong=王^小東', undefined],
    ['Latin-1', 'ISO_IR 100', 'Buc^Jérôme', undefined],
    ['Greek', 'ISO_IR 126', 'Διονυσιος', greek],
  ] as const)('%s patient names are decoded per SpecificCharacterSet', async (_n, charset, name, encodeText) => {
    const { files } = makeSeries(smallSpec({ specificCharacterSet: charset, patientName: name, slices: 2, ...(encodeText ? { encodeText } : {}) }));
    const scan = await scanFiles(memoryFiles(files));
    expect(scan.series[0].display.patientName).toBe(name);
  });

  it('Japanese ISO 2022 IR 87 with escape sequences', async () => {
    const { files } = makeSeries(
      smallSpec({ specificCharacterSet: '\\ISO 2022 IR 87', patientName: 'x', encodeText: () => YAMADA, slices: 2 }),
    );
    const scan = await scanFiles(memoryFiles(files));
    expect(scan.series[0].display.patientName).toBe('Yamada^Tarou=山田^太郎=やまだ^たろう');
  });

  it('markup in patient text stays text (the UI renders it as text, never HTML)', async () => {
    const evil = '<img src=x onerror=alert(1)>^<b>';
    const { files } = makeSeries(smallSpec({ patientName: evil, seriesDescription: '<script>x</script>', slices: 2 }));
    const scan = await scanFiles(memoryFiles(files));
    expect(scan.series[0].display.patientName).toBe(evil);
    expect(scan.series[0].display.seriesDescription).toBe('<script>x</script>');
  });

  it('reports progress for every file and every slice', async () => {
    const { files } = makeSeries(smallSpec());
    const inputs = memoryFiles(files);
    const seen: Progress[] = [];
    const scan = await scanFiles(inputs, { onProgress: (p) => seen.push(p) });
    await loadVolume(inputs, scan, undefined, codecs, { onProgress: (p) => seen.push(p) });
    expect(seen.filter((p) => p.phase === 'scan').map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(seen.filter((p) => p.phase === 'decode').at(-1)).toEqual({ phase: 'decode', done: 12, total: 12 });
  });

  it('cancel stops scanning and loading with a "cancelled" error', async () => {
    const { files } = makeSeries(smallSpec());
    const inputs = memoryFiles(files);
    const signal = { aborted: false };
    const scanning = scanFiles(inputs, {
      signal,
      onProgress: (p) => {
        if (p.done === 3) signal.aborted = true;
      },
    });
    await expect(scanning).rejects.toMatchObject({ code: 'cancelled' });
    const scan = await scanFiles(inputs);
    const loading = loadVolume(inputs, scan, undefined, codecs, {
      signal: signal,
    });
    await expect(loading).rejects.toBeInstanceOf(VoxelprintError);
    await expect(loadVolume(inputs, scan, undefined, codecs, { signal })).rejects.toMatchObject({ code: 'cancelled' });
  });
});
