import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type BrowserSession, openBrowser, screenshotPath } from './browser';

/** Grey levels (R channel) of a Cornerstone viewport's canvas. */
async function viewportGrey(page: Page, orientation: string): Promise<number[]> {
  return page.getByTestId(`mpr-${orientation}`).evaluate((el: HTMLElement) => {
    const c = el.querySelector('canvas');
    if (!c) return [];
    const t = document.createElement('canvas');
    t.width = c.width;
    t.height = c.height;
    const ctx = t.getContext('2d')!;
    ctx.drawImage(c, 0, 0);
    const d = ctx.getImageData(0, 0, t.width, t.height).data;
    const grey: number[] = [];
    for (let i = 0; i < d.length; i += 4) grey.push(d[i]);
    return grey;
  });
}

const fraction = (grey: number[], f: (g: number) => boolean): number => grey.filter(f).length / Math.max(1, grey.length);

describe('axial, sagittal and coronal views (Cornerstone3D)', () => {
  let browser: BrowserSession;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('CT phantom: all three planes show skull (white), brain (mid-grey) and air (black); the wheel scrolls', async () => {
    const { page } = browser;
    await page.goto(`${inject('appUrl')}?sample=ct-phantom`);
    await page.getByRole('button', { name: 'Loaded' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByRole('region', { name: 'Views' }).getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    for (const o of ['axial', 'sagittal', 'coronal']) {
      await expect
        .poll(async () => {
          const g = await viewportGrey(page, o);
          // Brain window (40/80): brain 40 HU mid-grey, skull white, air black, each a real share.
          return [fraction(g, (x) => x >= 100 && x <= 160) > 0.15, fraction(g, (x) => x >= 250) > 0.01, fraction(g, (x) => x <= 5) > 0.1];
        }, { timeout: 20_000 })
        .toEqual([true, true, true]);
    }
    await page.screenshot({ path: screenshotPath('views-ct-phantom'), fullPage: true });

    // Scrolling the axial view far down leaves the head: the mid-grey brain disappears.
    const before = fraction(await viewportGrey(page, 'axial'), (x) => x >= 100 && x <= 160);
    const axial = page.getByTestId('mpr-axial');
    await axial.scrollIntoViewIfNeeded();
    const box = (await axial.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 70; i++) await page.mouse.wheel(0, 100);
    await expect.poll(async () => fraction(await viewportGrey(page, 'axial'), (x) => x >= 100 && x <= 160), { timeout: 20_000 }).toBeLessThan(before / 2);
    expect(browser.errors).toEqual([]);
  });
});
