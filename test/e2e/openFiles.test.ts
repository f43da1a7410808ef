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
    await page.goto(`${inject('appUrl')}?sample=none`);
    // Watch every frame from the click on: the first frame that shows a drawn slice while the
    // volume is still loading is recorded (with its slider position, the loaded count and how
    // much of the canvas is bright), then a slice not decoded yet is asked for.
    const watching = page.evaluate(
      () =>
        new Promise<{ loaded: number; total: number; slider: string; bright: number; pending: boolean } | { finished: string }>((resolve) => {
          const frame = (): void => {
            const status = document.querySelector('main')?.getAttribute('data-status');
            const text = [...document.querySelectorAll('.slice-loading')].map((e) => e.textContent ?? '').join('');
            const m = text.match(/^(\d+) of (\d+) slices loaded$/);
            const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="slice-canvas"]');
            if (status === 'loading' && m && canvas && canvas.width > 0) {
              const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
              let n = 0;
              for (let i = 0; i < d.length; i += 4) if (d[i] > 40) n++;
              const bright = n / (d.length / 4);
              if (bright > 0.2) {
                const slider = document.querySelector<HTMLInputElement>('input[aria-label="Slice"]')!;
                const seen = { loaded: Number(m[1]), total: Number(m[2]), slider: slider.value, bright };
                // The first slice is decoded last: ask for it and see it announced as pending.
                const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
                set.call(slider, '0');
                slider.dispatchEvent(new Event('input', { bubbles: true }));
                requestAnimationFrame(() => resolve({ ...seen, pending: document.body.textContent?.includes('Slice 1 is still loading…') ?? false }));
                return;
              }
            }
            if (status === 'ready' || status === 'error') return resolve({ finished: status });
            requestAnimationFrame(frame);
          };
          requestAnimationFrame(frame);
        }),
    );
    await page.getByRole('button', { name: /Open sample: MRI/ }).click();
    const seen = await watching;
    expect(seen).not.toHaveProperty('finished');
    if ('finished' in seen) return;
    expect(seen.total).toBe(158);
    expect(seen.loaded).toBeGreaterThan(0);
    expect(seen.loaded).toBeLessThan(158);
    expect(seen.slider).toBe('79'); // the middle slice, the first one decoded
    expect(seen.bright).toBeGreaterThan(0.2);
    expect(seen.pending).toBe(true);
    await page.screenshot({ path: screenshotPath('open-files-progressive') });
    // The status, with the error's text if loading failed.
    const outcome = async (): Promise<string> => {
      const status = await page.locator('main').getAttribute('data-status');
      return status === 'error' ? `error: ${await page.getByRole('alert').first().textContent()}` : (status ?? '');
    };
    await expect.poll(outcome, { timeout: 60_000 }).toBe('ready');
    expect(await page.getByText(/slices loaded/).count()).toBe(0);
    expect(await page.getByText('is still loading…').count()).toBe(0);
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
