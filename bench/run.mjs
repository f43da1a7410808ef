// `npm run bench`: the DICOM load benchmark, in sequence (nothing runs in parallel: 2 cores).
//  1. bench/make-series.ts  — the 512×512×256 CT series in bench/data/ct512 (skipped when present)
//  2. bench/node-load.ts    — ours in Node (cold + warm), dicom-parser+copy reference
//  3. bench/browser-load.mjs — ours vs Cornerstone3D in headless Chromium, same page, alternating;
//                             writes bench/results/load-<date>.json with the Node numbers merged in
// Extra arguments go to browser-load.mjs (e.g. --rounds 5, --source disk, --cs-workers 1).
//
// `npm run bench -- mesh [...]` (= `node bench/run.mjs mesh [...]`) runs the meshing benchmark
// instead: bench/mesh-bench.mjs, with the remaining arguments (e.g. --512, --node-only).
//
// `npm run bench -- workstation [...]` runs the workstation benchmark (issue 5): make-series (as
// above), then bench/workstation-browser.mjs with the remaining arguments (e.g. --rounds 5).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const tsx = join(root, 'node_modules/.bin/tsx');

if (process.argv[2] === 'mesh') {
  const r = spawnSync(process.execPath, [join(here, 'mesh-bench.mjs'), ...process.argv.slice(3)], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
if (process.argv[2] === 'effects') process.exit(spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, 'effects.ts'), ...process.argv.slice(3)], { cwd: root, stdio: 'inherit' }).status ?? 1); // issue 6: bench/effects.ts (+ effects_peer.py)
if (process.argv[2] === 'workstation') {
  for (const [script, args] of [
    [tsx, [join(here, 'make-series.ts')]],
    [process.execPath, [join(here, 'workstation-browser.mjs'), ...process.argv.slice(3)]],
  ]) {
    const r = spawnSync(script, args, { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  process.exit(0);
}
mkdirSync(join(here, 'results'), { recursive: true });
const nodeJson = join(here, 'results', 'node-latest.json');

function step(title, cmd, args) {
  console.log(`\n=== ${title} ===`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${title} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

step('make-series', tsx, [join(here, 'make-series.ts')]);
step('node-load', tsx, [join(here, 'node-load.ts'), '--json', nodeJson]);
step('browser-load', process.execPath, [join(here, 'browser-load.mjs'), '--node', nodeJson, ...process.argv.slice(2)]);
