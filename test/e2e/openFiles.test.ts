import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rgbSecondaryCapture, textFile } from '../helpers/badFiles';
import { makeSeries, smallSpec } from '../helpers/syntheticSeries';
import { type BrowserSession, openBrowser, screenshotPath } from './browser';

describe('opening files in the built app (workers, series browser, cancel)', () => {
  let browser: BrowserSession;
  let dir: string;
  const paths: string[] = [];
  const dropped: { name: string; b64: string }[] = [];
  beforeAll(async () => {
    browser = await openBrowser();
    dir = mkdtempSync(join(tmpdir(), 'voxelprint-e2e-files-'));
    const a = makeSeries(smallSpec({ seriesDescription: 'Axial <b>bold</b>', seriesNumber: 2, seed: 31, seriesInstanceUid: '1.2.826.0.1.3680043.10.1489.9.31' }));
    const b = makeSeries(
      smallSpec({
        seriesDescription: 'Sagittal recon',
        seriesNumber: 3,
        seed: 32,
        seriesInstanceUid: '1.2.826.0.1.3680043.10.1489.9.32',
        rowCosine: [0, 1, 0],
        columnCosine: [0, 0, -1],
        tiltStepInPlaneMm: [0, 0, 0],
      }),
    );
    const files = [...a.files, ...b.files, { name: 'notes.txt', bytes: textFile().bytes }, { name: 'SC0001', bytes: rgbSecondaryCapture().bytes }];
    for (const f of files) {
      const p = join(dir, f.name);
      writeFileSync(p, f.bytes);
      paths.push(p);
      dropped.push({ name: f.name, b64: Buffer.from(f.bytes).toString('base64') });
    }
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('files dropped on the page open like picked ones: both series and the skipped file listed', async () => {
    const { page } = browser;
    await page.goto(`${inject('appUrl')}?sample=none`);
    const data = await page.evaluateHandle((list) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name));
      return dt;
    }, dropped);
    const target = page.getByTestId('drop-target');
    await target.dispatchEvent('dragover', { dataTransfer: data });
    await page.getByText('Drop DICOM files or folders to open them').waitFor();
    await target.dispatchEvent('drop', { dataTransfer: data });
    await page.getByTestId('slice-canvas').waitFor({ timeout: 60_000 });
    const table = page.getByRole('table', { name: 'Series' });
    await expect.poll(() => table.textContent()).toContain('Sagittal recon');
    expect((await table.textContent()) ?? '').toContain('Axial <b>bold</b>');
    expect(await page.getByText('Skipped files (1)').count()).toBe(1);
    expect(await page.getByText('Drop DICOM files or folders to open them').count()).toBe(0);
    expect(browser.errors).toEqual([]);
  });

  it('lists both series, the colour image, the skipped file; loads the preferred stack', async () => {
    const { page } = browser;
    await page.goto(`${inject('appUrl')}?sample=none`);
    await page.getByLabel('Open DICOM files').setInputFiles(paths);
    await page.getByTestId('slice-canvas').waitFor({ timeout: 60_000 });
    const table = page.getByRole('table', { name: 'Series' });
    const text = (await table.textContent()) ?? '';
    expect(text).toContain('Axial <b>bold</b>'); // markup shown as text
    expect(await table.locator('b').count()).toBe(0);
    expect(text).toContain('Sagittal recon');
    expect(text).toContain('Not a volume: colour image (RGB, 3 samples per pixel)');
    await page.getByText('Skipped files (1)').click();
    expect(await page.getByRole('list', { name: 'Skipped files' }).textContent()).toContain('notes.txt: not a DICOM file');
    // Load the other series through its button and see the slice change size.
    await page.getByRole('row', { name: /Sagittal recon/ }).getByRole('button', { name: 'Load' }).click();
    await expect.poll(() => page.getByTestId('slice-canvas').evaluate((c: HTMLCanvasElement) => `${c.width}x${c.height}`)).toBe('24x20');
    await expect.poll(() => page.getByRole('row', { name: /Sagittal recon/ }).getByRole('button').textContent()).toBe('Loaded');
    await page.screenshot({ path: screenshotPath('open-files-series-browser') });
    expect(browser.errors).toEqual([]);
  });

  it('while a volume loads, the slice view already shows the middle slice (decoded first)', async () => {
    const { page } = browser;
    // Hold back every whole-file read after the first two (header reads are Range requests), so
    // the load stays half way for as long as the test looks.
    let wholeReads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const continued: Promise<void>[] = [];
    await page.route(/\.dcm$/, (route) => {
      if (route.request().headers().range || ++wholeReads <= 2) return route.continue();
      const done = gate.then(() => route.continue());
      continued.push(done);
      return done;
    });
    try {
      await page.goto(`${inject('appUrl')}?sample=none`);
      await page.getByRole('button', { name: /Open sample: MRI/ }).click();
      const canvas = page.getByTestId('slice-canvas');
      await canvas.waitFor({ timeout: 30_000 });
      expect(await page.locator('main').getAttribute('data-status')).toBe('loading');
      const loadedText = page.getByText(/\d+ of \d+ slices loaded/);
      await expect.poll(() => loadedText.textContent(), { timeout: 30_000 }).toMatch(/^[12] of 158 slices loaded$/);
      // The slider sits on the middle slice and the canvas shows it: brain, not black.
      expect(await page.getByRole('slider', { name: 'Slice' }).inputValue()).toBe('79');
      const bright = () =>
        canvas.evaluate((c: HTMLCanvasElement) => {
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i] > 40) n++;
          return n / (d.length / 4);
        });
      await expect.poll(bright, { timeout: 10_000 }).toBeGreaterThan(0.2);
      await page.screenshot({ path: screenshotPath('open-files-progressive') });
      // A slice not decoded yet says so, over an empty canvas.
      await page.getByRole('slider', { name: 'Slice' }).fill('5');
      await page.getByText('Slice 6 is still loading…').waitFor();
      expect(await bright()).toBe(0);
      expect(continued.length).toBeGreaterThan(0);
    } finally {
      release();
      await Promise.all(continued);
      await page.unroute(/\.dcm$/);
    }
    await expect.poll(() => page.locator('main').getAttribute('data-status'), { timeout: 60_000 }).toBe('ready');
    expect(await page.getByText(/slices loaded/).count()).toBe(0);
    expect(await page.getByText('Slice 6 is still loading…').count()).toBe(0);
    expect(browser.errors).toEqual([]);
  });

  it('shows progress while loading and can be cancelled', async () => {
    const { page } = browser;
    await page.goto(`${inject('appUrl')}?sample=none`);
    await page.getByRole('button', { name: /Open sample: MRI/ }).click();
    const cancel = page.getByRole('button', { name: 'Cancel' });
    await cancel.waitFor({ timeout: 10_000 });
    expect(await page.getByRole('status').textContent()).toMatch(/(Reading files|Decoding slices) \d+ \/ \d+/);
    await cancel.click();
    await expect.poll(() => page.locator('main').getAttribute('data-status')).toMatch(/idle|ready/);
    expect(await page.getByTestId('slice-canvas').count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
  });
});
