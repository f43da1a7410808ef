import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { readNifti } from '../../../src/core/nifti/read';
import { ijkToLps } from '../../../src/core/volume/volume';

/** Colin27 T1 template from Debian's mricron-data package (apt-get install mricron-data). */
const CH2BETTER = '/usr/share/mricron/templates/ch2better.nii.gz';
const missing = !existsSync(CH2BETTER);
const reason = `${CH2BETTER} is absent (install the Debian package mricron-data)`;

describe('readNifti on the real Colin27 template (ch2better.nii.gz)', () => {
  it('reads dims, spacing and the MNI affine', (ctx) => {
    ctx.skip(missing, reason);
    const v = readNifti(readFileSync(CH2BETTER), 'ch2better.nii.gz');
    expect(v.dimensions).toEqual([301, 370, 316]);
    expect(v.spacingMm).toEqual([0.5, 0.5, 0.5]);
    // sform RAS: diag(0.5) with offset (-75, -107, -69.5) → LPS origin (75, 107, -69.5)
    expect(v.originLps).toEqual([75, 107, -69.5]);
    expect(v.directionLps).toEqual([[-1, 0, 0], [0, -1, 0], [0, 0, 1]]);
    expect(v.voxels).toBeInstanceOf(Int16Array);
    expect(v.voxels.length).toBe(301 * 370 * 316);
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of v.voxels) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(255);
    expect(hi).toBeGreaterThan(100);
    // The centre of the grid lies within 20 mm of the MNI origin (AC): (0, -14.75, 9.25) RAS.
    const c = ijkToLps(v, [150, 184.5, 157.5]);
    expect(c).toEqual([0, 14.75, 9.25]);
    expect(Math.hypot(...c)).toBeLessThan(20);
  });
});
