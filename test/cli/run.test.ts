import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInputFiles, nodeCodecs } from '../../src/cli/nodeIo';
import { loadVolume, scanFiles } from '../../src/core/dicom/load';
import { exportMeshes } from '../../src/core/export';
import { finishModel, segmentLabel } from '../../src/core/mesh/model';
import { TsSurfaceKernel } from '../../src/core/mesh/surfaceKernel';
import { extractSurface } from '../../src/core/mesh/surfaceNets';
import { readNifti } from '../../src/core/nifti/read';
import { EditHistory } from '../../src/core/segmentation/history';
import { createRecipe, hashBytes } from '../../src/core/segmentation/recipe';
import { applyStep, emptySegmentation } from '../../src/core/segmentation/steps';
import type { Step } from '../../src/core/segmentation/steps';
import type { Volume } from '../../src/core/volume/volume';
import { ijkToLps } from '../../src/core/volume/volume';

const exec = promisify(execFile);
const BIN = join(process.cwd(), 'bin/voxelprint.mjs');
const dir = mkdtempSync(join(tmpdir(), 'voxelprint-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function voxelprint(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    return { code: 0, ...(await exec(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024 })) };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('voxelprint run (replay a recipe headless)', () => {
  let volume: Volume;
  let labels: Uint8Array;
  const recipePath = join(dir, 'recipe.json');
  beforeAll(async () => {
    const files = await listInputFiles('public/samples/ct-phantom');
    const scan = await scanFiles(files);
    volume = await loadVolume(files, scan, scan.preferredStackId, nodeCodecs());
    // A session: bone threshold, a painted sphere that overwrites some skull, an eraser stroke, one undone stroke.
    const seg = emptySegmentation(volume);
    const history = new EditHistory();
    const run = (s: Step): void => history.record(s, applyStep(seg, volume, s));
    const at = (i: number, j: number, k: number) => ijkToLps(volume, [i, j, k]);
    run({ op: 'add-segment', segment: { label: 1, name: 'Skull', colorRgb: [230, 220, 200] } });
    run({ op: 'threshold', label: 1, range: { lo: 226, hi: 3071 } });
    run({ op: 'add-segment', segment: { label: 2, name: 'Marker ü', colorRgb: [216, 101, 79] } });
    run({ op: 'paint', label: 2, shape: 'sphere', radiusMm: 8, pointsLps: [at(30, 128, 50), at(40, 120, 54)] });
    run({ op: 'paint', label: 1, erase: true, shape: 'circle', radiusMm: 5, normalLps: volume.directionLps[2], pointsLps: [at(128, 20, 60), at(140, 22, 60)] });
    run({ op: 'paint', label: 2, shape: 'sphere', radiusMm: 20, pointsLps: [at(128, 128, 54)] });
    history.undo(seg, volume);
    labels = seg.labels;
    writeFileSync(recipePath, JSON.stringify(createRecipe(volume, history.steps, seg.labels)));
  });

  it('replays to the same labelmap bit for bit and writes one closed model per segment, the same bytes as the app pipeline', async () => {
    const out = join(dir, 'out');
    const r = await voxelprint('run', recipePath, 'public/samples/ct-phantom', '-o', out, '--smooth', 'low');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`labelmap ${hashBytes(labels)} — identical to the recorded session`);
    expect(r.stdout).toMatch(/replayed 5 step\(s\)/);
    expect(readdirSync(out).sort()).toEqual(['01-skull.stl', '02-marker-u.stl', 'labels.nii.gz']);
    const nifti = readNifti(new Uint8Array(readFileSync(join(out, 'labels.nii.gz'))), 'labels.nii.gz');
    expect(nifti.dimensions).toEqual(volume.dimensions);
    expect(Buffer.from(Uint8Array.from(nifti.voxels)).equals(Buffer.from(labels))).toBe(true);
    // The marker's model: the same bytes as the in-process pipeline with the TypeScript kernel.
    const picked = segmentLabel(labels, 2, volume.dimensions, false);
    const raw = extractSurface({ dimensions: volume.dimensions, mask: picked.mask }, volume, new TsSurfaceKernel());
    const { mesh, stats } = await finishModel(raw, volume, { smoothing: 'low' });
    expect(stats.watertight && stats.manifold).toBe(true);
    const expected = exportMeshes({ meshes: [{ name: 'Marker ü', colorRgb: [216, 101, 79], mesh }], format: 'stl', frame: 'LPS' })[0].bytes;
    expect(Buffer.from(readFileSync(join(out, '02-marker-u.stl'))).equals(Buffer.from(expected))).toBe(true);
  });

  it('refuses another series, a broken recipe and missing arguments with a message naming the problem', async () => {
    const other = join(dir, 'other.json');
    const recipe = JSON.parse(readFileSync(recipePath, 'utf8'));
    writeFileSync(other, JSON.stringify({ ...recipe, series: { ...recipe.series, voxelsHash: '0000000000000000' } }));
    const r1 = await voxelprint('run', other, 'public/samples/ct-phantom', '-o', join(dir, 'x'));
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/does not match the recipe: the voxel values differ/);
    writeFileSync(join(dir, 'bad.json'), '{"format":"voxelprint-recipe","version":1}');
    const r2 = await voxelprint('run', join(dir, 'bad.json'), 'public/samples/ct-phantom', '-o', join(dir, 'y'));
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/bad\.json: recipe has no steps array/);
    const r3 = await voxelprint('run', recipePath, '-o', join(dir, 'z'));
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/give the recipe, the DICOM folder and -o/);
  });
});
