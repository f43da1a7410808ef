// Profiles our browser load path step by step (bench/browser/profile.ts): blob reads, header
// parse, decode, transfer and assembly, for fetched, in-memory and disk-backed (<input
// type=file>) Files. Not part of `npm run bench`; run it when the ratio needs explaining.
//
// Usage: node bench/profile-load.mjs [--no-build] [--kinds fetched,memory,disk]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPage, openChromium, servePage } from './browserSession.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const kinds = (argv.includes('--kinds') ? argv[argv.indexOf('--kinds') + 1] : 'fetched,memory,disk').split(',');
if (!argv.includes('--no-build')) console.log(`profile-load: page built in ${((await buildPage()) / 1000).toFixed(1)} s`);
const server = await servePage();
const manifest = JSON.parse(readFileSync(join(here, 'data/ct512.json'), 'utf8'));
const results = {};
try {
  // One browser per kind of input, so each page holds one copy of the series.
  for (const kind of kinds) {
    const browser = await openChromium();
    try {
      await browser.page.goto(`${server.url}profile.html?kind=${kind}`);
      if (kind === 'disk') {
        await browser.page.waitForFunction(() => window.__profileReadyForFiles === true, undefined, { timeout: 300_000 });
        await browser.page.setInputFiles('#files', manifest.files.map((f) => join(here, 'data/ct512', f)));
      }
      await browser.page.waitForFunction(() => window.__profileResult !== undefined, undefined, { timeout: 600_000, polling: 500 });
      results[kind] = await browser.page.evaluate(() => window.__profileResult);
      results.browser = browser.version;
    } finally {
      if (browser.errors.length) console.log(`page errors: ${browser.errors.slice(0, 10).join('\n  ')}`);
      await browser.close();
    }
  }
} finally {
  await server.close();
}
mkdirSync(join(here, 'results'), { recursive: true });
const file = join(here, 'results', `profile-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 1)}\n`);
console.log(`profile written to ${file}`);
