/**
 * Writes the benchmark series: a synthetic 512 × 512 × 256 CT head (16-bit signed, explicit VR
 * little endian, RescaleIntercept −1024) into bench/data/ct512/, one extension-less file per
 * slice (names are hashes, so directory order is not slice order). Skipped when the series is
 * already there and was made by this version of the script (bench/data/ct512.json).
 *
 * Content: the CT head phantom of src/core/samples/ctHeadPhantom.ts (skull shell, brain,
 * inserts) plus a smooth texture and a gradient inside the head and low-amplitude "noise" in
 * the air, so that almost every voxel differs from its neighbours (a wrong slice order or a
 * transposition shows up as a voxel mismatch in the browser benchmark's cross-check).
 *
 * Run: npx tsx bench/make-series.ts [--force]
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Vec3 } from '../src/core/geometry/vec3';
import { CT_HEAD_PHANTOM, HU, ctHeadPhantomHuAtLps } from '../src/core/samples/ctHeadPhantom';
import { makeSeries } from '../test/helpers/syntheticSeries';
import { replaceFolder } from '../scripts/sampleFiles.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const DATA_DIR = resolve(here, 'data');
export const SERIES_DIR = join(DATA_DIR, 'ct512');
export const MANIFEST = join(DATA_DIR, 'ct512.json');

/** Bump when the content or encoding changes: the series is then rewritten. */
const VERSION = 1;
const COLUMNS = 512;
const ROWS = 512;
const SLICES = 256;
const PIXEL_MM = 0.45; // 230 mm field of view
const STEP_MM = 0.6; // 153.6 mm along S (the phantom is 140 mm tall)
const UID_ROOT = '1.2.826.0.1.3680043.10.1489.8';

/** HU at an LPS point: phantom + texture/gradient in the head, faint ripple in the air. */
function huAt(p: Vec3): number {
  const base = ctHeadPhantomHuAtLps(p);
  const [cx, cy, cz] = CT_HEAD_PHANTOM.centerLps;
  if (base === HU.air) return HU.air + Math.round(6 * Math.sin(p[0] * 1.3 + p[1] * 0.7 + p[2] * 0.5));
  const texture = 15 * Math.sin((p[0] - cx) * 0.37 + (p[2] - cz) * 0.11) * Math.cos((p[1] - cy) * 0.29);
  const gradient = 0.2 * (p[1] - cy) + 0.1 * (p[2] - cz);
  return Math.round(base + texture + gradient);
}

export interface SeriesManifest {
  readonly version: number;
  readonly dimensions: [number, number, number];
  readonly files: string[];
  readonly bytes: number;
  readonly transferSyntaxUid: string;
}

export function readManifest(): SeriesManifest | undefined {
  if (!existsSync(MANIFEST)) return undefined;
  try {
    const m = JSON.parse(readFileSync(MANIFEST, 'utf8')) as SeriesManifest;
    if (m.version !== VERSION || !existsSync(SERIES_DIR)) return undefined;
    const present = new Set(readdirSync(SERIES_DIR));
    return m.files.every((f) => present.has(f)) && present.size === m.files.length ? m : undefined;
  } catch {
    return undefined;
  }
}

function main(): void {
  const force = process.argv.includes('--force');
  const existing = readManifest();
  if (existing && !force) {
    console.log(`make-series: ${SERIES_DIR} present (${existing.files.length} files, ${(existing.bytes / 1e6).toFixed(1)} MB), skipped`);
    return;
  }
  const t0 = performance.now();
  const [cx, cy, cz] = CT_HEAD_PHANTOM.centerLps;
  const first: Vec3 = [cx - ((COLUMNS - 1) / 2) * PIXEL_MM, cy - ((ROWS - 1) / 2) * PIXEL_MM, cz - ((SLICES - 1) / 2) * STEP_MM];
  const series = makeSeries({
    rows: ROWS,
    columns: COLUMNS,
    slices: SLICES,
    pixelSpacingMm: [PIXEL_MM, PIXEL_MM],
    sliceStepMm: STEP_MM,
    rowCosine: [1, 0, 0],
    columnCosine: [0, 1, 0],
    firstPositionLps: first,
    hu: huAt,
    modality: 'CT',
    bitsAllocated: 16,
    bitsStored: 16,
    pixelRepresentation: 1,
    rescaleIntercept: -1024,
    rescaleSlope: 1,
    sliceThicknessMm: STEP_MM,
    windowCenter: [40, 500],
    windowWidth: [80, 2000],
    seed: VERSION,
    studyInstanceUid: `${UID_ROOT}.1.${VERSION}`,
    seriesInstanceUid: `${UID_ROOT}.2.${VERSION}`,
    frameOfReferenceUid: `${UID_ROOT}.3.${VERSION}`,
    patientName: 'Bench^CT512',
    patientId: 'VOXELPRINT-BENCH',
    seriesDescription: 'Voxelprint load benchmark 512x512x256',
  });
  if (series.truth.clippedCount !== 0) throw new Error('values do not fit the stored range');
  const bytes = replaceFolder(SERIES_DIR, series.files);
  const manifest: SeriesManifest = {
    version: VERSION,
    dimensions: [COLUMNS, ROWS, SLICES],
    files: series.files.map((f) => f.name),
    bytes,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
  };
  writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 1)}\n`);
  console.log(
    `make-series: ${series.files.length} files (${(bytes / 1e6).toFixed(1)} MB) written to ${SERIES_DIR} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
