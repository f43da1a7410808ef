// Browser load benchmark driver: builds bench/browser with bench/vite.config.ts, serves it with
// `vite preview` (COOP/COEP, crossOriginIsolated; bench/data under /data/), opens it in Debian's
// headless Chromium (playwright-core), waits for window.__benchResult, prints a table and
// writes bench/results/load-<date>.json (merged with the Node results when bench/run.mjs
// passes --node <file>).
//
// Usage: node bench/browser-load.mjs [--rounds 3] [--source fetch|disk] [--cs-workers N] [--fresh-pool] [--no-build] [--node node.json]
//   --source fetch (default): the page fetches the files from /data/ into File objects (memory-backed)
//   --source disk: Playwright sets them on an <input type=file> (disk-backed Files, as from a drop)
//   --cs-workers N: Cornerstone decode workers (default: hardwareConcurrency, as many as our pool)
//   --fresh-pool: a new DicomWorkerPool inside every timed run (default: one per page, like Cornerstone's workers)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPage, openChromium, servePage } from './browserSession.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const rounds = Number(opt('--rounds', 3));
const csWorkers = opt('--cs-workers');
const nodeResults = opt('--node');
const source = opt('--source', 'fetch');
const freshPool = argv.includes('--fresh-pool');
const timeoutMs = Number(opt('--timeout', 15 * 60 * 1000));
if (!['fetch', 'disk'].includes(source)) throw new Error('--source is fetch or disk');

const manifestPath = join(here, 'data/ct512.json');
if (!existsSync(manifestPath)) {
  console.error('no benchmark series: run `npx tsx bench/make-series.ts` first');
  process.exit(1);
}

if (!argv.includes('--no-build')) console.log(`browser-load: page built in ${((await buildPage()) / 1000).toFixed(1)} s`);
const server = await servePage();
const browser = await openChromium();
const { errors } = browser;
let result;
try {
  const { page } = browser;
  const query = new URLSearchParams({ rounds: String(rounds), source, ...(csWorkers ? { csWorkers } : {}), ...(freshPool ? { freshPool: '1' } : {}) });
  console.log(`browser-load: ${browser.executablePath} (${browser.version}) → ${server.url}?${query}`);
  await page.goto(`${server.url}?${query}`);
  if (source === 'disk') {
    // Disk-backed File objects, as from a drop or a file picker.
    await page.waitForFunction(() => window.__benchReadyForFiles === true, undefined, { timeout: 300_000 });
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    await page.setInputFiles('#files', manifest.files.map((f) => join(here, 'data/ct512', f)));
  }
  await page.waitForFunction(() => window.__benchResult !== undefined, undefined, { timeout: timeoutMs, polling: 500 });
  result = await page.evaluate(() => window.__benchResult);
  result.browserVersion = browser.version;
} finally {
  await browser.close();
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
    `${dimensions.join('×')} int16 CT, ${files} files, ${mb.toFixed(1)} MB, ${result.source === 'disk' ? 'disk-backed Files (<input type=file>)' : 'fetched into memory-backed Files'}; ` +
    `our pool (${result.freshPool ? 'new in every run' : 'one per page'}) ${result.rounds[0].ours.poolSize} workers, Cornerstone ${result.csWorkers} decode workers`,
);
console.log('round  order               ours ms (scan+load)        cornerstone ms (read+part10+sort+create+load)   CS/ours  read floor  mismatches');
for (const r of result.rounds) {
  const o = r.ours;
  const c = r.cornerstone;
  const v = r.verify;
  console.log(
    `${String(r.round).padEnd(6)} ${r.order.padEnd(19)} ${ms(o.totalMs)} (${o.scanMs.toFixed(0)}+${o.loadMs.toFixed(0)})`.padEnd(53) +
      `${ms(c.totalMs)} (${[c.readMs, c.part10Ms, c.sortMs, c.createMs, c.loadMs].map((x) => x.toFixed(0)).join('+')})`.padEnd(48) +
      `${(c.totalMs / o.totalMs).toFixed(1).padStart(6)}×  ${ms(r.readFloorMs)} ms  ${v.sampledMismatches}/${v.sampled} sampled` +
      (v.fullMismatches >= 0 ? `, ${v.fullMismatches}/${dimensions[0] * dimensions[1] * dimensions[2]} all` : ''),
  );
}
const oursMed = median(result.rounds.map((r) => r.ours.totalMs));
const csMed = median(result.rounds.map((r) => r.cornerstone.totalMs));
const floorMed = median(result.rounds.map((r) => r.readFloorMs));
const summary = {
  readFloorMedianMs: floorMed,
  maxPossibleRatio: csMed / floorMed,
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
  `read floor (every File → ArrayBuffer, nothing else) median ${floorMed.toFixed(0)} ms: no File-based loader can beat Cornerstone by more than ${summary.maxPossibleRatio.toFixed(1)}× here`,
);
console.log(
  `median: ours ${oursMed.toFixed(0)} ms (${summary.oursMBps.toFixed(0)} MB/s, ${(dimensions[2] / (oursMed / 1000)).toFixed(0)} slices/s), ` +
    `Cornerstone ${csMed.toFixed(0)} ms (${summary.cornerstoneMBps.toFixed(0)} MB/s) → Cornerstone/ours = ${summary.ratio.toFixed(2)}× ` +
    `(target ≥ 5×: ${summary.meetsTarget ? 'met' : 'NOT met'}); voxel mismatches: ${summary.mismatches}`,
);

const out = {
  date: new Date().toISOString(),
  machine: { node: process.version, platform: process.platform, arch: process.arch },
  browser: { source, ...result, summary },
  node: nodeResults && existsSync(nodeResults) ? JSON.parse(readFileSync(nodeResults, 'utf8')) : undefined,
};
const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const tag = [source === 'disk' ? 'disk' : '', csWorkers ? `cs${csWorkers}` : '', freshPool ? 'freshpool' : ''].filter(Boolean).join('-');
const file = resolve(resultsDir, `load-${out.date.replace(/[:.]/g, '-')}${tag ? `-${tag}` : ''}.json`);
writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
console.log(`results written to ${file}`);
