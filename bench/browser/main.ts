/**
 * Browser load benchmark page. Fetches the benchmark series (bench/data/ct512, served under
 * /data/) into File objects BEFORE any timing, then runs, alternating and repeated:
 *
 *  a) ours: DicomWorkerPool (one per page, like Cornerstone's workers; ?freshPool=1 makes a new
 *     one inside every timed run) → pool.scan(sources) → pool.load(scan) → complete Volume;
 *  b) Cornerstone3D's local-file path: fileManager.add(file) → imageId; file.arrayBuffer() +
 *     utilities.addDicomPart10Instance(imageId, buffer) (metadata); sort by
 *     ImagePositionPatient along the normal; volumeLoader.createAndCacheVolume(id, {imageIds})
 *     (streaming volume loader) → volume.load() until every frame is loaded.
 *
 * After each round both volumes are compared voxel by voxel (sampled through patient
 * coordinates, and in full when the grids coincide). Results go to window.__benchResult.
 *
 * Query: ?rounds=3&series=ct512&source=fetch|disk&csWorkers=<n>&freshPool=1 (Cornerstone decode workers; default
 * navigator.hardwareConcurrency, the same number of workers our pool uses).
 */
import {
  Enums as csEnums,
  cache,
  cornerstoneStreamingImageVolumeLoader,
  eventTarget,
  init as csInit,
  metaData as csMetaData,
  volumeLoader,
} from '@cornerstonejs/core';
import type { Types as csTypes } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import { Enums as mdEnums, metaData as mdMetaData, utilities as mdUtilities } from '@cornerstonejs/metadata';
import { DicomWorkerPool } from '../../src/workers/dicomClient';
import type { SourceRef } from '../../src/workers/dicomProtocol';
import type { Volume } from '../../src/core/volume/volume';
import { ijkToLps } from '../../src/core/volume/volume';
import type { Vec3 } from '../../src/core/geometry/vec3';
import { rng } from '../../test/helpers/syntheticSeries';

const params = new URLSearchParams(location.search);
const ROUNDS = Number(params.get('rounds') ?? 3);
const SERIES = params.get('series') ?? 'ct512';
const CS_WORKERS = Number(params.get('csWorkers') ?? navigator.hardwareConcurrency ?? 2);
const SOURCE = params.get('source') ?? 'fetch';
/** 1: a new DicomWorkerPool (new workers) inside every timed run; default: one pool for the page, like Cornerstone's workers. */
const FRESH_POOL = params.get('freshPool') === '1';
const SAMPLES = 2000;

const logEl = document.getElementById('log') as HTMLPreElement;
function log(msg: string): void {
  console.log(`[bench] ${msg}`);
  logEl.textContent += `${msg}\n`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function settle(): Promise<void> {
  gc();
  await sleep(300);
  gc();
  await sleep(200);
}

// ---------------------------------------------------------------------------------------------
// Input

interface Manifest {
  readonly dimensions: [number, number, number];
  readonly files: string[];
  readonly bytes: number;
}

async function fetchSeries(): Promise<{ manifest: Manifest; files: File[] }> {
  const manifest = (await (await fetch(`/data/${SERIES}.json`)).json()) as Manifest;
  if (SOURCE === 'disk') {
    // The driver sets the files on the <input type=file> (disk-backed File objects).
    const input = document.getElementById('files') as HTMLInputElement;
    (window as unknown as { __benchReadyForFiles: boolean }).__benchReadyForFiles = true;
    while (!input.files || input.files.length < manifest.files.length) await sleep(100);
    const byName = new Map([...input.files].map((f) => [f.name, f]));
    return { manifest, files: manifest.files.map((n) => byName.get(n) as File) };
  }
  const files = await Promise.all(
    manifest.files.map(async (name) => {
      const r = await fetch(`/data/${SERIES}/${name}`);
      if (!r.ok) throw new Error(`HTTP ${r.status} for ${name}`);
      return new File([await r.blob()], name, { type: 'application/dicom' });
    }),
  );
  return { manifest, files };
}

// ---------------------------------------------------------------------------------------------
// a) ours

interface OursRun {
  readonly totalMs: number;
  /** pool.scan (workers read and parse every file; with ?freshPool=1 also new DicomWorkerPool() and worker start-up). */
  readonly scanMs: number;
  /** pool.load: decode in workers, transfer, assemble on the main thread. */
  readonly loadMs: number;
  /** From the start of pool.load to the first decoded slice in the assembler. */
  readonly firstSliceMs: number;
  readonly poolSize: number;
}

// Created once, like Cornerstone's decode workers (both start their workers lazily, on first use).
let sharedPool: DicomWorkerPool | undefined;

async function runOurs(files: readonly File[]): Promise<{ run: OursRun; volume: Volume }> {
  const sources: SourceRef[] = files.map((file) => ({ kind: 'file', name: file.name, file }));
  const t0 = performance.now();
  const pool = FRESH_POOL ? new DicomWorkerPool() : (sharedPool ??= new DicomWorkerPool());
  const scan = await pool.scan(sources);
  const t1 = performance.now();
  let firstSlice = 0;
  const volume = await pool.load(scan, undefined, sources, {
    onProgress: () => {
      if (!firstSlice) firstSlice = performance.now();
    },
  });
  const t2 = performance.now();
  const poolSize = (pool as unknown as { size: number }).size;
  if (FRESH_POOL) pool.dispose();
  return { run: { totalMs: t2 - t0, scanMs: t1 - t0, loadMs: t2 - t1, firstSliceMs: firstSlice - t1, poolSize }, volume };
}

// ---------------------------------------------------------------------------------------------
// b) Cornerstone3D

let csReady = false;
function initCornerstone(): void {
  if (csReady) return;
  csInit();
  dicomImageLoader.init({ maxWebWorkers: CS_WORKERS });
  volumeLoader.registerVolumeLoader('cornerstoneStreamingImageVolume', cornerstoneStreamingImageVolumeLoader as unknown as Parameters<typeof volumeLoader.registerVolumeLoader>[1]);
  csReady = true;
}

interface CsRun {
  readonly totalMs: number;
  /** fileManager.add + file.arrayBuffer() for every file. */
  readonly readMs: number;
  /** addDicomPart10Instance for every file (metadata parse on the main thread). */
  readonly part10Ms: number;
  /** imagePlaneModule lookups + sort along the normal. */
  readonly sortMs: number;
  /** createAndCacheVolume (volume props from metadata, allocation). */
  readonly createMs: number;
  /** volume.load() until every frame is decoded (workers) and in the volume. */
  readonly loadMs: number;
  readonly framesLoaded: number;
  readonly loadErrors: number;
  readonly dataType: string;
}

const cross = (a: ArrayLike<number>, b: ArrayLike<number>): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

let csVolumeCounter = 0;

async function runCornerstone(files: readonly File[]): Promise<{ run: CsRun; volume: csTypes.IImageVolume; imageIds: string[] }> {
  let loadErrors = 0;
  const onError = (): void => {
    loadErrors++;
  };
  eventTarget.addEventListener(csEnums.Events.IMAGE_LOAD_ERROR, onError);
  const t0 = performance.now();
  const imageIds = files.map((f) => dicomImageLoader.wadouri.fileManager.add(f));
  const buffers = await Promise.all(files.map((f) => f.arrayBuffer()));
  const t1 = performance.now();
  for (let i = 0; i < imageIds.length; i++) await mdUtilities.addDicomPart10Instance(imageIds[i], buffers[i]);
  const t2 = performance.now();
  const keyed = imageIds.map((id) => {
    const plane = csMetaData.get('imagePlaneModule', id) as { imagePositionPatient: number[]; rowCosines: number[]; columnCosines: number[] };
    const normal = cross(plane.rowCosines, plane.columnCosines);
    return { id, d: dot(plane.imagePositionPatient, normal) };
  });
  keyed.sort((a, b) => a.d - b.d);
  const sorted = keyed.map((x) => x.id);
  const t3 = performance.now();
  const volumeId = `cornerstoneStreamingImageVolume:bench-${++csVolumeCounter}`;
  const volume = (await volumeLoader.createAndCacheVolume(volumeId, { imageIds: sorted })) as csTypes.IImageVolume & {
    load: (cb?: (evt: unknown) => void) => void;
    loadStatus: { loaded: boolean };
    framesLoaded?: number;
  };
  const t4 = performance.now();
  await new Promise<void>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      eventTarget.removeEventListener(csEnums.Events.IMAGE_VOLUME_LOADING_COMPLETED, onCompleted);
      resolve();
    };
    const onCompleted = (evt: Event): void => {
      if ((evt as CustomEvent<{ volumeId: string }>).detail?.volumeId === volumeId) finish();
    };
    eventTarget.addEventListener(csEnums.Events.IMAGE_VOLUME_LOADING_COMPLETED, onCompleted);
    volume.load(() => finish());
    if (volume.loadStatus.loaded) finish();
  });
  const t5 = performance.now();
  eventTarget.removeEventListener(csEnums.Events.IMAGE_LOAD_ERROR, onError);
  return {
    run: {
      totalMs: t5 - t0,
      readMs: t1 - t0,
      part10Ms: t2 - t1,
      sortMs: t3 - t2,
      createMs: t4 - t3,
      loadMs: t5 - t4,
      framesLoaded: volume.framesLoaded ?? -1,
      loadErrors,
      dataType: String((volume as unknown as { dataType?: string }).dataType ?? volume.voxelManager?.getConstructor?.()?.name ?? '?'),
    },
    volume,
    imageIds,
  };
}

function cleanupCornerstone(imageIds: readonly string[]): void {
  cache.purgeCache();
  for (const id of imageIds) {
    mdMetaData.clearQuery(mdEnums.MetadataModules.NATURALIZED, id);
    dicomImageLoader.wadouri.fileManager.remove(Number(id.slice('dicomfile:'.length)));
  }
}

// ---------------------------------------------------------------------------------------------
// Cross-check: same voxels?

interface Verify {
  readonly sampled: number;
  readonly sampledMismatches: number;
  readonly outsideCsGrid: number;
  readonly sameGrid: boolean;
  /** Every voxel compared (only when both grids coincide); -1 when not done. */
  readonly fullMismatches: number;
  readonly firstMismatches: string[];
  readonly geometry: { ours: unknown; cornerstone: unknown };
}


function verify(ours: Volume, cs: csTypes.IImageVolume, seed: number): Verify {
  const [nx, ny, nz] = ours.dimensions;
  const dir = cs.direction as unknown as number[];
  const axes: Vec3[] = [
    [dir[0], dir[1], dir[2]],
    [dir[3], dir[4], dir[5]],
    [dir[6], dir[7], dir[8]],
  ];
  const origin = cs.origin as unknown as number[];
  const spacing = cs.spacing as unknown as number[];
  const dims = cs.dimensions as unknown as number[];
  const vm = cs.voxelManager as unknown as { getAtIJK: (i: number, j: number, k: number) => number; getCompleteScalarDataArray: () => ArrayLike<number> };
  const random = rng(seed);
  let mismatches = 0;
  let outside = 0;
  const first: string[] = [];
  let identityMap = true;
  for (let s = 0; s < SAMPLES; s++) {
    const i = Math.floor(random() * nx);
    const j = Math.floor(random() * ny);
    const k = Math.floor(random() * nz);
    const p = ijkToLps(ours, [i, j, k]);
    const d: Vec3 = [p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]];
    const c = axes.map((a, q) => Math.round(dot(d, a) / spacing[q]));
    if (c.some((x, q) => x < 0 || x >= dims[q])) {
      outside++;
      continue;
    }
    if (c[0] !== i || c[1] !== j || c[2] !== k) identityMap = false;
    const a = ours.voxels[i + j * nx + k * nx * ny];
    const b = vm.getAtIJK(c[0], c[1], c[2]);
    if (a !== b) {
      mismatches++;
      if (first.length < 5) first.push(`ours(${i},${j},${k})=${a} cs(${c.join(',')})=${b}`);
    }
  }
  const sameGrid = identityMap && dims[0] === nx && dims[1] === ny && dims[2] === nz;
  let full = -1;
  if (sameGrid) {
    const all = vm.getCompleteScalarDataArray();
    full = 0;
    const v = ours.voxels;
    for (let q = 0; q < v.length; q++) if (v[q] !== all[q]) full++;
  }
  return {
    sampled: SAMPLES,
    sampledMismatches: mismatches,
    outsideCsGrid: outside,
    sameGrid,
    fullMismatches: full,
    firstMismatches: first,
    geometry: {
      ours: { dimensions: ours.dimensions, spacing: ours.spacingMm, origin: ours.originLps, direction: ours.directionLps, type: ours.voxels.constructor.name },
      cornerstone: { dimensions: dims, spacing, origin, direction: dir },
    },
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Lower bound for any loader fed File objects: read every file into an ArrayBuffer (main
 * thread, all at once) and do nothing else.
 */
async function readFloor(files: readonly File[]): Promise<number> {
  const t0 = performance.now();
  const buffers = await Promise.all(files.map((f) => f.arrayBuffer()));
  const ms = performance.now() - t0;
  if (buffers.length !== files.length) throw new Error('unreachable');
  return ms;
}

interface Round {
  readonly round: number;
  readonly order: string;
  /** readFloor: reading the files alone. */
  readonly readFloorMs: number;
  readonly ours: OursRun;
  readonly cornerstone: CsRun;
  readonly verify: Verify;
  readonly jsHeapAfterCleanupMB?: number;
}

async function main(): Promise<void> {
  const env = {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
  };
  log(`env: ${JSON.stringify(env)}`);
  const tf = performance.now();
  const { manifest, files } = await fetchSeries();
  log(`${SOURCE === 'disk' ? 'got' : 'fetched'} ${files.length} ${SOURCE === 'disk' ? 'disk-backed' : ''} files (${(manifest.bytes / 1e6).toFixed(1)} MB) into File objects in ${(performance.now() - tf).toFixed(0)} ms (not timed)`);
  const ti = performance.now();
  initCornerstone();
  log(`Cornerstone init (core + dicom-image-loader with ${CS_WORKERS} workers + streaming volume loader) in ${(performance.now() - ti).toFixed(0)} ms (not timed)`);
  await settle();

  const rounds: Round[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const oursFirst = r % 2 === 1;
    let ours: Awaited<ReturnType<typeof runOurs>> | undefined;
    let cs: Awaited<ReturnType<typeof runCornerstone>> | undefined;
    for (const which of oursFirst ? ['ours', 'cs'] : ['cs', 'ours']) {
      if (which === 'ours') {
        ours = await runOurs(files);
        log(`round ${r} ours: ${ours.run.totalMs.toFixed(0)} ms (scan ${ours.run.scanMs.toFixed(0)}, load ${ours.run.loadMs.toFixed(0)})`);
      } else {
        cs = await runCornerstone(files);
        const c = cs.run;
        log(
          `round ${r} cornerstone: ${c.totalMs.toFixed(0)} ms (read ${c.readMs.toFixed(0)}, part10 ${c.part10Ms.toFixed(0)}, sort ${c.sortMs.toFixed(0)}, ` +
            `create ${c.createMs.toFixed(0)}, load ${c.loadMs.toFixed(0)}; frames ${c.framesLoaded}, errors ${c.loadErrors}, ${c.dataType})`,
        );
      }
      await settle();
    }
    if (!ours || !cs) throw new Error('unreachable');
    const check = verify(ours.volume, cs.volume, r);
    log(
      `round ${r} verify: ${check.sampledMismatches}/${check.sampled} sampled mismatches, ${check.outsideCsGrid} outside, ` +
        `full compare ${check.sameGrid ? `${check.fullMismatches} mismatches` : 'not done (grids differ)'}${check.firstMismatches.length ? ` e.g. ${check.firstMismatches.join('; ')}` : ''}`,
    );
    const oursRun = ours.run;
    const csRun = cs.run;
    cleanupCornerstone(cs.imageIds);
    ours = undefined;
    cs = undefined;
    await settle();
    const floor = await readFloor(files);
    log(`round ${r} read floor (file.arrayBuffer() of every file, nothing else): ${floor.toFixed(0)} ms`);
    await settle();
    const mem = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    rounds.push({
      round: r,
      order: oursFirst ? 'ours, cornerstone' : 'cornerstone, ours',
      readFloorMs: floor,
      ours: oursRun,
      cornerstone: csRun,
      verify: check,
      jsHeapAfterCleanupMB: mem ? mem.usedJSHeapSize / 2 ** 20 : undefined,
    });
  }
  publish({ env, source: SOURCE, freshPool: FRESH_POOL, manifest: { dimensions: manifest.dimensions, files: manifest.files.length, bytes: manifest.bytes }, csWorkers: CS_WORKERS, rounds });
}

function publish(result: unknown): void {
  (window as unknown as { __benchResult: unknown }).__benchResult = result;
  log('done');
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? `${e.message}\n${e.stack}` : JSON.stringify(e);
  log(`FAILED: ${message}`);
  (window as unknown as { __benchResult: unknown }).__benchResult = { error: message };
});
