import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makeSeries, smallSpec } from '../helpers/syntheticSeries';
import { prepareJ2kEncoders, transcode } from '../helpers/transcode';
import type { Syntax } from '../helpers/transcode';
import { type BrowserSession, openBrowser } from './browser';

/**
 * The codecs run in the browser's workers (WASM fetched from the built app): the same series,
 * compressed by independent encoders, renders to exactly the same pixels as the native one.
 */
const VARIANTS: [string, Syntax | 'native'][] = [
  ['Native', 'native'],
  ['JPEG-LS', 'jpeg-ls-lossless'],
  ['JPEG 2000', 'j2k-lossless'],
  ['HTJ2K', 'htj2k-lossless'],
  ['JPEG lossless', 'jpeg-lossless-p14-sv1'],
  ['RLE', 'rle'],
  ['Deflated', 'deflated'],
  ['JPEG 12-bit', 'jpeg-extended-12'],
  ['JPEG-LS near', 'jpeg-ls-near-lossless'],
];
/** Lossy variants: allowed grey-level difference (window 1600 HU → 6.3 HU per level). */
const LOSSY_TOLERANCE: Partial<Record<string, number>> = { 'JPEG 12-bit': 2, 'JPEG-LS near': 1 };

async function sliceGrey(page: Page): Promise<number[]> {
  return page.getByTestId('slice-canvas').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    return Array.from(d.filter((_, i) => i % 4 === 0));
  });
}

describe('compressed series decode in the browser workers', () => {
  let browser: BrowserSession;
  let dir: string;
  const paths: string[] = [];

  beforeAll(async () => {
    await prepareJ2kEncoders();
    browser = await openBrowser();
    dir = mkdtempSync(join(tmpdir(), 'voxelprint-e2e-codecs-'));
    VARIANTS.forEach(([label, syntax], v) => {
      const spec = smallSpec({
        seed: 500 + v,
        seriesNumber: v + 1,
        seriesDescription: `${label} copy`,
        seriesInstanceUid: `1.2.826.0.1.3680043.10.1489.9.50${v}`,
        bitsStored: 12,
        pixelRepresentation: 0,
        rescaleIntercept: -1024,
        windowCenter: 300,
        windowWidth: 1600,
      });
      for (const f of makeSeries(spec).files) {
        const p = join(dir, `${v}-${f.name}`);
        writeFileSync(p, syntax === 'native' ? f.bytes : transcode(f.bytes, syntax));
        paths.push(p);
      }
    });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every variant renders the same slice as the native series', async () => {
    const { page } = browser;
    await page.goto(`${inject('appUrl')}?sample=none`);
    await page.getByLabel('Open DICOM files').setInputFiles(paths);
    await page.getByTestId('slice-canvas').waitFor({ timeout: 60_000 });
    await page.getByRole('checkbox', { name: 'Show range on slices' }).uncheck(); // plain grey levels
    let native: number[] | undefined;
    for (const [label] of VARIANTS) {
      const row = page.getByRole('row', { name: new RegExp(`${label} copy`) });
      const button = row.getByRole('button');
      if ((await button.textContent()) !== 'Loaded') await button.click();
      await expect.poll(() => button.textContent(), { timeout: 30_000 }).toBe('Loaded');
      const grey = await sliceGrey(page);
      expect(grey.length).toBe(24 * 20);
      if (!native) {
        native = grey;
        expect(new Set(grey).size).toBeGreaterThan(15); // a real image, not flat
      } else if (LOSSY_TOLERANCE[label] === undefined) expect(grey, label).toEqual(native);
      else {
        const ref = native;
        const worst = Math.max(...grey.map((g, i) => Math.abs(g - ref[i])));
        expect(worst, label).toBeLessThanOrEqual(LOSSY_TOLERANCE[label] ?? 0);
      }
    }
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(browser.errors).toEqual([]);
  });
});
