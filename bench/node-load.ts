/**
 * Node load benchmark: listInputFiles + scanFiles + loadVolume of bench/data/ct512 (the same
 * calls as `voxelprint volume`), in this process: one cold run (first run in a fresh process:
 * JIT cold, nothing cached in-process; the OS page cache is warm because the series was just
 * written or read) and warm repeats. Reports ms, MB/s, slices/s, peak RSS and ArrayBuffer
 * memory, split into list / scan / load.
 *
 * Reference (lower bound for "read + parse + copy every pixel"): plain dicom-parser on every
 * file and a copy of its PixelData into one Int16 volume, unsorted, no rescale, no checks.
 *
 * Peer: Cornerstone3D's loader cannot run in Node (dicom-image-loader needs `window`,
 * `document`, Web Workers and a WebGL-capable init), so the peer comparison is in the browser
 * benchmark only (bench/browser-load.mjs).
 *
 * Run: npx tsx bench/node-load.ts [--repeats N] [--json out.json]
 * Prints a table and, with --json, writes the numbers for bench/run.mjs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as dicomParserModule from 'dicom-parser';
import { listInputFiles, nodeCodecs } from '../src/cli/nodeIo';
import { loadVolume, scanFiles } from '../src/core/dicom/load';
import { SERIES_DIR, readManifest } from './make-series';

type DicomParserApi = typeof dicomParserModule;
const dicomParser: DicomParserApi = (dicomParserModule as unknown as { default?: DicomParserApi }).default ?? dicomParserModule;

interface Run {
  readonly label: string;
  readonly listMs: number;
  readonly scanMs: number;
  readonly loadMs: number;
  readonly totalMs: number;
  readonly rssMB: number;
  readonly arrayBuffersMB: number;
  readonly check: number;
}

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const repeats = Number(arg('--repeats') ?? 3);
const jsonOut = arg('--json');
const MB = 1024 * 1024;

/** Samples memory every few ms while a run is in progress (peaks of this run, not the process). */
function memorySampler(): { stop: () => { rssMB: number; arrayBuffersMB: number } } {
  let rss = 0;
  let ab = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    ab = Math.max(ab, m.arrayBuffers);
  };
  sample();
  const t = setInterval(sample, 5);
  return {
    stop: () => {
      clearInterval(t);
      sample();
      return { rssMB: rss / MB, arrayBuffersMB: ab / MB };
    },
  };
}

/** Sum of a sample of voxels, so the work cannot be optimised away and runs can be compared. */
function checksum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i += 997) s += a[i];
  return s;
}

async function ours(label: string): Promise<Run> {
  const mem = memorySampler();
  const t0 = performance.now();
  const files = await listInputFiles(SERIES_DIR);
  const t1 = performance.now();
  const scan = await scanFiles(files);
  const t2 = performance.now();
  const volume = await loadVolume(files, scan, undefined, nodeCodecs());
  const t3 = performance.now();
  const m = mem.stop();
  const [nx, ny, nz] = volume.dimensions;
  if (nx * ny * nz !== volume.voxels.length) throw new Error('volume size mismatch');
  return { label, listMs: t1 - t0, scanMs: t2 - t1, loadMs: t3 - t2, totalMs: t3 - t0, ...m, check: checksum(volume.voxels) };
}

/** dicom-parser on every file + copy of PixelData into one buffer (no sort, no rescale). */
async function dicomParserReference(label: string, names: readonly string[], sliceBytes: number): Promise<Run> {
  const mem = memorySampler();
  const t0 = performance.now();
  const out = new Int16Array((names.length * sliceBytes) / 2);
  const outBytes = new Uint8Array(out.buffer);
  let o = 0;
  for (const name of names) {
    const b = await readFile(`${SERIES_DIR}/${name}`);
    const ds = dicomParser.parseDicom(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    const el = ds.elements.x7fe00010;
    outBytes.set(ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length), o);
    o += el.length;
  }
  const t1 = performance.now();
  const m = mem.stop();
  return { label, listMs: 0, scanMs: 0, loadMs: t1 - t0, totalMs: t1 - t0, ...m, check: checksum(out) };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const manifest = readManifest();
  if (!manifest) throw new Error(`no benchmark series in ${SERIES_DIR}: run npx tsx bench/make-series.ts`);
  const [nx, ny, nz] = manifest.dimensions;
  const fileMB = manifest.bytes / 1e6;
  const runs: Run[] = [];
  runs.push(await ours('ours cold'));
  for (let r = 1; r <= repeats; r++) runs.push(await ours(`ours warm ${r}`));
  const refs: Run[] = [];
  for (let r = 1; r <= repeats; r++) refs.push(await dicomParserReference(`dicom-parser ref ${r}`, manifest.files, nx * ny * 2));

  const fmt = (x: number, d = 0): string => x.toFixed(d).padStart(8);
  console.log(`\nNode ${process.version}, ${nx}×${ny}×${nz} int16 CT, ${manifest.files.length} files, ${fileMB.toFixed(1)} MB (files in OS page cache)`);
  console.log('run                   list ms  scan ms  load ms total ms     MB/s slices/s  peakRSS MB  arrayBuf MB');
  for (const r of [...runs, ...refs]) {
    console.log(
      `${r.label.padEnd(20)}${fmt(r.listMs)} ${fmt(r.scanMs)} ${fmt(r.loadMs)} ${fmt(r.totalMs)} ${fmt(fileMB / (r.totalMs / 1000))} ${fmt(nz / (r.totalMs / 1000))} ${fmt(r.rssMB).padStart(11)} ${fmt(r.arrayBuffersMB).padStart(12)}`,
    );
  }
  const warm = runs.slice(1).map((r) => r.totalMs);
  const refMedian = median(refs.map((r) => r.totalMs));
  console.log(
    `ours: cold ${runs[0].totalMs.toFixed(0)} ms, warm median ${median(warm).toFixed(0)} ms; dicom-parser+copy reference median ${refMedian.toFixed(0)} ms ` +
      `(ours / reference = ${(median(warm) / refMedian).toFixed(2)}×)`,
  );
  if (new Set(runs.map((r) => r.check)).size !== 1) console.log('WARNING: our runs produced different volumes (checksums differ)');
  console.log(
    'peer: Cornerstone3D (dicom-image-loader + streaming volume loader) needs a DOM, Web Workers and WebGL init; it does not run in Node. ' +
      'It is measured in the browser benchmark (bench/browser-load.mjs).',
  );
  console.log(`peak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  if (jsonOut) {
    await writeFile(
      jsonOut,
      JSON.stringify(
        {
          node: process.version,
          dimensions: manifest.dimensions,
          files: manifest.files.length,
          bytes: manifest.bytes,
          runs,
          reference: refs,
          summary: { coldMs: runs[0].totalMs, warmMedianMs: median(warm), referenceMedianMs: refMedian },
          peer: 'Cornerstone3D cannot run in Node (needs DOM, Web Workers, WebGL init); see the browser results',
          peakRssMB: process.resourceUsage().maxRSS / 1024,
        },
        null,
        1,
      ),
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
