// Shared by the browser benchmark drivers: build the bench page, serve it with `vite preview`,
// open Debian's headless Chromium with a throw-away profile.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PATH, launchChromium } from '../scripts/chromium.mjs';
import { build, preview } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
export const configFile = join(here, 'vite.config.ts');

export async function buildPage() {
  const t = performance.now();
  await build({ configFile, logLevel: 'error' });
  return performance.now() - t;
}

/** Serves bench/.dist (and bench/data under /data/) with COOP/COEP. */
export async function servePage() {
  const server = await preview({ configFile, preview: { host: '127.0.0.1', port: 0, strictPort: false }, logLevel: 'error' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url, close: () => server.close() };
}

export async function openChromium({ extraArgs = [] } = {}) {
  // window.gc() between runs, so one run's garbage is not collected during the next.
  const { context, close } = await launchChromium({ extraArgs: ['--js-flags=--expose-gc', ...extraArgs] });
  const executablePath = CHROMIUM_PATH;
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('console', (m) => {
    const text = m.text();
    if (text.startsWith('[bench] ')) console.log(`  ${text.slice(8)}`);
    else if (m.type() === 'error' && !/favicon|status of 404/.test(text)) errors.push(text);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return {
    page,
    errors,
    executablePath,
    version: context.browser()?.version() ?? 'unknown',
    close,
  };
}
