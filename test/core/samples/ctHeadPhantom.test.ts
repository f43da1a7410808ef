import { describe, expect, it } from 'vitest';
import {
  CT_HEAD_PHANTOM,
  CT_HEAD_PHANTOM_GEOMETRY as g,
  HU,
  ctHeadPhantomHuAtLps,
  ctHeadPhantomVolumes,
  ctHeadPhantomVolumesMm3 as V,
  voxelizeCtHeadPhantom,
} from '../../../src/core/samples/ctHeadPhantom';
import { add, cross, dot, norm } from '../../../src/core/geometry/vec3';
import { ijkToLps } from '../../../src/core/volume/volume';

const voxels = voxelizeCtHeadPhantom();
const voxelVolume = g.spacingMm[0] * g.spacingMm[1] * g.spacingMm[2];
const countMm3 = (pred: (hu: number) => boolean): number => {
  let n = 0;
  for (let i = 0; i < voxels.length; i++) if (pred(voxels[i])) n++;
  return n * voxelVolume;
};
const relErr = (measured: number, analytic: number): number => Math.abs(measured / analytic - 1);

describe('CT head phantom: analytic description', () => {
  it('has the analytic volumes of its shapes', () => {
    const shell = (4 / 3) * Math.PI * (80 * 95 * 70 - 74 * 89 * 64);
    expect(V.skullMm3).toBeCloseTo(shell, 6);
    expect(V.sphereMm3).toBeCloseTo((4 / 3) * Math.PI * 1000, 6);
    expect(V.cylinderMm3).toBeCloseTo(Math.PI * 36 * 30, 6);
    expect(V.cubeMm3).toBe(1000);
    expect(V.brainMm3 + V.sphereMm3 + V.cylinderMm3 + V.cubeMm3 + V.skullMm3).toBeCloseTo(V.headMm3, 6);
    expect(ctHeadPhantomVolumes()).toEqual(V);
  });

  it('assigns the documented HU', () => {
    const c = CT_HEAD_PHANTOM.centerLps;
    expect(ctHeadPhantomHuAtLps(c)).toBe(HU.brain);
    expect(ctHeadPhantomHuAtLps(CT_HEAD_PHANTOM.sphere.centerLps)).toBe(300);
    expect(ctHeadPhantomHuAtLps(CT_HEAD_PHANTOM.cylinder.centerLps)).toBe(700);
    expect(ctHeadPhantomHuAtLps(add(CT_HEAD_PHANTOM.cylinder.centerLps, [0, 0, 14.9]))).toBe(700);
    expect(ctHeadPhantomHuAtLps(add(CT_HEAD_PHANTOM.cylinder.centerLps, [0, 0, 15.1]))).toBe(HU.brain);
    expect(ctHeadPhantomHuAtLps(CT_HEAD_PHANTOM.cube.centerLps)).toBe(-100);
    expect(ctHeadPhantomHuAtLps(add(c, [77, 0, 0]))).toBe(HU.bone); // between 74 and 80 along L
    expect(ctHeadPhantomHuAtLps(add(c, [0, -92, 0]))).toBe(HU.bone); // between 89 and 95 along P
    expect(ctHeadPhantomHuAtLps(add(c, [0, 0, 67]))).toBe(HU.bone); // between 64 and 70 along S
    expect(ctHeadPhantomHuAtLps(add(c, [0, 0, 71]))).toBe(HU.air);
    expect(ctHeadPhantomHuAtLps(add(c, [0, 96, 0]))).toBe(HU.air);
  });
});

describe('CT head phantom: grid', () => {
  it('is non-square, anisotropic and oblique, with an orthonormal right-handed frame', () => {
    const [nx, ny, nz] = g.dimensions;
    expect(nx).not.toBe(ny);
    expect(new Set(g.spacingMm).size).toBe(3);
    expect(nz).toBeGreaterThanOrEqual(100);
    const [r, c, s] = g.directionLps;
    for (const v of [r, c, s]) expect(norm(v)).toBeCloseTo(1, 12);
    expect(dot(r, c)).toBeCloseTo(0, 12);
    const rc = cross(r, c);
    for (let a = 0; a < 3; a++) expect(rc[a]).toBeCloseTo(s[a], 12);
    // Really oblique: each axis deviates from the nearest LPS axis by more than 2°.
    for (const v of [r, c, s]) {
      const maxComponent = Math.max(...v.map(Math.abs));
      expect(Math.acos(maxComponent) * (180 / Math.PI)).toBeGreaterThan(2);
    }
  });

  it('contains the whole head (the grid faces are air)', () => {
    const [nx, ny, nz] = g.dimensions;
    let nonAir = 0;
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const face = i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1;
          if (face && voxels[i + j * nx + k * nx * ny] !== HU.air) nonAir++;
        }
      }
    }
    expect(nonAir).toBe(0);
  });

  it('samples the analytic HU at voxel centres (index i + j·nx + k·nx·ny)', () => {
    const [nx, ny] = g.dimensions;
    for (const [i, j, k] of [
      [128, 118, 60],
      [20, 200, 33],
      [255, 0, 119],
      [100, 150, 90],
      [140, 30, 70],
    ]) {
      expect(voxels[i + j * nx + k * nx * ny]).toBe(ctHeadPhantomHuAtLps(ijkToLps(g, [i, j, k])));
    }
  });

  it('voxelizes a slice range identically', () => {
    const [nx, ny] = g.dimensions;
    const part = voxelizeCtHeadPhantom(g, CT_HEAD_PHANTOM, 50, 53);
    const whole = voxels.subarray(50 * nx * ny, 53 * nx * ny);
    expect(part.length).toBe(whole.length);
    expect(part.every((v, i) => v === whole[i])).toBe(true);
  });
});

describe('CT head phantom: threshold counts converge to the analytic volumes', () => {
  it('skull shell within 2%', () => {
    expect(relErr(countMm3((h) => h === HU.bone), V.skullMm3)).toBeLessThan(0.02);
  });
  it('whole head and brain within 1%', () => {
    expect(relErr(countMm3((h) => h > -500), V.headMm3)).toBeLessThan(0.01);
    expect(relErr(countMm3((h) => h === HU.brain), V.brainMm3)).toBeLessThan(0.01);
  });
  it('≥ 300 HU (skull + sphere + cylinder) within 2%', () => {
    expect(relErr(countMm3((h) => h >= 300), V.above300HuMm3)).toBeLessThan(0.02);
  });
  it('sphere and cylinder within 3%', () => {
    expect(relErr(countMm3((h) => h === 300), V.sphereMm3)).toBeLessThan(0.03);
    expect(relErr(countMm3((h) => h === 700), V.cylinderMm3)).toBeLessThan(0.03);
  });
  it('the small cube within 10% (≈ 900 voxels of 1.08 mm³ on an oblique grid)', () => {
    expect(relErr(countMm3((h) => h === -100), V.cubeMm3)).toBeLessThan(0.1);
  });
});
