// Browser load benchmark driver: builds bench/browser with bench/vite.config.ts, serves it with
// `vite preview` (COOP/COEP, crossOriginIsolated; bench/data under /data/), opens it in Debian's
// headless Chromium (playwright-core), waits for window.__benchResult, prints a table and
// writes bench/results/load-<date>.json (merged with the Node results when bench/run.mjs
// passes --node <file>).
//
// Usage: node bench/browser-load.mjs [--rounds 3] [--cs-workers N] [--no-build] [--node node.json]
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const configFile = join(here, 'vite.config.ts');
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const rounds = Number(opt('--rounds', 3));
const csWorkers = opt('--cs-workers');
const nodeResults = opt('--node');
const timeoutMs = Number(opt('--timeout', 15 * 60 * 1000));

if (!existsSync(join(here, 'data/ct512.json'))) {
  console.error('no benchmark series: run `npx tsx bench/make-series.ts` first');
  process.exit(1);
}

if (!argv.includes('--no-build')) {
  const t = performance.now();
  await build({ configFile, logLevel: 'error' });
  console.log(`browser-load: page built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const server = await preview({ configFile, preview: { host: '127.0.0.1', port: 0, strictPort: false }, logLevel: 'error' });
const base = server.resolvedUrls?.local[0];
if (!base) throw new Error('vite preview did not report a URL');

const profile = mkdtempSync(join(tmpdir(), 'voxelprint-bench-'));
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // window.gc() between runs, so one run's garbage is not collected during the next.
    '--js-flags=--expose-gc',
  ],
});
const errors = [];
let result;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    const text = m.text();
    if (text.startsWith('[bench] ')) console.log(`  ${text.slice(8)}`);
    else if (m.type() === 'error') errors.push(text);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  const query = new URLSearchParams({ rounds: String(rounds), ...(csWorkers ? { csWorkers } : {}) });
  const browserVersion = context.browser()?.version() ?? 'unknown';
  console.log(`browser-load: ${executablePath} (${browserVersion}) → ${base}?${query}`);
  await page.goto(`${base}?${query}`);
  await page.waitForFunction(() => window.__benchResult !== undefined, undefined, { timeout: timeoutMs, polling: 500 });
  result = await page.evaluate(() => window.__benchResult);
  result.browserVersion = browserVersion;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  await server.close();
}

if (errors.length) {
  console.log(`page errors/console errors (${errors.length}):`);
  for (const e of errors.slice(0, 10)) console.log(`  ${e}`);
}
if (result.error) {
  console.error(`browser benchmark failed: ${result.error}`);
  process.exit(1);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => x.toFixed(0).padStart(7);
const { dimensions, files, bytes } = result.manifest;
const mb = bytes / 1e6;
console.log(
  `\nBrowser: ${result.browserVersion}, ${result.env.hardwareConcurrency} cores, crossOriginIsolated=${result.env.crossOriginIsolated}; ` +
    `${dimensions.join('×')} int16 CT, ${files} files, ${mb.toFixed(1)} MB; our pool ${result.rounds[0].ours.poolSize} workers, Cornerstone ${result.csWorkers} decode workers`,
);
console.log('round  order               ours ms (scan+load)        cornerstone ms (read+part10+sort+create+load)   CS/ours  mismatches');
for (const r of result.rounds) {
  const o = r.ours;
  const c = r.cornerstone;
  const v = r.verify;
  console.log(
    `${String(r.round).padEnd(6)} ${r.order.padEnd(19)} ${ms(o.totalMs)} (${o.scanMs.toFixed(0)}+${o.loadMs.toFixed(0)})`.padEnd(53) +
      `${ms(c.totalMs)} (${[c.readMs, c.part10Ms, c.sortMs, c.createMs, c.loadMs].map((x) => x.toFixed(0)).join('+')})`.padEnd(48) +
      `${(c.totalMs / o.totalMs).toFixed(1).padStart(6)}×  ${v.sampledMismatches}/${v.sampled} sampled` +
      (v.fullMismatches >= 0 ? `, ${v.fullMismatches}/${dimensions[0] * dimensions[1] * dimensions[2]} all` : ''),
  );
}
const oursMed = median(result.rounds.map((r) => r.ours.totalMs));
const csMed = median(result.rounds.map((r) => r.cornerstone.totalMs));
const summary = {
  oursMedianMs: oursMed,
  cornerstoneMedianMs: csMed,
  ratio: csMed / oursMed,
  target: 5,
  meetsTarget: csMed / oursMed >= 5,
  oursMBps: mb / (oursMed / 1000),
  cornerstoneMBps: mb / (csMed / 1000),
  mismatches: result.rounds.reduce((a, r) => a + r.verify.sampledMismatches + Math.max(0, r.verify.fullMismatches), 0),
};
console.log(
  `median: ours ${oursMed.toFixed(0)} ms (${summary.oursMBps.toFixed(0)} MB/s, ${(dimensions[2] / (oursMed / 1000)).toFixed(0)} slices/s), ` +
    `Cornerstone ${csMed.toFixed(0)} ms (${summary.cornerstoneMBps.toFixed(0)} MB/s) → Cornerstone/ours = ${summary.ratio.toFixed(2)}× ` +
    `(target ≥ 5×: ${summary.meetsTarget ? 'met' : 'NOT met'}); voxel mismatches: ${summary.mismatches}`,
);

const out = {
  date: new Date().toISOString(),
  machine: { node: process.version, platform: process.platform, arch: process.arch },
  browser: { ...result, summary },
  node: nodeResults && existsSync(nodeResults) ? JSON.parse(readFileSync(nodeResults, 'utf8')) : undefined,
};
const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const file = resolve(resultsDir, `load-${out.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
console.log(`results written to ${file}`);
