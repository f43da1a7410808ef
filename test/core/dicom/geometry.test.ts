import { describe, expect, it } from 'vitest';
import { type Vec3, cross, normalize } from '../../../src/core/geometry/vec3';
import { ijkToLps, lpsToIjk, voxelIndex } from '../../../src/core/volume/volume';
import type { Volume } from '../../../src/core/volume/volume';
import {
  AXIAL,
  makeEnhancedMultiframe,
  makeLegacyMultiframe,
  makeSeries,
  shuffle,
  smallSpec,
} from '../../helpers/syntheticSeries';
import type { SeriesSpec } from '../../helpers/syntheticSeries';
import { expectVolumeMatchesTruth, scanAndLoad } from './loadHelpers';

const close = (a: readonly number[], b: readonly number[], tol = 1e-4): void => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]), `component ${i}: ${v} vs ${b[i]}`).toBeLessThan(tol));
};

/** Rotation of the axial frame: `deg1` about z, then `deg2` about x (an oblique acquisition). */
function obliqueCosines(deg1: number, deg2: number): { rowCosine: Vec3; columnCosine: Vec3 } {
  const a = (deg1 * Math.PI) / 180;
  const b = (deg2 * Math.PI) / 180;
  const rz = (v: Vec3): Vec3 => [v[0] * Math.cos(a) - v[1] * Math.sin(a), v[0] * Math.sin(a) + v[1] * Math.cos(a), v[2]];
  const rx = (v: Vec3): Vec3 => [v[0], v[1] * Math.cos(b) - v[2] * Math.sin(b), v[1] * Math.sin(b) + v[2] * Math.cos(b)];
  return { rowCosine: rx(rz([1, 0, 0])), columnCosine: rx(rz([0, 1, 0])) };
}

/** A linear field: bilinear/linear resampling of it is exact up to the rounding of stored values. */
const linearHu = (p: Vec3): number => Math.round(20 + 3 * p[0] - 4 * p[1] + 6 * p[2]);

/** Every interior output voxel holds the field's value at its own LPS position. */
function expectFieldSampled(volume: Volume, field: (p: Vec3) => number, tol: number, margin = 2): number {
  const [nx, ny, nz] = volume.dimensions;
  let checked = 0;
  for (let k = 0; k < nz; k++)
    for (let j = margin; j < ny - margin; j++)
      for (let i = margin; i < nx - margin; i++) {
        const want = field(ijkToLps(volume, [i, j, k]));
        const got = volume.voxels[voxelIndex(volume, i, j, k)];
        if (Math.abs(got - want) > tol) throw new Error(`voxel ${i},${j},${k}: got ${got}, field ${want}`);
        checked++;
      }
  return checked;
}

describe('slice sorting and geometry from ImagePositionPatient', () => {
  it('shuffled files, anisotropic spacing: exact grid, HU and positions; SliceThickness ignored', async () => {
    const spec = smallSpec();
    const { files, truth } = makeSeries(spec);
    const { scan, volume } = await scanAndLoad(shuffle(files, 7));
    expect(scan.series).toHaveLength(1);
    expect(scan.skipped).toEqual([]);
    expect(volume.dimensions).toEqual([24, 20, 12]);
    close(volume.spacingMm, [0.7, 0.9, 2.5]); // SliceThickness in the files says 5 mm
    close(volume.originLps, truth.positionsLps[0]);
    expect(volume.directionLps).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(volume.voxels).toBeInstanceOf(Int16Array);
    expect(volume.modality).toBe('CT');
    expect(volume.unit).toBe('HU');
    expect(volume.warnings).toEqual([]);
    expectVolumeMatchesTruth(volume, truth, spec);
    // The sphere's centre (0,0,0) LPS lies in the 1000 HU sphere; a corner is on the gradient.
    const centre = lpsToIjk(volume, [0, 0, 0]).map(Math.round) as unknown as [number, number, number];
    expect(volume.voxels[voxelIndex(volume, ...centre)]).toBe(1000);
  });

  it('reversed order (instance 1 at the top): sorted along the normal, not by instance number', async () => {
    const spec = smallSpec({ firstPositionLps: [-8.05, -7.3, 15], sliceStepMm: -2.5, instanceNumber: (k) => k + 1 });
    const { files, truth } = makeSeries(spec);
    const { volume } = await scanAndLoad([...files].reverse());
    expect(volume.dimensions).toEqual([24, 20, 12]);
    close(volume.spacingMm, [0.7, 0.9, 2.5]);
    // Output slices run towards +S (row × column), so the origin is the lowest slice.
    close(volume.originLps, truth.positionsLps[11]);
    expectVolumeMatchesTruth(volume, truth, spec);
  });

  it('oblique orientation: direction cosines kept, reported, values at LPS points exact', async () => {
    const spec = smallSpec({ ...obliqueCosines(17, 11), firstPositionLps: [-9.1, -6.2, -13.7], sliceStepMm: 1.7 });
    const { files, truth } = makeSeries(spec);
    const { volume } = await scanAndLoad(shuffle(files, 3));
    const n = normalize(cross(truth.orientation[0], truth.orientation[1]));
    close(volume.directionLps[0], truth.orientation[0], 1e-6);
    close(volume.directionLps[1], truth.orientation[1], 1e-6);
    close(volume.directionLps[2], n, 1e-6);
    close(volume.spacingMm, [0.7, 0.9, 1.7]);
    expect(volume.warnings.map((w) => w.code)).toEqual(['oblique']);
    expect(volume.warnings[0].message).toMatch(/oblique slices \(\d+(\.\d)?° from the nearest axis\)/);
    expectVolumeMatchesTruth(volume, truth, spec);
  });

  it('gantry tilt: resampled perpendicular to the slices, every voxel at its true position', async () => {
    const spec: SeriesSpec = smallSpec({ tiltStepInPlaneMm: [0, 0.45, 0], hu: linearHu, rows: 28 });
    const { files } = makeSeries(spec);
    const { volume, scan } = await scanAndLoad(shuffle(files, 5));
    const warnings = scan.series[0].stacks[0].warnings.map((w) => w.code);
    expect(warnings).toContain('gantry-tilt');
    expect(warnings).toContain('resampled');
    const tilt = scan.series[0].stacks[0].warnings.find((w) => w.code === 'gantry-tilt');
    // atan(0.45 / 2.5) = 10.20°
    expect(tilt?.message).toContain('10.2°');
    expect(volume.directionLps).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    close(volume.spacingMm, [0.7, 0.9, 2.5]);
    expect(volume.dimensions).toEqual([24, 28, 12]);
    // Slices shift by up to ±2.5 mm in-plane over the stack: the field is exact inside.
    const checked = expectFieldSampled(volume, linearHu, 1, 4);
    expect(checked).toBeGreaterThan(1500);
  });

  it('a missing slice: reported and filled by interpolation on the regular grid', async () => {
    const steps = [2.5, 2.5, 2.5, 5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5];
    const spec = smallSpec({ slices: 11, sliceStepMm: steps, hu: linearHu });
    const { files, truth } = makeSeries(spec);
    const { volume, scan } = await scanAndLoad(shuffle(files, 11));
    const stack = scan.series[0].stacks[0];
    expect(stack.warnings.map((w) => w.code)).toEqual(['missing-slices', 'resampled']);
    expect(stack.warnings[0].message).toMatch(/^1 slice\(s\) missing/);
    expect(volume.dimensions).toEqual([24, 20, 12]);
    close(volume.spacingMm, [0.7, 0.9, 2.5]);
    close(volume.originLps, truth.positionsLps[0]);
    expectVolumeMatchesTruth(volume, truth, spec); // written slices land on grid slices unchanged
    expectFieldSampled(volume, linearHu, 1, 0); // and the interpolated one follows the field
  });

  it('non-uniform spacing: resampled to the median step, reported', async () => {
    const steps = [2, 2, 2, 3.1, 3.1, 2, 2, 2, 2, 2, 2];
    const spec = smallSpec({ sliceStepMm: steps, hu: linearHu });
    const { files, truth } = makeSeries(spec);
    const { volume, scan } = await scanAndLoad(files);
    const codes = scan.series[0].stacks[0].warnings.map((w) => w.code);
    expect(codes).toContain('non-uniform-spacing');
    close(volume.spacingMm, [0.7, 0.9, 2]);
    const extent = steps.reduce((a, b) => a + b, 0);
    expect(volume.dimensions[2]).toBe(Math.floor(extent / 2 + 1e-6) + 1);
    close(volume.originLps, truth.positionsLps[0]);
    expectFieldSampled(volume, linearHu, 1, 0);
  });

  it('a localizer in the same series becomes its own stack and stays out of the volume', async () => {
    const spec = smallSpec({ seriesInstanceUid: '1.2.826.0.1.3680043.10.1489.9.77' });
    const { files, truth } = makeSeries(spec);
    const localizer = makeSeries({
      ...smallSpec({ seriesInstanceUid: spec.seriesInstanceUid, slices: 1, rows: 30, columns: 24 }),
      rowCosine: [1, 0, 0],
      columnCosine: [0, 0, -1],
      imageType: 'ORIGINAL\\PRIMARY\\LOCALIZER',
      seed: 99,
    });
    const { scan, volume } = await scanAndLoad(shuffle([...files, ...localizer.files], 2));
    expect(scan.series).toHaveLength(1);
    const stacks = scan.series[0].stacks;
    expect(stacks).toHaveLength(2);
    const loc = stacks.find((s) => s.isLocalizer);
    expect(loc?.refusal?.reason).toMatch(/single image/);
    expect(loc?.orientation).toBe('coronal');
    expect(scan.preferredStackId).toBe(stacks.find((s) => !s.isLocalizer)?.id);
    expect(volume.dimensions).toEqual([24, 20, 12]);
    expectVolumeMatchesTruth(volume, truth, spec);
  });

  it('two series interleaved: both found, each loads its own voxels', async () => {
    const a = smallSpec({ seriesInstanceUid: '1.2.826.0.1.3680043.10.1489.9.1', seriesNumber: 2, seed: 1 });
    const b = smallSpec({
      seriesInstanceUid: '1.2.826.0.1.3680043.10.1489.9.2',
      seriesNumber: 3,
      seed: 2,
      rows: 16,
      columns: 18,
      slices: 9,
      pixelSpacingMm: [1.1, 0.6],
      sliceStepMm: 3.25,
      rowCosine: [0, 1, 0],
      columnCosine: [0, 0, -1],
      firstPositionLps: [-12, -5, 9],
    });
    const sa = makeSeries(a);
    const sb = makeSeries(b);
    const { scan } = await scanAndLoad(shuffle([...sa.files, ...sb.files], 13));
    expect(scan.series.map((s) => s.seriesInstanceUid)).toEqual([a.seriesInstanceUid, b.seriesInstanceUid]);
    const [stackA, stackB] = scan.series.map((s) => s.stacks[0].id);
    const all = shuffle([...sa.files, ...sb.files], 13);
    const va = (await scanAndLoad(all, stackA)).volume;
    const vb = (await scanAndLoad(all, stackB)).volume;
    expect(va.dimensions).toEqual([24, 20, 12]);
    expect(vb.dimensions).toEqual([18, 16, 9]);
    close(vb.spacingMm, [0.6, 1.1, 3.25]);
    expect(scan.series[1].stacks[0].orientation).toBe('sagittal');
    expectVolumeMatchesTruth(va, sa.truth, a);
    expectVolumeMatchesTruth(vb, sb.truth, b);
  });

  it('a second reconstruction at another pixel spacing in the same series is a separate stack', async () => {
    const uid = '1.2.826.0.1.3680043.10.1489.9.5';
    const thin = makeSeries(smallSpec({ seriesInstanceUid: uid, seed: 5 }));
    const wide = makeSeries(smallSpec({ seriesInstanceUid: uid, seed: 6, pixelSpacingMm: [1.8, 1.4], slices: 6, sliceStepMm: 5 }));
    const { scan, volume } = await scanAndLoad(shuffle([...thin.files, ...wide.files], 4));
    expect(scan.series[0].stacks.map((s) => s.sliceCount).sort()).toEqual([12, 6]);
    expect(scan.series[0].stacks.every((s) => s.plan)).toBe(true);
    expectVolumeMatchesTruth(volume, thin.truth, smallSpec());
  });

  it('duplicate positions: the repeat is left out and reported', async () => {
    const spec = smallSpec({ seriesInstanceUid: '1.2.826.0.1.3680043.10.1489.9.8', studyInstanceUid: '1.2.826.0.1.3680043.10.1489.9.9' });
    const { files, truth } = makeSeries(spec);
    const again = makeSeries({ ...spec, seed: 1234 }).files[4]; // same geometry, other UIDs
    const { volume, scan } = await scanAndLoad(shuffle([...files, { ...again, name: 'repeat-of-slice-5' }], 8));
    const dup = scan.series.flatMap((s) => s.stacks).flatMap((s) => s.warnings).find((w) => w.code === 'duplicate-positions');
    expect(dup?.message).toMatch(/1 slice\(s\) repeat the position/);
    expect(volume.dimensions).toEqual([24, 20, 12]);
    expectVolumeMatchesTruth(volume, truth, spec);
  });

  it('Enhanced CT multi-frame with per-frame functional groups, frames stored shuffled', async () => {
    const spec = { ...smallSpec({ ...obliqueCosines(-8, 5), sliceStepMm: 1.3 }), shuffleFramesSeed: 21, perFrameRescale: true };
    const mf = makeEnhancedMultiframe(spec);
    const { volume, scan } = await scanAndLoad([mf]);
    expect(scan.series[0].stacks).toHaveLength(1);
    expect(volume.dimensions).toEqual([24, 20, 12]);
    close(volume.spacingMm, [0.7, 0.9, 1.3]);
    close(volume.directionLps[0], mf.truth.orientation[0], 1e-6);
    close(volume.originLps, mf.truth.positionsLps[0]);
    expectVolumeMatchesTruth(volume, mf.truth, spec);
  });

  it('Enhanced MR multi-frame (unsigned, no rescale): MR units, sagittal, frames shuffled', async () => {
    const spec = {
      ...smallSpec({ modality: 'MR', pixelRepresentation: 0, rowCosine: [0, 1, 0], columnCosine: [0, 0, -1], sliceStepMm: 1.1 }),
      hu: (p: Vec3) => Math.round(500 + 20 * p[0] + 7 * p[1] - 3 * p[2]),
      shuffleFramesSeed: 9,
    };
    const mf = makeEnhancedMultiframe(spec);
    const { volume, scan } = await scanAndLoad([mf]);
    expect(scan.series[0].stacks[0].orientation).toBe('sagittal');
    expect(volume.modality).toBe('MR');
    expect(volume.unit).toBe('');
    close(volume.spacingMm, [0.7, 0.9, 1.1]);
    expectVolumeMatchesTruth(volume, mf.truth, spec);
  });

  it('legacy multi-frame: frame positions from GridFrameOffsetVector', async () => {
    const spec = { ...smallSpec({ sliceStepMm: 1.9 }), frameGeometry: 'grid-offsets' as const };
    const mf = makeLegacyMultiframe(spec);
    const { volume } = await scanAndLoad([mf]);
    expect(volume.dimensions).toEqual([24, 20, 12]);
    close(volume.spacingMm, [0.7, 0.9, 1.9]);
    expectVolumeMatchesTruth(volume, mf.truth, spec);
  });

  it('legacy multi-frame: SpacingBetweenSlices, with a warning that positions were derived', async () => {
    const spec = { ...smallSpec({ sliceStepMm: 2.2, ...AXIAL }), frameGeometry: 'spacing' as const };
    const mf = makeLegacyMultiframe(spec);
    const { volume } = await scanAndLoad([mf]);
    close(volume.spacingMm, [0.7, 0.9, 2.2]);
    expect(volume.warnings.map((w) => w.code)).toContain('spacing-from-header');
    expectVolumeMatchesTruth(volume, mf.truth, spec);
  });
});
