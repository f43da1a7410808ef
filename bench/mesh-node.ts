/**
 * One mesher on one volume in this Node process: the unit bench/mesh-bench.mjs runs in a fresh
 * process per (volume, engine), so "cold" is really cold (JIT, WASM compile, first-touch memory)
 * and each process's memory belongs to one engine.
 *
 * Steps: read bench/data/mesh/<volume>.i16 (built by bench/mesh-volumes.ts) into a
 * SharedArrayBuffer, build the labelmap with `thresholdMask` into another one (not timed; every
 * engine gets the same one), then 1 cold run (engine init + first call) and N warm runs, gc()
 * before each.
 *
 * Memory per run: the kernel's peak-RSS counter (VmHWM in /proc/self/status), reset just before
 * the run by writing 5 to /proc/self/clear_refs, so the peak is exact even though the meshers
 * block the event loop (a timer-based sampler would see nothing). Reported with the process RSS
 * before the volume was read (baseline: Node + the modules) and right before the run (baseline +
 * volume + labelmap + leftovers). `arrayBuffers` is process.memoryUsage() right after the run,
 * with the result still alive.
 *
 * Run: node --expose-gc --import tsx bench/mesh-node.ts --volume ct-phantom --engine ours [--warm 3] [--json out.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import polysegLauncher from '@icr/polyseg-wasm/js';
import { thresholdMask } from '../src/core/segmentation/threshold';
import { ENGINE_IDS, countInside, gridBbox, makeEngines } from './mesh-engines';
import type { Bbox, EngineId, EngineOutput, MeshCell, MeshRun, PolysegModule } from './mesh-engines';
import { VOLUME_NAMES, readMeshVolume } from './mesh-volumes';
import type { VolumeName } from './mesh-volumes';

const require = createRequire(import.meta.url);
const MB = 1024 * 1024;

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const status = (): string => readFileSync('/proc/self/status', 'utf8');
const statusMB = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status())?.[1] ?? NaN) / 1024;

/** Resets VmHWM; false where /proc/self/clear_refs is not writable (then peaks are not measured). */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function loadPolysegNode(): Promise<PolysegModule> {
  const wasmBinary = readFileSync(require.resolve('@icr/polyseg-wasm/wasm'));
  // The module prints progress with console.log; keep stdout for the result.
  const quiet = (text: string): void => void process.stderr.write(process.env.MESH_BENCH_VERBOSE ? `${text}\n` : '');
  return (await polysegLauncher({ wasmBinary, print: quiet, printErr: quiet })) as PolysegModule;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function main(): Promise<void> {
  const volumeName = arg('--volume') as VolumeName;
  const engineId = arg('--engine') as EngineId;
  const warmRuns = Number(arg('--warm') ?? 3);
  const jsonOut = arg('--json');
  if (!VOLUME_NAMES.includes(volumeName)) throw new Error(`--volume is one of ${VOLUME_NAMES.join(', ')}`);
  if (!ENGINE_IDS.includes(engineId)) throw new Error(`--engine is one of ${ENGINE_IDS.join(', ')}`);

  gc();
  const baselineMB = statusMB('VmRSS');
  const { meta, volume } = readMeshVolume(volumeName);
  const mask = thresholdMask(volume.voxels, meta.range, new Uint8Array(new SharedArrayBuffer(volume.voxels.length)));
  const input = { volume, range: meta.range, mask };
  const engine = makeEngines(loadPolysegNode)[engineId];
  let memoryMethod = 'VmHWM after clear_refs (peak RSS of the process)';

  const runs: MeshRun[] = [];
  let first: { triangles: number; vertices: number; bbox: Bbox } | undefined;
  let stable = true;
  for (let r = 0; r <= warmRuns; r++) {
    gc();
    gc();
    const beforeMB = statusMB('VmRSS');
    if (!resetPeak()) memoryMethod = 'none (clear_refs not writable): peak is the process lifetime VmHWM';
    const t0 = performance.now();
    if (r === 0) await engine.init();
    const t1 = performance.now();
    let out: EngineOutput | undefined = await engine.run(input);
    const t2 = performance.now();
    const peakMB = statusMB('VmHWM');
    const arrayBuffersMB = process.memoryUsage().arrayBuffers / MB;
    if (!first) first = { triangles: out.triangles, vertices: out.vertices, bbox: gridBbox(out, volume) };
    else if (out.triangles !== first.triangles) stable = false;
    out = undefined;
    runs.push({ ms: t2 - t0, initMs: t1 - t0, callMs: t2 - t1, peakMB, beforeMB, arrayBuffersMB });
    process.stderr.write(`  node ${volumeName} ${engineId} ${r === 0 ? 'cold' : `warm ${r}`}: ${(t2 - t0).toFixed(0)} ms, peak ${peakMB.toFixed(0)} MB\n`);
  }
  if (!first) throw new Error('no run');
  const cell: MeshCell = {
    env: `node ${process.version}`,
    volume: volumeName,
    engine: engineId,
    label: engine.label,
    voxels: volume.voxels.length,
    insideVoxels: countInside(mask),
    inputMB: (volume.voxels.byteLength + mask.byteLength) / MB,
    baselineMB,
    memoryMethod,
    triangles: first.triangles,
    vertices: first.vertices,
    bboxGridMm: first.bbox,
    stable,
    cold: runs[0],
    warm: runs.slice(1),
  };
  const text = JSON.stringify(cell);
  if (jsonOut) writeFileSync(jsonOut, text);
  else console.log(text);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
