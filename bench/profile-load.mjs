// Profiles our browser load path step by step (bench/browser/profile.ts): blob reads, header
// parse, decode, transfer and assembly, for fetched, in-memory and disk-backed (<input
// type=file>) Files. Not part of `npm run bench`; run it when the ratio needs explaining.
//
// Usage: node bench/profile-load.mjs [--no-build] [--no-disk]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPage, openChromium, servePage } from './browserSession.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const disk = !argv.includes('--no-disk');
if (!argv.includes('--no-build')) console.log(`profile-load: page built in ${((await buildPage()) / 1000).toFixed(1)} s`);
const server = await servePage();
const browser = await openChromium();
let result;
try {
  await browser.page.goto(`${server.url}profile.html?disk=${disk ? 1 : 0}`);
  if (disk) {
    await browser.page.waitForFunction(() => window.__profileReadyForFiles === true, undefined, { timeout: 300_000 });
    const manifest = JSON.parse(readFileSync(join(here, 'data/ct512.json'), 'utf8'));
    await browser.page.setInputFiles('#files', manifest.files.map((f) => join(here, 'data/ct512', f)));
  }
  await browser.page.waitForFunction(() => window.__profileResult !== undefined, undefined, { timeout: 900_000, polling: 500 });
  result = await browser.page.evaluate(() => window.__profileResult);
} finally {
  await browser.close();
  await server.close();
}
if (browser.errors.length) console.log(`page errors: ${browser.errors.slice(0, 10).join('\n  ')}`);
mkdirSync(join(here, 'results'), { recursive: true });
const file = join(here, 'results', `profile-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ browser: browser.version, ...result }, null, 1)}\n`);
console.log(`profile written to ${file}`);
