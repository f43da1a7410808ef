import { describe, expect, it } from 'vitest';
import {
  absurdSize,
  dicomdir,
  emptyFile,
  lyingDimensions,
  noPixelData,
  oddLength8Bit,
  rgbSecondaryCapture,
  singleSliceSeries,
  textFile,
  truncatedDicom,
  validSlice,
} from './badFiles';
import { SOP_CLASS } from './syntheticSeries';
import { dcmdump, nativePixelBytes, parseExplicitLittle, readMeta } from './transcode';

describe('bad input fixtures', () => {
  it('empty and text files are not DICOM', () => {
    expect(emptyFile().bytes.length).toBe(0);
    expect(textFile().bytes.length).toBeGreaterThan(132);
    expect(() => dcmdump(emptyFile().bytes)).toThrow();
    expect(() => dcmdump(textFile().bytes)).toThrow();
  });

  it('truncated files are prefixes of a valid file that dcmdump rejects', () => {
    const full = validSlice().bytes;
    expect(dcmdump(full)).toContain('PixelData');
    for (const where of ['pixel-data', 'header', 'meta'] as const) {
      const t = truncatedDicom(where).bytes;
      expect(t.length).toBeLessThan(full.length);
      expect(t).toEqual(full.subarray(0, t.length));
      expect(() => dcmdump(t)).toThrow(/premature|larger/);
    }
  });

  it('the SR-like object has no pixel data', () => {
    const f = noPixelData().bytes;
    const p = parseExplicitLittle(f);
    expect(p.text(0x00080016)).toBe(SOP_CLASS.basicTextSr);
    expect(p.elements.some((e) => e.tag === 0x7fe00010)).toBe(false);
    expect(dcmdump(f)).toContain('ContentSequence');
  });

  it('lying and absurd headers parse but the pixel data is too short', () => {
    const lie = parseExplicitLittle(lyingDimensions().bytes);
    expect(lie.us(0x00280010)).toBe(512);
    expect(lie.value(0x7fe00010)?.length).toBe(64 * 64 * 2);
    const absurd = parseExplicitLittle(absurdSize().bytes);
    expect(absurd.us(0x00280010)).toBe(65535);
    expect(absurd.us(0x00280011)).toBe(65535);
    expect(absurd.text(0x00280008)).toBe('100000');
    expect(absurd.value(0x7fe00010)?.length).toBe(64);
    dcmdump(absurdSize().bytes);
  });

  it('DICOMDIR has the directory SOP class and records', () => {
    const f = dicomdir().bytes;
    expect(readMeta(f).get(0x00020002)).toBe(SOP_CLASS.mediaStorageDirectory);
    const dump = dcmdump(f);
    expect(dump).toContain('DirectoryRecordSequence');
    expect(dump.match(/DirectoryRecordType/g)).toHaveLength(4);
  });

  it('RGB secondary capture', () => {
    const p = parseExplicitLittle(rgbSecondaryCapture().bytes);
    expect(p.text(0x00080016)).toBe(SOP_CLASS.secondaryCapture);
    expect(p.us(0x00280002)).toBe(3);
    expect(p.text(0x00280004)).toBe('RGB');
    expect(p.value(0x7fe00010)?.length).toBe(16 * 12 * 3);
  });

  it('single-slice series', () => {
    const s = singleSliceSeries();
    expect(s.files).toHaveLength(1);
    expect(s.truth.positionsLps).toHaveLength(1);
  });

  it('odd-length 8-bit pixel data, padded and raw', () => {
    const padded = oddLength8Bit();
    expect(padded.pixels.length).toBe(35);
    const pv = nativePixelBytes(padded.bytes);
    expect(pv.length).toBe(36);
    expect(pv.subarray(0, 35)).toEqual(padded.pixels);
    const raw = oddLength8Bit(false);
    const p = parseExplicitLittle(raw.bytes);
    expect(p.value(0x7fe00010)).toEqual(raw.pixels);
    expect(dcmdump(raw.bytes)).toMatch(/odd/i);
  });
});
