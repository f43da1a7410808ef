import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNifti } from '../../../src/core/nifti/read';
import { writeNifti } from '../../../src/core/nifti/write';
import type { Volume } from '../../../src/core/volume/volume';
import { ijkToLps } from '../../../src/core/volume/volume';
import { obliqueVolume, rasAffineFromPositions } from './fixtures';

// Cross-check against nibabel (Debian: apt-get install python3-nibabel). Debian's python3 is
// preferred over whatever `python3` is first on PATH (pyenv shims lack the apt packages).
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const hasNibabel = spawnSync(PYTHON, ['-c', 'import nibabel'], { stdio: 'ignore' }).status === 0;
const reason = `nibabel is not importable by ${PYTHON} (install the Debian package python3-nibabel)`;

const SCRIPT = `
import json, sys
import nibabel as nib
img = nib.load(sys.argv[1])
h = img.header
print(json.dumps({
  'best': h.get_best_affine().tolist(),
  'sform': h.get_sform().tolist(),
  'qform': h.get_qform().tolist(),
  'codes': [int(h['sform_code']), int(h['qform_code'])],
  'shape': list(img.shape),
  'zooms': [float(z) for z in h.get_zooms()],
  'dtype': str(h.get_data_dtype()),
  'data': img.get_fdata().ravel(order='F').tolist(),
}))
`;

interface NibabelView {
  best: number[][];
  sform: number[][];
  qform: number[][];
  codes: number[];
  shape: number[];
  zooms: number[];
  dtype: string;
  data: number[];
}

function nibabelView(bytes: Uint8Array, name: string): NibabelView {
  const dir = mkdtempSync(join(tmpdir(), 'voxelprint-nifti-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    const r = spawnSync(PYTHON, ['-c', SCRIPT, file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`nibabel failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as NibabelView;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function expectAffine(actual: number[][], v: Volume, tol: number): void {
  const expected = rasAffineFromPositions(v);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(Math.abs(actual[r][c] - expected[r][c])).toBeLessThan(tol);
  expect(actual[3]).toEqual([0, 0, 0, 1]);
}

describe('writeNifti cross-checked with nibabel', () => {
  for (const [label, opts, gzip] of [
    ['int16, right-handed, .nii', {}, false],
    ['float32, left-handed (qfac −1), .nii.gz', { leftHanded: true, float: true }, true],
  ] as const) {
    it(label, (ctx) => {
      ctx.skip(!hasNibabel, reason);
      const vol = obliqueVolume(opts);
      const nib = nibabelView(writeNifti(vol, { gzip }), gzip ? 'v.nii.gz' : 'v.nii');
      expect(nib.codes).toEqual([1, 1]);
      expect(nib.shape).toEqual([7, 5, 3]);
      nib.zooms.forEach((z, a) => expect(z).toBeCloseTo(vol.spacingMm[a], 6));
      expect(nib.dtype).toBe(opts.float ? 'float32' : 'int16');
      expectAffine(nib.best, vol, 1e-5);
      expectAffine(nib.sform, vol, 1e-5);
      expectAffine(nib.qform, vol, 1e-5);
      expect(nib.data).toEqual([...vol.voxels]);
    });
  }
});

// nibabel writes, we read: an oblique, left-handed affine and scaled uint16 data.
const WRITE_SCRIPT = `
import sys
import numpy as np
import nibabel as nib
affine = np.array([[-0.9, 0.3, 0.1, 12.5], [0.2, 1.1, -0.4, -7.0], [0.05, 0.35, 2.2, 40.25], [0, 0, 0, 1]])
data = (np.arange(4 * 3 * 2).reshape((4, 3, 2), order='F') * 3).astype(np.uint16)
img = nib.Nifti1Image(data, affine)
img.header.set_data_dtype(np.uint16)
img.header.set_slope_inter(0.5, -4)
nib.save(img, sys.argv[1])
`;

describe('readNifti cross-checked with nibabel', () => {
  it('reads a scaled, sheared uint16 image nibabel wrote', (ctx) => {
    ctx.skip(!hasNibabel, reason);
    const dir = mkdtempSync(join(tmpdir(), 'voxelprint-nifti-'));
    try {
      const file = join(dir, 'nib.nii.gz');
      const r = spawnSync(PYTHON, ['-c', WRITE_SCRIPT, file], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`nibabel failed: ${r.stderr}`);
      const v = readNifti(readFileSync(file), 'nib.nii.gz');
      expect(v.dimensions).toEqual([4, 3, 2]);
      expect(v.voxels).toBeInstanceOf(Float32Array);
      expect([...v.voxels]).toEqual(Array.from({ length: 24 }, (_, i) => i * 3 * 0.5 - 4));
      const affine = [
        [-0.9, 0.3, 0.1, 12.5],
        [0.2, 1.1, -0.4, -7.0],
        [0.05, 0.35, 2.2, 40.25],
      ];
      for (const [i, j, k] of [[0, 0, 0], [3, 0, 0], [0, 2, 0], [0, 0, 1], [3, 2, 1]]) {
        const ras = affine.map((row) => row[0] * i + row[1] * j + row[2] * k + row[3]);
        const lps = ijkToLps(v, [i, j, k]);
        [-ras[0], -ras[1], ras[2]].forEach((x, a) => expect(Math.abs(lps[a] - x)).toBeLessThan(1e-4));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
