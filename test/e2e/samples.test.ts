import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { type BrowserSession, canvasPixels, channel, openBrowser, screenshotPath } from './browser';

/** Grey levels of the slice canvas (R channel; the canvas is greyscale). */
async function canvasGrey(page: Page): Promise<{ width: number; height: number; grey: number[] }> {
  const { width, height, rgba } = await canvasPixels(page.getByTestId('slice-canvas'));
  return { width, height, grey: channel(rgba) };
}

describe('bundled samples in the built app', () => {
  let browser: BrowserSession;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opens the CT phantom at start: series table and a middle slice with air, skull and brain', async () => {
    const { page } = browser;
    await page.goto(`${inject('appUrl')}?sample=ct-phantom`);
    const table = page.getByRole('table', { name: 'Series' });
    await table.waitFor();
    await page.getByRole('button', { name: 'Loaded' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('slice-canvas').waitFor();
    await page.getByRole('checkbox', { name: 'Show range on slices' }).uncheck(); // plain grey levels
    const row = table.getByRole('row').nth(1);
    await expect.poll(() => row.textContent()).toContain('CT');
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);

    await page.getByRole('combobox', { name: 'Window preset' }).selectOption({ label: 'Brain (L 40 / W 80)' });
    const { width, height, grey } = await canvasGrey(page);
    await page.screenshot({ path: screenshotPath('ct-phantom-slice') });
    expect(width).toBeGreaterThan(100);
    expect(height).toBeGreaterThan(100);
    const count = (f: (g: number) => boolean): number => grey.filter(f).length / grey.length;
    // Air (−1000 HU) is black, skull (~1000 HU) white, brain (40 HU) mid-grey in a 40/80 window.
    expect(grey[0]).toBe(0);
    expect(grey[grey.length - 1]).toBe(0);
    expect(count((g) => g === 0)).toBeGreaterThan(0.1);
    expect(count((g) => g === 255)).toBeGreaterThan(0.02);
    expect(count((g) => g >= 110 && g <= 145)).toBeGreaterThan(0.2);

    // A 1280 × 720 screen: nothing wider than the window, the slice and the three views drawn
    // at a usable size, each control within reach (scrolling down only).
    await page.setViewportSize({ width: 1280, height: 720 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    for (const id of ['slice-canvas', 'mpr-axial', 'mpr-sagittal', 'mpr-coronal']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.width, id).toBeGreaterThan(200);
      expect(box.height, id).toBeGreaterThan(150);
      expect(box.x + box.width, id).toBeLessThanOrEqual(1280);
    }
    const controls: [string, Locator][] = [
      ['Create model', page.getByRole('button', { name: 'Create model' })],
      ['Add segment', page.getByRole('button', { name: 'Add segment' })],
      ['Open files', page.getByText('Open files…')], // labels of the file inputs, styled as buttons
      ['Open folder', page.getByText('Open folder…')],
    ];
    for (const [name, control] of controls) {
      await control.scrollIntoViewIfNeeded();
      const box = (await control.boundingBox())!;
      expect(box.x + box.width, name).toBeLessThanOrEqual(1280);
      expect(await control.isVisible(), name).toBe(true);
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('ct-phantom-1280x720') });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(browser.errors).toEqual([]);
  });

  it('opens the Colin27 MRI: 150 × 185 × 158 volume and a brain slice', async () => {
    const { page } = browser;
    await page.goto(`${inject('appUrl')}?sample=mri-colin27`);
    await page.getByRole('button', { name: 'Loaded' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('slice-canvas').waitFor();
    await page.getByRole('checkbox', { name: 'Show range on slices' }).uncheck(); // plain grey levels
    const table = page.getByRole('table', { name: 'Series' });
    await expect.poll(() => table.textContent()).toContain('150 × 185 × 158');
    await expect.poll(() => table.textContent()).toContain('MR');
    const { width, height, grey } = await canvasGrey(page);
    await page.screenshot({ path: screenshotPath('mri-colin27-slice') });
    expect([width, height]).toEqual([150, 185]);
    expect(grey[0]).toBe(0); // outside the head
    const centre = grey[Math.floor(height / 2) * width + Math.floor(width / 2)];
    expect(centre).toBeGreaterThan(40); // brain tissue
    const levels = new Set(grey);
    expect(levels.size).toBeGreaterThan(100); // real anatomy, not a flat image
    expect(browser.errors).toEqual([]);
  });
});
