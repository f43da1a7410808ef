// Debian's headless Chromium for the e2e tests and the browser benchmarks: one place for the
// executable and the launch flags (see docs/testing.md). `npx playwright install` cannot work
// here; playwright-core drives the system browser with a throw-away profile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A persistent context on a fresh profile; `close()` also deletes the profile. */
export async function launchChromium({ extraArgs = [], viewport } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'voxelprint-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    deviceScaleFactor: 1,
    ...(viewport ? { viewport } : {}),
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
