// Workstation benchmark (issue 5): `npm run bench -- workstation` (= `node bench/run.mjs workstation`).
// Drives the BUILT APP (the root vite.config.ts, built into bench/.app-dist so dist/ is left alone,
// served by `vite preview` with its COOP/COEP headers, as test/e2e/globalSetup.ts serves dist/) in
// Debian's headless Chromium (playwright-core), and a small core page (bench/browser/workstation.ts,
// built by bench/vite.config.ts) for the whole-volume threshold at 512×512×400.
//
// Per round (default 3 rounds, fresh page load each time):
//  A. Drop the 512×512×256 series (bench/data/ct512, bench/make-series.ts): the files are set on an
//     <input type=file> the driver adds to the page (so they are disk-backed File objects, as from a
//     real drop), then a DragEvent('drop') carrying them in a DataTransfer is dispatched on
//     data-testid="drop-target" — the app's own drop handler opens them. t0 = just before dispatch.
//     Marks (bench/workstation-probe.js, performance.now() in the page): <main data-status> =
//     loading (scan done) and = ready (volume complete: the "Loaded" button appears in the same
//     commit), first non-black putImageData on the slice canvas, Views data-state = ready, first
//     non-black copy onto the axial viewport's canvas.
//  B. Threshold preview on that volume: the Tissue preset changed N times (native value setter +
//     'change' event, as picking does; each preset is a new range). Per change: synchronous time of the event
//     (React's render and effects), slice canvas redrawn (putImageData), next animation frame
//     (when the browser can show it), and the MPR views' preview redrawn (Cornerstone's copies onto
//     the three viewport canvases). Also the Slice slider moved with the tint on (slice only).
//  C. Drop-to-download on the CT phantom (public/samples/ct-phantom, 120 files): drop, wait for
//     ready, click "Create model" (defaults: bone, keep largest), wait for the model stats, click
//     "Export" (STL, LPS), wait for the download. All clicks are made in the page as soon as the
//     previous mark is seen (10 ms polling), so no driver round trip sits between the steps.
//  D. The core page: thresholdMask on 512×512×400 and renderSlice with the tint (see workstation.ts).
//
// Never fails on time; only when something breaks. Writes bench/results/workstation-<date>.json.
//
// Usage: node bench/workstation-browser.mjs [--rounds 3] [--steps 10] [--no-build] [--timeout ms]
//        [--only ct] [--trace]
// --only ct: scenario C alone. --trace: a Chrome trace of each drop-to-download (main thread and
// workers, with JS samples) into bench/results/trace-ct-<date>-<round>.json (open it in the
// browser's Performance panel), and the main thread's long tasks between drop and download
// printed, with the functions that took their time.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { buildPage, openChromium, servePage } from './browserSession.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const appConfig = join(root, 'vite.config.ts');
const appDist = join(here, '.app-dist');
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const rounds = Number(opt('--rounds', 3));
const steps = Number(opt('--steps', 10));
const timeout = Number(opt('--timeout', 180_000));
const noBuild = argv.includes('--no-build');
const only = opt('--only', undefined);
if (only !== undefined && only !== 'ct') throw new Error(`--only: 'ct' is the one scenario that runs alone, got ${only}`);
const trace = argv.includes('--trace');

const TARGETS = { firstImageMs: 1000, slicePreviewMs: 16, volumePreviewMs: 300, dropToDownloadMs: 3000 };

const manifestPath = join(here, 'data/ct512.json');
if (!existsSync(manifestPath)) {
  console.error('no benchmark series: run `npx tsx bench/make-series.ts` first (npm run bench -- workstation does)');
  process.exit(1);
}
const big = JSON.parse(readFileSync(manifestPath, 'utf8'));
const bigPaths = big.files.map((f) => join(here, 'data/ct512', f));
const ctDir = join(root, 'public/samples/ct-phantom');
if (!existsSync(join(ctDir, 'manifest.json'))) {
  console.error('no CT phantom sample: run `npm run samples` first');
  process.exit(1);
}
const ctPaths = JSON.parse(readFileSync(join(ctDir, 'manifest.json'), 'utf8')).files.map((f) => join(ctDir, f));
const ctBytes = ctPaths.reduce((s, p) => s + statSync(p).size, 0);

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return undefined;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f0 = (x) => (x === undefined ? '–' : x.toFixed(0));
const f1 = (x) => (x === undefined ? '–' : x.toFixed(1));

// --- build and serve -------------------------------------------------------------------------
if (!noBuild) {
  let t = performance.now();
  await build({ configFile: appConfig, root, logLevel: 'error', build: { outDir: appDist, emptyOutDir: true } });
  console.log(`workstation: app built into ${appDist} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  await buildPage();
  console.log(`workstation: bench pages built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
if (!existsSync(join(appDist, 'index.html'))) throw new Error(`${appDist} is missing: run without --no-build`);
const appServer = await preview({ configFile: appConfig, root, logLevel: 'error', build: { outDir: appDist }, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
const appUrl = appServer.resolvedUrls?.local[0];
if (!appUrl) throw new Error('vite preview did not report a URL');
const benchServer = await servePage();
const browser = await openChromium();
const { page, errors } = browser;
page.setDefaultTimeout(timeout);
await page.addInitScript({ path: join(here, 'workstation-probe.js') });
console.log(`workstation: ${browser.executablePath} (${browser.version}); app ${appUrl}, core page ${benchServer.url}workstation.html`);

/** Opens the app with nothing loaded and puts `paths` (disk-backed Files) on a hidden input of ours. */
async function openWithFiles(paths) {
  await page.goto(`${appUrl}?sample=none`);
  await page.getByTestId('drop-target').waitFor();
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = '__bench_files';
    input.hidden = true;
    document.body.append(input); // outside React's root: the app does not see its events
  });
  await page.setInputFiles('#__bench_files', paths);
  await page.evaluate(async () => {
    // Drops the files of our input on the app; returns t0 (performance.now() right before dispatch).
    window.__benchDrop = () => {
      const dt = new DataTransfer();
      for (const f of document.getElementById('__bench_files').files) dt.items.add(f);
      const target = document.querySelector('[data-testid="drop-target"]');
      const t0 = performance.now();
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      return t0;
    };
    window.gc?.();
    await new Promise((r) => setTimeout(r, 500));
  });
}

async function loadBig() {
  await openWithFiles(bigPaths);
  const t0 = await page.evaluate(() => window.__benchDrop());
  await page.waitForFunction(() => window.__wb.status.ready !== undefined || window.__wb.status.error !== undefined, undefined, { polling: 100 });
  const failed = await page.evaluate(() => document.querySelector('[role=alert]')?.textContent);
  if (failed) throw new Error(`loading the 512 series failed: ${failed}`);
  await page.waitForFunction(() => window.__wb.sliceFirstNonBlack !== undefined, undefined, { polling: 100 });
  await page.waitForFunction(() => window.__wb.views.ready !== undefined || window.__wb.views.error !== undefined, undefined, { polling: 100 });
  await page
    .waitForFunction(() => window.__wb.axialFirstNonBlack !== undefined, undefined, { polling: 100, timeout: 30_000 })
    .catch(() => console.log('  (no non-black copy onto the axial canvas seen)'));
  const wb = await page.evaluate(() => ({ status: window.__wb.status, views: window.__wb.views, slice: window.__wb.sliceFirstNonBlack, axial: window.__wb.axialFirstNonBlack }));
  const rel = (t) => (t === undefined ? undefined : t - t0);
  return {
    scanDoneMs: rel(wb.status.loading),
    fullVolumeMs: rel(wb.status.ready),
    firstSliceImageMs: rel(wb.slice),
    viewsReadyMs: rel(wb.views.ready),
    firstAxialImageMs: rel(wb.axial),
    firstImageMs: Math.min(...[rel(wb.slice), rel(wb.axial)].filter((x) => x !== undefined)),
  };
}

/**
 * In the page: one change of a form control (native value setter + the event typing or picking
 * sends: 'input' for <input>, 'change' for <select>), timed until the views redraw.
 */
async function changeInput(selector, value) {
  return page.evaluate(
    async ({ selector, value }) => {
      const wb = window.__wb;
      const input = document.querySelector(selector);
      if (!input) throw new Error(`no ${selector}`);
      const isSelect = input instanceof HTMLSelectElement;
      const setter = Object.getOwnPropertyDescriptor(isSelect ? HTMLSelectElement.prototype : HTMLInputElement.prototype, 'value').set;
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))); // start right after a frame
      wb.resetDraws();
      const t0 = performance.now();
      setter.call(input, String(value));
      input.dispatchEvent(new Event(isSelect ? 'change' : 'input', { bubbles: true }));
      const tSync = performance.now();
      const tFrame = await new Promise((r) => requestAnimationFrame(() => r(performance.now())));
      // The MPR views: Cornerstone redraws in its own animation frames; wait until 400 ms pass without a copy.
      const deadline = performance.now() + 15_000;
      for (;;) {
        await new Promise((r) => setTimeout(r, 50));
        const last = wb.mpr.length ? wb.mpr[wb.mpr.length - 1].t : t0;
        if (performance.now() - last > 400 || performance.now() > deadline) break;
      }
      const views = ['axial', 'sagittal', 'coronal'].map((o) => wb.mpr.filter((d) => d.o === o).map((d) => d.t - t0));
      return {
        syncMs: tSync - t0,
        sliceDrawnMs: wb.slice.length ? wb.slice[0].t - t0 : undefined,
        nextFrameMs: tFrame - t0,
        mprFirstMs: views.flat().length ? Math.min(...views.flat()) : undefined,
        // Every view has its last copy: the preview shown everywhere.
        mprAllMs: views.every((v) => v.length) ? Math.max(...views.map((v) => v[v.length - 1])) : undefined,
        mprCopies: views.map((v) => v.length),
      };
    },
    { selector, value },
  );
}

// The range is changed through the Tissue presets, each a new range (and a new whole-volume
// mask): "Custom range" on a CT crashes the current app (MprView's `useModelStore((st) =>
// selectedRange(st))` returns a new object on every call for a custom range: React error #185).
const PRESETS = ['soft-tissue', 'bone', 'compact-bone-adult', 'spongial-bone-adult', 'muscle-adult', 'bone'];

async function thresholdSteps() {
  await page.waitForTimeout(1000);
  const range = [];
  for (let i = 0; i < steps; i++) range.push(await changeInput('select[aria-label="Tissue"]', PRESETS[i % PRESETS.length]));
  // The Slice slider with the tint on: SliceView alone redraws (no new range: no whole-volume mask).
  const slider = [];
  const nz = big.dimensions[2];
  for (let i = 0; i < steps; i++) slider.push(await changeInput('input[aria-label="Slice"]', Math.floor(nz / 2) + (i % 2 ? 10 : -10) + i));
  const pick = (xs, key) => median(xs.map((x) => x[key]));
  return {
    range,
    slider,
    summary: {
      rangeSyncMs: pick(range, 'syncMs'),
      rangeSliceDrawnMs: pick(range, 'sliceDrawnMs'),
      rangeNextFrameMs: pick(range, 'nextFrameMs'),
      rangeMprFirstMs: pick(range, 'mprFirstMs'),
      rangeMprAllMs: pick(range, 'mprAllMs'),
      sliderSliceDrawnMs: pick(slider, 'sliceDrawnMs'),
      sliderNextFrameMs: pick(slider, 'nextFrameMs'),
    },
  };
}

async function dropToDownload(round) {
  await openWithFiles(ctPaths);
  const tracing = trace ? await startTrace() : undefined;
  const downloadEvent = page.waitForEvent('download');
  const marks = await page.evaluate(async () => {
    const wb = window.__wb;
    const until = async (ok, what, ms = 120_000) => {
      const end = performance.now() + ms;
      while (!ok()) {
        if (document.querySelector('[role=alert]')) throw new Error(`${what}: ${document.querySelector('[role=alert]').textContent}`);
        if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const button = (text) => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === text);
    performance.mark('bench:drop');
    const t0 = window.__benchDrop();
    await until(() => wb.status.ready !== undefined && button('Create model'), 'the CT to load');
    const tissue = document.querySelector('select[aria-label="Tissue"]')?.value;
    performance.mark('bench:create');
    const tCreate = performance.now();
    button('Create model').click();
    await until(() => wb.modelStats !== undefined && button('Export'), 'the model');
    const triangles = document.querySelector('[data-testid="model-triangles"]')?.textContent;
    performance.mark('bench:export');
    const tExport = performance.now();
    button('Export').click();
    await until(() => wb.downloads.length > 0, 'the download');
    performance.mark('bench:downloaded');
    const phases = Object.fromEntries(Object.entries(wb.modelPhases).map(([k, t]) => [k, t - tCreate]));
    const views = Object.fromEntries(Object.entries(wb.views).map(([k, t]) => [k, t - t0]));
    const engine = document.querySelector('[data-testid="model-engine"]')?.textContent;
    // The app's own milestones (src/store/marks.ts), ms after the drop.
    const appMarks = Object.fromEntries(
      performance
        .getEntriesByType('mark')
        .filter((m) => m.name.startsWith('voxelprint:') && m.startTime >= t0)
        .map((m) => [m.name.slice(11), Math.round(m.startTime - t0)]),
    );
    return { appMarks, t0, scanned: wb.status.loading, ready: wb.status.ready, tCreate, stats: wb.modelStats, tExport, download: wb.downloads[0].t, file: wb.downloads[0].name, tissue, triangles, phases, views, engine };
  });
  if (tracing) await tracing.stop(join(here, 'results', `trace-ct-${new Date().toISOString().replace(/[:.]/g, '-')}-${round}.json`));
  const download = await downloadEvent;
  const bytes = statSync(await download.path()).size;
  await download.delete();
  // The same build again once the views are set up and idle: the build alone, nothing beside it.
  await page.waitForFunction(() => window.__wb.views.ready !== undefined || window.__wb.views.error !== undefined, undefined, { polling: 200 });
  await page.waitForTimeout(1000);
  const rebuildMs = await page.evaluate(async () => {
    const wb = window.__wb;
    wb.modelStats = undefined;
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Create model');
    const t = performance.now();
    button.click();
    const end = t + 120_000;
    while (wb.modelStats === undefined && performance.now() < end) await new Promise((r) => setTimeout(r, 10));
    return wb.modelStats === undefined ? undefined : wb.modelStats - t;
  });
  return {
    loadMs: marks.ready - marks.t0,
    /** Drop → headers scanned (status 'loading'), part of loadMs. */
    scanMs: marks.scanned - marks.t0,
    buildMs: marks.stats - marks.tCreate,
    exportMs: marks.download - marks.tExport,
    /** "Create model" again after the views are ready and idle (not part of the total). */
    rebuildIdleMs: rebuildMs,
    totalMs: marks.download - marks.t0,
    tissue: marks.tissue,
    triangles: marks.triangles,
    engine: marks.engine,
    /** The app's milestones (performance marks 'voxelprint:…', first of each), ms after the drop. */
    appMarksMs: marks.appMarks,
    /** Model progress phases, ms after the "Create model" click. */
    buildPhasesMs: marks.phases,
    /** The Views section's data-state changes, ms after the drop (the MPR/3D views set up meanwhile). */
    viewsMs: marks.views,
    file: marks.file,
    bytes,
  };
}

/**
 * A Chrome trace of the page (all its threads, with V8's samples) from now until `stop(file)`,
 * which writes it and prints the main thread's long tasks between the bench:* marks.
 */
async function startTrace() {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const categories = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8.execute', 'blink.user_timing', 'disabled-by-default-v8.cpu_profiler'];
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: categories, excludedCategories: ['*'] }, transferMode: 'ReportEvents' });
  return {
    async stop(file) {
      const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
      await cdp.send('Tracing.end');
      await done;
      await cdp.detach();
      writeFileSync(file, JSON.stringify({ traceEvents: events }));
      console.log(`    trace written to ${file}`);
      for (const line of summariseTrace(events)) console.log(`    ${line}`);
    },
  };
}

/** The main thread's tasks over 40 ms between the bench marks, each with its top functions by self time. */
function summariseTrace(events) {
  const threadName = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args.name);
  const marks = Object.fromEntries(events.filter((e) => e.cat === 'blink.user_timing' && e.name.startsWith('bench:')).map((e) => [e.name.slice(6), e.ts]));
  const drop = events.find((e) => e.cat === 'blink.user_timing' && e.name === 'bench:drop');
  if (!drop) return ['(no bench:drop mark in the trace)'];
  const main = `${drop.pid}:${drop.tid}`;
  // V8 samples per thread: ProfileChunk events carry nodes, samples and time deltas.
  const samples = new Map(); // thread -> [{ ts, node }]
  const nodes = new Map(); // `${pid}:${profileId}:${nodeId}` -> { name, parent }
  const clock = new Map(); // pid:profileId -> last ts
  const profiled = new Map(); // pid:profileId -> the thread it samples (chunks may come from another)
  for (const e of events) {
    if (e.name === 'Profile') {
      clock.set(`${e.pid}:${e.id}`, e.args.data.startTime);
      profiled.set(`${e.pid}:${e.id}`, `${e.pid}:${e.tid}`);
    }
    if (e.name !== 'ProfileChunk') continue;
    const key = `${e.pid}:${e.id}`;
    const thread = profiled.get(key) ?? `${e.pid}:${e.tid}`;
    const d = e.args.data;
    for (const n of d.cpuProfile?.nodes ?? []) {
      const f = n.callFrame;
      const file = f.url ? f.url.replace(/^.*\//, '').replace(/\?.*$/, '') : '';
      nodes.set(`${key}:${n.id}`, { name: `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`, parent: n.parent });
    }
    const list = samples.get(thread) ?? [];
    samples.set(thread, list);
    let t = clock.get(key) ?? 0;
    (d.cpuProfile?.samples ?? []).forEach((id, i) => {
      t += d.timeDeltas?.[i] ?? 0;
      list.push({ ts: t, node: `${key}:${id}` });
    });
    clock.set(key, t);
  }
  const ms = (us) => (us / 1000).toFixed(0);
  const rel = (ts) => ms(ts - drop.ts);
  const out = [`marks (ms after the drop): ${Object.entries(marks).map(([k, t]) => `${k} ${rel(t)}`).join(', ')}`];
  const end = marks.downloaded ?? Infinity;
  const tasks = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && e.ts >= drop.ts && e.ts <= end && e.dur > 40_000);
  const busy = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && e.ts >= drop.ts && e.ts <= end).reduce((s, e) => s + e.dur, 0);
  out.push(`main thread (${threadName.get(main)}) busy ${ms(busy)} ms of ${ms(end - drop.ts)} ms; tasks over 40 ms:`);
  const mainSamples = samples.get(main) ?? [];
  for (const task of tasks) {
    const self = new Map();
    for (const s of mainSamples) if (s.ts >= task.ts && s.ts < task.ts + task.dur) self.set(nodes.get(s.node)?.name ?? '?', (self.get(nodes.get(s.node)?.name ?? '?') ?? 0) + 1);
    const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
    const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([n, c]) => `${n} ${((100 * c) / total).toFixed(0)}%`);
    out.push(`  at ${rel(task.ts)} ms: ${ms(task.dur)} ms — ${top.join('; ')}`);
  }
  return out;
}

async function corePage() {
  await page.goto(`${benchServer.url}workstation.html?nz=400&repeats=10&sliceRepeats=50`);
  await page.waitForFunction(() => window.__wsResult !== undefined, undefined, { polling: 500 });
  const r = await page.evaluate(() => window.__wsResult);
  if (r.error) throw new Error(`core page: ${r.error}`);
  return r;
}

const results = [];
let env;
try {
  await page.goto(`${appUrl}?sample=none`);
  env = await page.evaluate(() => ({ crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency }));
  if (!env.crossOriginIsolated) throw new Error('the app page is not crossOriginIsolated');
  for (let r = 1; r <= rounds; r++) {
    console.log(`\n--- round ${r} / ${rounds} ---`);
    if (only === 'ct') {
      const ct = await dropToDownload(r);
      console.log(`  CT phantom drop → download: ${f0(ct.totalMs)} ms (load ${f0(ct.loadMs)} [scan ${f0(ct.scanMs)}] + build ${f0(ct.buildMs)} + export ${f0(ct.exportMs)}); the same build with the views idle: ${f0(ct.rebuildIdleMs)} ms`);
      console.log(`    app milestones (ms after the drop): ${Object.entries(ct.appMarksMs).map(([k, t]) => `${k} ${t}`).join(', ')}`);
      results.push({ round: r, ct });
      continue;
    }
    const load = await loadBig();
    console.log(
      `  512×512×256 drop: scan ${f0(load.scanDoneMs)} ms, full volume ${f0(load.fullVolumeMs)} ms, first slice image ${f0(load.firstSliceImageMs)} ms, ` +
        `views ready ${f0(load.viewsReadyMs)} ms, first axial image ${f0(load.firstAxialImageMs)} ms`,
    );
    const threshold = await thresholdSteps();
    const s = threshold.summary;
    console.log(
      `  range change (median of ${steps}): event ${f1(s.rangeSyncMs)} ms, slice drawn ${f1(s.rangeSliceDrawnMs)} ms, next frame ${f1(s.rangeNextFrameMs)} ms, ` +
        `MPR first copy ${f0(s.rangeMprFirstMs)} ms, all views ${f0(s.rangeMprAllMs)} ms; slice slider: drawn ${f1(s.sliderSliceDrawnMs)} ms, next frame ${f1(s.sliderNextFrameMs)} ms`,
    );
    const ct = await dropToDownload(r);
    console.log(`  CT phantom drop → download: ${f0(ct.totalMs)} ms (load ${f0(ct.loadMs)} + build ${f0(ct.buildMs)} + export ${f0(ct.exportMs)}), ${ct.file} ${(ct.bytes / 1e6).toFixed(1)} MB, ${ct.triangles} triangles`);
    console.log(`    app milestones (ms after the drop): ${Object.entries(ct.appMarksMs).map(([k, t]) => `${k} ${t}`).join(', ')}`);
    console.log(`    build phases (ms after the click): ${Object.entries(ct.buildPhasesMs).map(([k, t]) => `${k} ${f0(t)}`).join(', ')}; views ready ${f0(ct.viewsMs.ready)} ms after the drop; the same build with the views idle: ${f0(ct.rebuildIdleMs)} ms`);
    const core = await corePage();
    results.push({ round: r, load, threshold, ct, core });
  }
} finally {
  if (errors.length) console.log(`page errors/console errors (${errors.length}):\n  ${errors.slice(0, 10).join('\n  ')}`);
  await browser.close();
  await appServer.close();
  await benchServer.close();
}

const med = (f) => median(results.map(f));
const summary = {
  firstImageMs: med((r) => r.load?.firstImageMs),
  fullVolumeMs: med((r) => r.load?.fullVolumeMs),
  scanDoneMs: med((r) => r.load?.scanDoneMs),
  firstAxialImageMs: med((r) => r.load?.firstAxialImageMs),
  viewsReadyMs: med((r) => r.load?.viewsReadyMs),
  slicePreviewCoreMs: med((r) => r.core?.slice.renderPutMedianMs),
  slicePreviewAppDrawnMs: med((r) => r.threshold?.summary.rangeSliceDrawnMs),
  slicePreviewAppNextFrameMs: med((r) => r.threshold?.summary.rangeNextFrameMs),
  sliderAppDrawnMs: med((r) => r.threshold?.summary.sliderSliceDrawnMs),
  sliderAppNextFrameMs: med((r) => r.threshold?.summary.sliderNextFrameMs),
  volumePreviewCore400Ms: med((r) => r.core?.threshold.refillMedianMs),
  volumePreviewCore400FirstMs: med((r) => r.core?.threshold.firstMs),
  volumePreviewCore400FreshMs: med((r) => r.core?.threshold.freshMedianMs),
  volumePreviewApp256EventMs: med((r) => r.threshold?.summary.rangeSyncMs),
  volumePreviewApp256MprAllMs: med((r) => r.threshold?.summary.rangeMprAllMs),
  dropToDownloadMs: med((r) => r.ct.totalMs),
  ctLoadMs: med((r) => r.ct.loadMs),
  ctBuildMs: med((r) => r.ct.buildMs),
  ctExportMs: med((r) => r.ct.exportMs),
  ctRebuildIdleMs: med((r) => r.ct.rebuildIdleMs),
};
const verdict = (v, target) => (v === undefined ? 'n/a' : v <= target ? 'met' : 'NOT met');
const targets = [
  ['first image (512×512×256 drop → first non-black slice)', summary.firstImageMs, TARGETS.firstImageMs],
  ['slice threshold preview (renderSlice + putImageData, core)', summary.slicePreviewCoreMs, TARGETS.slicePreviewMs],
  ['slice threshold preview in the app (range change → next frame)', summary.slicePreviewAppNextFrameMs, TARGETS.slicePreviewMs],
  ['whole-volume threshold 512×512×400 (thresholdMask refill, core)', summary.volumePreviewCore400Ms, TARGETS.volumePreviewMs],
  ['drop-to-download, CT phantom', summary.dropToDownloadMs, TARGETS.dropToDownloadMs],
].map(([what, ms, target]) => ({ what, ms, target, met: ms !== undefined && ms <= target }));

console.log(`\nMedians of ${results.length} rounds (Chromium ${browser.version}, ${env?.hardwareConcurrency} cores, crossOriginIsolated=${env?.crossOriginIsolated}):`);
for (const [k, v] of Object.entries(summary)) console.log(`  ${k.padEnd(30)} ${f1(v).padStart(8)} ms`);
console.log('\nTargets (issue 5):');
for (const t of targets) console.log(`  ${t.what.padEnd(68)} ${f0(t.ms).padStart(6)} ms  ≤ ${t.target} ms: ${verdict(t.ms, t.target)}`);

// The app is built from the work tree: record which commit, and the files under src/ that differ from it.
const git = (...a) => {
  try {
    return execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
};
const out = {
  date: new Date().toISOString(),
  app: { commit: git('rev-parse', 'HEAD'), uncommittedUnderSrc: git('status', '--porcelain', '--', 'src')?.split('\n').filter(Boolean) },
  machine: { node: process.version, platform: process.platform, arch: process.arch, browser: browser.version, ...env },
  series: { dimensions: big.dimensions, files: big.files.length, bytes: big.bytes, ctPhantom: { files: ctPaths.length, bytes: ctBytes } },
  options: { rounds, steps },
  rounds: results,
  summary,
  targets,
};
const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const file = resolve(resultsDir, `workstation-${out.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
console.log(`results written to ${file}`);
