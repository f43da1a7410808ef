/**
 * Proves that every transcoded fixture is what it claims to be, with tools independent of the
 * encoders: dcmdump parses it, and lossless variants decompress (dcmdrle / dcmdjpeg / dcmdjpls /
 * dcmconv / gdcmconv, or OpenJPEG's decoder for HTJ2K made by OpenJPH) to the identical pixels.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, makeLegacyMultiframe, makeSeries, smallSpec } from './syntheticSeries';
import {
  ALL_SYNTAXES,
  SYNTAXES,
  type Syntax,
  cleanPixelBytes,
  dcmdump,
  decodeJ2kFrames,
  decompressWithTools,
  encapsulatedFragments,
  hasTool,
  nativePixelBytes,
  parseExplicitLittle,
  pixelModule,
  prepareJ2kEncoders,
  readMeta,
  runTool,
  transcode,
  transcodeAsync,
  transferSyntaxOf,
} from './transcode';

const hasGdcm = hasTool('gdcmconv');

interface Input {
  readonly bytes: Uint8Array;
  readonly signed: boolean;
  readonly bits: 8 | 16;
}

const inputs: Record<string, Input> = {
  // typical CT: 16-bit signed, intercept -1024
  ct16signed: { bytes: makeSeries(smallSpec({ slices: 1, seed: 1 })).files[0].bytes, signed: true, bits: 16 },
  // 12-bit unsigned (the only kind JPEG extended / JPEG-LS near-lossless accept)
  ct12unsigned: { bytes: makeSeries(smallSpec({ slices: 1, bitsStored: 12, pixelRepresentation: 0, seed: 2 })).files[0].bytes, signed: false, bits: 16 },
  // 8-bit unsigned with slope 5
  mr8: {
    bytes: makeSeries(smallSpec({ slices: 1, bitsAllocated: 8, pixelRepresentation: 0, rescaleIntercept: -100, rescaleSlope: 5, seed: 3 })).files[0].bytes,
    signed: false,
    bits: 8,
  },
  // 3 frames, odd size (17 × 13) so frames are not word aligned in any convenient way
  multiframe: {
    bytes: makeLegacyMultiframe({ ...smallSpec({ slices: 3, rows: 13, columns: 17, seed: 4 }), frameGeometry: 'spacing' }).bytes,
    signed: true,
    bits: 16,
  },
};

/** Accepted input kinds per target (dcmtk's lossy codecs are restrictive). */
const accepts = (t: Syntax, name: string): boolean => {
  if (t === 'jpeg-baseline') return name === 'mr8';
  if (t === 'jpeg-extended-12' || t === 'jpeg-ls-near-lossless') return name === 'ct12unsigned' || name === 'mr8';
  return true;
};

const LOSSLESS = ALL_SYNTAXES.filter((t) => SYNTAXES[t].lossless);
const LOSSY = ALL_SYNTAXES.filter((t) => !SYNTAXES[t].lossless);

/** Modality values (stored × slope + intercept) of a native file. */
function modalityValues(file: Uint8Array): number[] {
  const p = parseExplicitLittle(file);
  const pm = pixelModule(p);
  const slope = Number(p.text(0x00281053) ?? '1');
  const intercept = Number(p.text(0x00281052) ?? '0');
  const px = cleanPixelBytes(nativePixelBytes(file), pm);
  const n = pm.rows * pm.columns * pm.frames;
  const out: number[] = [];
  const dv = new DataView(px.buffer, px.byteOffset, px.byteLength);
  for (let i = 0; i < n; i++) {
    const s = pm.bitsAllocated === 8 ? px[i] : pm.pixelRepresentation ? dv.getInt16(2 * i, true) : dv.getUint16(2 * i, true);
    out.push(s * slope + intercept);
  }
  return out;
}

/** Pixels of a transcoded file decoded independently of its encoder, as native LE bytes. */
async function independentPixels(file: Uint8Array, t: Syntax): Promise<Uint8Array> {
  if (SYNTAXES[t].verifier === 'openjpeg' || (SYNTAXES[t].verifier === 'gdcmconv' && !hasGdcm)) {
    const frames = await decodeJ2kFrames(file);
    return concatBytes(frames.map((f) => new Uint8Array(f.samples.buffer, f.samples.byteOffset, f.samples.byteLength)));
  }
  return nativePixelBytes(decompressWithTools(file));
}

beforeAll(async () => {
  const versions = await prepareJ2kEncoders();
  expect(versions.openjpeg).toMatch(/^2\.5/);
});

describe('transcode: lossless variants decompress to identical pixels', () => {
  for (const [name, input] of Object.entries(inputs)) {
    it(name, async () => {
      const ref = nativePixelBytes(input.bytes);
      // Every JPEG predictor on two inputs; SV1 (and the .70 syntax) on the others.
      const targets = name === 'ct16signed' || name === 'mr8' ? LOSSLESS : LOSSLESS.filter((t) => !/p14-sv[2-7]$/.test(t));
      for (const t of targets) {
        const out = transcode(input.bytes, t);
        expect(transferSyntaxOf(out), t).toBe(SYNTAXES[t].uid);
        expect(dcmdump(out), t).toContain('PixelData');
        expect(readMeta(out).get(0x00020003), t).toBe(readMeta(input.bytes).get(0x00020003));
        const back = await independentPixels(out, t);
        expect(back.length, t).toBe(ref.length);
        expect(Buffer.from(back).equals(Buffer.from(ref)), `${name} ${t}`).toBe(true);
      }
    });
  }
});

describe('transcode: JPEG 2000 cross-checks', () => {
  it.skipIf(!hasGdcm)('gdcmconv --raw and OpenJPEG agree on j2k-lossless', async () => {
    const input = inputs.multiframe.bytes;
    const out = transcode(input, 'j2k-lossless');
    const viaGdcm = nativePixelBytes(decompressWithTools(out));
    const frames = await decodeJ2kFrames(out);
    expect(frames).toHaveLength(3);
    expect(frames.every((f) => f.reversible && f.width === 17 && f.height === 13)).toBe(true);
    const viaOpenJpeg = new Uint8Array(frames.flatMap((f) => Array.from(new Uint8Array(f.samples.buffer, f.samples.byteOffset, f.samples.byteLength))));
    expect(viaGdcm).toEqual(nativePixelBytes(input));
    expect(viaOpenJpeg).toEqual(viaGdcm);
  });

  it('HTJ2K variants carry the requested coding options', async () => {
    const input = inputs.ct16signed.bytes;
    const lrcp = await decodeJ2kFrames(transcode(input, 'htj2k-lossless'));
    const rpcl = await decodeJ2kFrames(transcode(input, 'htj2k-lossless-rpcl'));
    const lossy = await decodeJ2kFrames(transcode(input, 'htj2k-lossy'));
    expect([lrcp[0].reversible, lrcp[0].progressionOrder]).toEqual([true, 0]);
    expect([rpcl[0].reversible, rpcl[0].progressionOrder]).toEqual([true, 2]);
    expect(lossy[0].reversible).toBe(false);
    // HTJ2K codestreams have the CAP marker (0xFF50) in the main header; J2K ones do not.
    const hasCap = (f: Uint8Array): boolean => encapsulatedFragments(f).fragments[0].some((b, i, a) => b === 0xff && a[i + 1] === 0x50);
    expect(hasCap(transcode(input, 'htj2k-lossless'))).toBe(true);
  });

  it('J2K of 12-bit signed data with dirty high bits decodes to the clean values', async () => {
    const dirty = makeSeries(smallSpec({ slices: 1, bitsStored: 12, rescaleIntercept: 0, dirtyHighBits: true, seed: 9 })).files[0].bytes;
    const pm = { bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1 };
    const clean = cleanPixelBytes(nativePixelBytes(dirty), pm);
    expect(clean).not.toEqual(nativePixelBytes(dirty));
    for (const t of ['j2k-lossless', 'htj2k-lossless'] as const) {
      const frames = await decodeJ2kFrames(transcode(dirty, t));
      expect(frames[0].bitsPerSample).toBe(12);
      expect(new Uint8Array(frames[0].samples.buffer)).toEqual(clean);
    }
    // dcmtk's lossless codecs keep the words as they are.
    expect(nativePixelBytes(decompressWithTools(transcode(dirty, 'jpeg-lossless-sv1')))).toEqual(nativePixelBytes(dirty));
  });
});

describe('transcode: lossy variants stay close in modality units', () => {
  const tolerance: Partial<Record<Syntax, number>> = { 'jpeg-ls-near-lossless': 2 * 5 };
  for (const [name, input] of Object.entries(inputs)) {
    it(name, async () => {
      const ref = modalityValues(input.bytes);
      const range = Math.max(...ref) - Math.min(...ref);
      for (const t of LOSSY.filter((x) => accepts(x, name))) {
        const out = transcode(input.bytes, t);
        expect(transferSyntaxOf(out), t).toBe(SYNTAXES[t].uid);
        const dump = dcmdump(out);
        expect(dump, t).toMatch(/\(0028,2110\) CS \[01\]/);
        let got: number[];
        if (t.includes('j2k')) {
          const frames = await decodeJ2kFrames(out);
          const p = parseExplicitLittle(out);
          const slope = Number(p.text(0x00281053) ?? '1');
          const intercept = Number(p.text(0x00281052) ?? '0');
          got = frames.flatMap((f) => Array.from(f.samples as ArrayLike<number>, (s) => s * slope + intercept));
        } else {
          got = modalityValues(decompressWithTools(out)); // dcmcjpeg may rewrite the rescale (CT: rescale map)
        }
        expect(got.length, t).toBe(ref.length);
        const maxErr = got.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i])), 0);
        expect(maxErr, `${name} ${t}`).toBeLessThanOrEqual(tolerance[t] ?? Math.max(0.25 * range, 40));
      }
    });
  }
});

describe('transcode: options and errors', () => {
  it('empty offset table and several fragments per frame', async () => {
    const input = inputs.multiframe.bytes;
    for (const t of ['rle', 'jpeg-lossless-sv1', 'j2k-lossless'] as const) {
      const out = transcode(input, t, { offsetTable: false, fragmentSizeKb: 1 });
      const { offsets, fragments } = encapsulatedFragments(out);
      expect(offsets, t).toEqual([]);
      expect(fragments.length, t).toBeGreaterThanOrEqual(3);
      if (t !== 'j2k-lossless') expect(nativePixelBytes(decompressWithTools(out)), t).toEqual(nativePixelBytes(input));
    }
    const withBot = encapsulatedFragments(transcode(input, 'htj2k-lossless'));
    expect(withBot.offsets).toHaveLength(3);
    expect(withBot.offsets[0]).toBe(0);
    expect(withBot.offsets[1]).toBe(8 + withBot.fragments[0].length);
  });

  it('transcodeAsync loads the encoders itself', async () => {
    const out = await transcodeAsync(inputs.mr8.bytes, 'htj2k-lossless');
    expect(transferSyntaxOf(out)).toBe('1.2.840.10008.1.2.4.201');
  });

  it('refuses inputs dcmtk would silently rescale', () => {
    expect(() => transcode(inputs.ct16signed.bytes, 'jpeg-baseline')).toThrow(/8-bit/);
    expect(() => transcode(inputs.ct16signed.bytes, 'jpeg-extended-12')).toThrow(/12/);
    expect(() => transcode(inputs.ct16signed.bytes, 'jpeg-ls-near-lossless')).toThrow(/unsigned/);
  });

  it('a missing tool is reported with the install command', () => {
    expect(() => runTool('dcmdump-not-installed', [])).toThrow(/apt-get install dcmtk/);
    expect(() => runTool('gdcmconv-not-installed', [])).toThrow(/apt-get install libgdcm-tools/);
  });

  it('lists every target with a verifier', () => {
    expect(ALL_SYNTAXES).toHaveLength(22);
    expect(new Set(ALL_SYNTAXES.map((t) => SYNTAXES[t].uid)).size).toBe(16);
  });
});
