import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti } from '../../src/core/nifti/read';
import { ijkToLps, voxelIndex } from '../../src/core/volume/volume';
import { textFile } from '../helpers/badFiles';
import { makeSeries, smallSpec } from '../helpers/syntheticSeries';

const run = promisify(execFile);
const BIN = join(process.cwd(), 'bin/voxelprint.mjs');

async function voxelprint(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('voxelprint CLI (the built bin, as `npx voxelprint` runs it)', () => {
  let dir: string;
  const spec = smallSpec({ seriesDescription: 'Synthetic head', patientName: 'Doe^Jane' });
  const { files, truth } = makeSeries(spec);

  beforeAll(() => {
    if (!existsSync('dist-cli/voxelprint.js')) throw new Error('run `npm run build:cli` first (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'voxelprint-cli-'));
    files.forEach((f, i) => {
      const p = join(dir, 'study', i % 2 ? 'a' : 'b', f.name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.bytes);
    });
    writeFileSync(join(dir, 'study', 'notes.txt'), textFile().bytes);
    mkdirSync(join(dir, 'junk'));
    writeFileSync(join(dir, 'junk', 'a.txt'), textFile().bytes);
    writeFileSync(join(dir, 'junk', 'empty'), new Uint8Array(0));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('inspect prints the series, the chosen geometry and every skipped file', async () => {
    const r = await voxelprint('inspect', join(dir, 'study'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Series 1: CT "Synthetic head"');
    expect(r.stdout).toContain('patient "Doe^Jane"');
    expect(r.stdout).toContain('stack-1 *  axial 24×20 × 12 slices  [Explicit VR Little Endian]');
    expect(r.stdout).toContain('dimensions 24 × 20 × 12 voxels, spacing 0.7 × 0.9 × 2.5 mm');
    expect(r.stdout).toContain('origin (-8.05, -7.3, -12.5) mm LPS');
    expect(r.stdout).toContain('notes.txt: not a DICOM file');
    expect(r.stderr).toContain('voxelprint: skipped notes.txt: not a DICOM file');
  });

  it('inspect --json gives the geometry as numbers', async () => {
    const r = await voxelprint('inspect', join(dir, 'study'), '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      chosenStackId: string;
      series: { stacks: { id: string; geometry: { dimensions: number[]; spacingMm: number[]; originLps: number[] } }[] }[];
      skipped: { fileName: string; code: string }[];
    };
    const stack = json.series[0].stacks[0];
    expect(json.chosenStackId).toBe(stack.id);
    expect(stack.geometry.dimensions).toEqual([24, 20, 12]);
    expect(stack.geometry.spacingMm.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.7, 0.9, 2.5]);
    expect(stack.geometry.originLps).toEqual(truth.positionsLps[0]);
    expect(json.skipped).toEqual([{ fileName: 'notes.txt', code: 'not-dicom', reason: expect.stringContaining('not a DICOM file') }]);
  });

  it('volume writes NIfTI with HU values and a RAS affine that puts each voxel at its LPS position', async () => {
    const out = join(dir, 'out', 'vol.nii.gz');
    const r = await voxelprint('volume', join(dir, 'study'), '-o', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`wrote ${out}: 24×20×12 voxels, spacing 0.7×0.9×2.5 mm, int16 HU\n`);
    const bytes = new Uint8Array(readFileSync(out));
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]); // gzip
    const nii = readNifti(bytes, out);
    expect(nii.dimensions).toEqual([24, 20, 12]);
    // Voxel (5, 7, 3) of the NIfTI is at the LPS point of slice 3, column 5, row 7.
    const p = ijkToLps(nii, [5, 7, 3]);
    const expected = [truth.positionsLps[3][0] + 5 * 0.7, truth.positionsLps[3][1] + 7 * 0.9, truth.positionsLps[3][2]];
    p.forEach((v, a) => expect(v).toBeCloseTo(expected[a], 4));
    expect(nii.voxels[voxelIndex(nii, 5, 7, 3)]).toBe(truth.hu[3][5 + 7 * 24]);
  });

  it('bad input: non-zero exit and one line per file', async () => {
    const r = await voxelprint('volume', join(dir, 'junk'), '-o', join(dir, 'x.nii'));
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toContain('voxelprint: skipped a.txt: not a DICOM file (no \'DICM\' marker at byte 128 and no DICOM data set at the start)');
    expect(lines).toContain('voxelprint: skipped empty: empty file (0 bytes)');
    expect(lines[lines.length - 1]).toBe('voxelprint: no DICOM images found');
    expect(existsSync(join(dir, 'x.nii'))).toBe(false);
  });

  it('usage and I/O errors have their own exit codes', async () => {
    expect((await voxelprint('frobnicate')).code).toBe(2);
    expect((await voxelprint('volume', dir)).code).toBe(2);
    const missing = await voxelprint('inspect', join(dir, 'does-not-exist'));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^voxelprint: cannot read .*does-not-exist: ENOENT/);
  });

  it('the bundled MRI sample: Colin27 as a 150 × 185 × 158 MR series at 1 mm', async () => {
    const r = await voxelprint('inspect', 'public/samples/mri-colin27', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    const stack = json.series[0].stacks[0];
    expect(json.series).toHaveLength(1);
    expect(json.skipped.map((s: { fileName: string }) => s.fileName).sort()).toEqual(['README.md', 'manifest.json']);
    expect(stack.geometry.dimensions).toEqual([150, 185, 158]);
    expect(stack.geometry.spacingMm).toEqual([1, 1, 1]);
    expect(stack.geometry.originLps).toEqual([-74.25, -77.25, -69.25]);
    expect(stack.geometry.directionLps).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(json.series[0].modality).toBe('MR');
  });
});
