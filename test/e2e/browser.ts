import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/chromium.mjs';

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1280, height: 800 }): Promise<BrowserSession> {
  const { context, close } = await launchChromium({ viewport });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return {
    context,
    page,
    errors,
    close,
  };
}

export const SCREENSHOTS = 'test-output/screenshots';
export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}

/**
 * The pixels a canvas shows (the element itself, or the first canvas inside it: Cornerstone
 * viewports), copied through a 2D canvas so WebGL canvases read too: RGBA, row by row.
 */
export async function canvasPixels(target: Locator): Promise<{ width: number; height: number; rgba: number[] }> {
  return target.evaluate((el: HTMLElement) => {
    const c = el instanceof HTMLCanvasElement ? el : el.querySelector('canvas');
    if (!c) return { width: 0, height: 0, rgba: [] };
    const t = document.createElement('canvas');
    t.width = c.width;
    t.height = c.height;
    const ctx = t.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.drawImage(c, 0, 0);
    return { width: t.width, height: t.height, rgba: Array.from(ctx.getImageData(0, 0, t.width, t.height).data) };
  });
}

/** Every n-th channel of RGBA pixels from `offset` (0 = red: the grey level of a grey image). */
export const channel = (rgba: readonly number[], offset = 0): number[] => rgba.filter((_, i) => i % 4 === offset);
