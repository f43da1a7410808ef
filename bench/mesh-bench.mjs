// Meshing benchmark (issue 4, "Benchmark"): our mesher (bench/mesh-ours.ts) vs vtk.js
// ImageMarchingCubes (labelmap at 0.5, and HU field at range.lo) vs @icr/polyseg-wasm, on the
// same volumes, in Node and in a Chromium Web Worker, cold and warm. Not a test: it never fails
// on time, only when something breaks. Steps, in sequence (2 cores: nothing in parallel):
//   1. bench/mesh-volumes.ts: the volumes as raw int16 in bench/data/mesh/ (reused when present)
//   2. bench/mesh-node.ts: one fresh Node process per (volume, engine): cold + warm runs
//   3. bench/mesh-browser.mjs: one fresh Web Worker per (volume, engine) in headless Chromium
//   4. prints markdown tables and writes bench/results/mesh-<date>.json and .md
//
// Usage: node bench/mesh-bench.mjs [--512] [--volumes a,b] [--engines ours,vtk-labelmap,vtk-hu,polyseg]
//          [--warm 3] [--warm512 2] [--node-only | --browser-only] [--no-build]
//   (also: node bench/run.mjs mesh ..., npm run bench -- mesh ...)
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBrowser } from './mesh-browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const ALL_ENGINES = ['ours', 'vtk-labelmap', 'vtk-hu', 'polyseg'];
const with512 = argv.includes('--512');
const volumes = opt('--volumes', ['ct-phantom', 'mri-colin27', ...(with512 ? ['ct-phantom-512'] : [])].join(',')).split(',');
const engines = opt('--engines', ALL_ENGINES.join(',')).split(',');
const warm = Number(opt('--warm', 3));
const warm512 = Number(opt('--warm512', 2));
const doNode = !argv.includes('--browser-only');
const doBrowser = !argv.includes('--node-only');
for (const e of engines) if (!ALL_ENGINES.includes(e)) throw new Error(`unknown engine ${e} (${ALL_ENGINES.join(', ')})`);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} failed (exit ${r.status ?? r.signal})`);
}

// 1. Volumes.
console.log('=== mesh volumes ===');
run(process.execPath, ['--import', 'tsx', join(here, 'mesh-volumes.ts'), ...(volumes.includes('ct-phantom-512') ? ['--512'] : [])]);
const metas = Object.fromEntries(volumes.map((v) => [v, JSON.parse(readFileSync(join(here, 'data/mesh', `${v}.json`), 'utf8'))]));

// 2. Node: a fresh process per (volume, engine).
const cells = [];
if (doNode) {
  console.log('\n=== Node: one process per volume × engine ===');
  const tmp = mkdtempSync(join(tmpdir(), 'voxelprint-mesh-'));
  try {
    for (const volume of volumes)
      for (const engine of engines) {
        const out = join(tmp, `${volume}-${engine}.json`);
        const n = volume.endsWith('-512') ? warm512 : warm;
        run(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', join(here, 'mesh-node.ts'), '--volume', volume, '--engine', engine, '--warm', String(n), '--json', out]);
        cells.push(JSON.parse(readFileSync(out, 'utf8')));
      }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// 3. Browser.
let browser;
if (doBrowser) {
  console.log('\n=== Chromium: one Web Worker per volume × engine ===');
  browser = await runBrowser({ volumes, engines, warm, warm512, build: !argv.includes('--no-build') });
  cells.push(...browser.cells);
}

// 4. Report.
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const int = (x) => x.toLocaleString('en-US');

function summarise(c) {
  const warmMs = median(c.warm.map((r) => r.ms));
  const all = [c.cold, ...c.warm];
  const peakAbove = Math.max(...all.map((r) => r.peakMB - c.baselineMB));
  const peakOverRun = Math.max(...all.map((r) => r.peakMB - r.beforeMB));
  return { ...c, warmMs, coldMs: c.cold.ms, initMs: c.cold.initMs, mvoxPerS: c.voxels / warmMs / 1000, peakAboveBaselineMB: peakAbove, peakOverInputsMB: peakOverRun, peakPerInput: peakAbove / c.inputMB };
}

const summaries = cells.map(summarise);
const envs = [...new Set(summaries.map((s) => s.env))];
const lines = [];
const out = (s = '') => lines.push(s);
const date = new Date().toISOString();
out(`# Meshing benchmark, ${date}`);
out();
out(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}${browser ? `, Chromium ${browser.browserVersion} headless (crossOriginIsolated=${browser.crossOriginIsolated})` : ''}.`);
out(`Ours = ${summaries.find((s) => s.engine === 'ours')?.label ?? '(not run)'}.`);
out(`Warm = median of ${warm} runs (${warm512} at 512³) after the cold run, in the same process / worker; cold = first call in a fresh process / worker, engine init included.`);
out('Peak = highest RSS during any run (cold or warm) minus the RSS before the volume was loaded, with the runtime and modules already up (Node: the process; Chromium: the renderer processes, worker started). Input = volume (int16) + labelmap (uint8). Run extra = highest (peak during a run − RSS just before it): what the mesher itself adds.');
out();
for (const v of volumes) {
  const m = metas[v];
  out(`- **${v}**: ${m.description}; ${m.dimensions.join('×')} = ${int(m.dimensions[0] * m.dimensions[1] * m.dimensions[2])} voxels, ${m.spacingMm.map((s) => s.toFixed(3)).join('×')} mm; ${m.rangeLabel}: ${int(m.insideVoxels)} voxels inside.`);
}
out();

const targets = [];
for (const env of envs) {
  for (const v of volumes) {
    const rows = summaries.filter((s) => s.env === env && s.volume === v);
    if (!rows.length) continue;
    const ours = rows.find((s) => s.engine === 'ours');
    const tol = 2 * Math.max(...metas[v].spacingMm);
    out(`### ${env}: ${v} (${metas[v].dimensions.join('×')}, ${metas[v].rangeLabel})`);
    out();
    out('| engine | cold ms | warm ms | Mvox/s | triangles | vertices | peak MB | peak / input | run extra MB | bbox Δ vs ours (mm) | sane |');
    out('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const s of rows) {
      const bboxDelta = ours
        ? Math.max(...[0, 1, 2].flatMap((a) => [Math.abs(s.bboxGridMm.min[a] - ours.bboxGridMm.min[a]), Math.abs(s.bboxGridMm.max[a] - ours.bboxGridMm.max[a])]))
        : NaN;
      s.bboxDeltaMm = bboxDelta;
      s.sane = s.triangles > 0 && s.stable && (!ours || bboxDelta <= tol);
      out(
        `| ${s.engine} | ${f0(s.coldMs)}${s.initMs > 1 ? ` (init ${f0(s.initMs)})` : ''} | ${f0(s.warmMs)} | ${f1(s.mvoxPerS)} | ${int(s.triangles)} | ${int(s.vertices)} | ${f0(s.peakAboveBaselineMB)} | ${f2(s.peakPerInput)} | ${f0(s.peakOverInputsMB)} | ${f2(bboxDelta)} | ${s.sane ? 'yes' : 'NO'} |`,
      );
    }
    out();
    out(`Input ${f0(rows[0].inputMB)} MB. Sane = triangles > 0, same count every run, bbox within ${f2(tol)} mm (2 × largest spacing) of ours.`);
    if (ours) {
      for (const s of rows.filter((r) => r.engine !== 'ours')) {
        const r = ours.warmMs / s.warmMs;
        out(`- ours vs ${s.engine}: warm ${f0(ours.warmMs)} / ${f0(s.warmMs)} ms = ${f2(r)} (${r <= 1 ? `ours ${f1(1 / r)}× faster` : `ours ${f1(r)}× slower`}); cold ${f2(ours.coldMs / s.coldMs)}.`);
      }
      for (const peer of ['vtk-labelmap', 'vtk-hu']) {
        const p = rows.find((r) => r.engine === peer);
        if (p) targets.push({ target: `≤ 1/25 of vtk.js (${peer}, warm)`, env, volume: v, value: `${f0(ours.warmMs)} ms = 1/${f1(p.warmMs / ours.warmMs)} of ${f0(p.warmMs)} ms`, met: ours.warmMs * 25 <= p.warmMs });
      }
      if (v.endsWith('-512')) {
        const browserEnv = env.startsWith('chromium');
        targets.push({
          target: browserEnv ? '512³ ≤ 0.5 s warm in the browser' : 'no slower than native VTK warm (0.5 s at 512³, the issue\'s figure; native VTK is not installed here)',
          env,
          volume: v,
          value: `${f0(ours.warmMs)} ms`,
          met: ours.warmMs <= 500,
        });
      }
      targets.push({ target: 'peak memory ≤ 2× (volume + labelmap)', env, volume: v, value: `${f0(ours.peakAboveBaselineMB)} MB = ${f2(ours.peakPerInput)}× of ${f0(ours.inputMB)} MB`, met: ours.peakPerInput <= 2 });
    }
    out();
  }
}
if (targets.length) {
  out('### Targets (issue 4) for ours');
  out();
  out('| target | env | volume | ours | met |');
  out('| --- | --- | --- | --- | --- |');
  for (const t of targets) out(`| ${t.target} | ${t.env} | ${t.volume} | ${t.value} | ${t.met ? 'met' : 'NOT met'} |`);
  out();
}
out('Engines:');
for (const e of engines) out(`- ${e}: ${summaries.find((s) => s.engine === e)?.label ?? ''}`);
const memoryMethods = [...new Set(summaries.map((s) => `${s.env.split(' ')[0]}: ${s.memoryMethod}`))];
out(`Memory measured by: ${memoryMethods.join('; ')}.`);
const ua = summaries.filter((s) => s.uaMemory && 'workerMB' in s.uaMemory);
if (ua.length) out(`Chromium measureUserAgentSpecificMemory() for the worker after its last run (JS heap + ArrayBuffers; WebAssembly memory is not in it): ${ua.map((s) => `${s.volume}/${s.engine} ${f0(s.uaMemory.workerMB)} MB`).join(', ')}.`);

const text = lines.join('\n');
console.log(`\n${text}`);
const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const stem = join(resultsDir, `mesh-${date.replace(/[:.]/g, '-')}`);
writeFileSync(`${stem}.md`, `${text}\n`);
writeFileSync(
  `${stem}.json`,
  `${JSON.stringify({ date, machine: { node: process.version, cpus: cpus().length, model: cpus()[0]?.model }, options: { volumes, engines, warm, warm512 }, volumes: metas, browser: browser && { version: browser.browserVersion, crossOriginIsolated: browser.crossOriginIsolated, hardwareConcurrency: browser.hardwareConcurrency }, cells: summaries, targets }, null, 1)}\n`,
);
console.log(`\nresults written to ${stem}.json and .md`);
