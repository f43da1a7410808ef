import { expect } from 'vitest';
import { loadVolume, memoryFiles, scanFiles } from '../../../src/core/dicom/load';
import type { ScanResult } from '../../../src/core/dicom/series';
import { type Vec3, addScaled } from '../../../src/core/geometry/vec3';
import { lpsToIjk, voxelIndex } from '../../../src/core/volume/volume';
import type { Volume } from '../../../src/core/volume/volume';
import { nodeCodecs } from '../../../src/cli/nodeIo';
import type { SeriesTruth, SyntheticFile } from '../../helpers/syntheticSeries';

export const codecs = nodeCodecs();

export async function scanAndLoad(files: readonly SyntheticFile[], stackId?: string): Promise<{ scan: ScanResult; volume: Volume }> {
  const inputs = memoryFiles(files);
  const scan = await scanFiles(inputs);
  const volume = await loadVolume(inputs, scan, stackId, codecs);
  return { scan, volume };
}

/** LPS position of pixel (column c, row r) of a slice whose first pixel is at `ipp`. */
export function pixelLps(truth: SeriesTruth, ipp: Vec3, c: number, r: number, pixelSpacingMm: readonly [number, number]): Vec3 {
  const [rowCos, colCos] = truth.orientation;
  return addScaled(addScaled(ipp, rowCos, c * pixelSpacingMm[1]), colCos, r * pixelSpacingMm[0]);
}

/**
 * Every pixel of every written slice must sit exactly on a voxel centre of the volume and hold
 * the written value: this checks dimensions, spacing, origin, direction, sorting and values at
 * once.
 */
export function expectVolumeMatchesTruth(
  volume: Volume,
  truth: SeriesTruth,
  spec: { rows: number; columns: number; pixelSpacingMm: readonly [number, number] },
  opts: { tolerance?: number; slices?: readonly number[] } = {},
): void {
  const tol = opts.tolerance ?? 0;
  let checked = 0;
  for (const k of opts.slices ?? truth.positionsLps.map((_, i) => i)) {
    for (let r = 0; r < spec.rows; r++) {
      for (let c = 0; c < spec.columns; c++) {
        const p = pixelLps(truth, truth.positionsLps[k], c, r, spec.pixelSpacingMm);
        const ijk = lpsToIjk(volume, p);
        const rounded = ijk.map(Math.round) as unknown as [number, number, number];
        for (let a = 0; a < 3; a++) {
          if (Math.abs(ijk[a] - rounded[a]) > 1e-3 || rounded[a] < 0 || rounded[a] >= volume.dimensions[a]) {
            throw new Error(`slice ${k} pixel (${c},${r}) maps to voxel ${ijk.map((x) => x.toFixed(4)).join(',')}, not a voxel centre of ${volume.dimensions.join('×')}`);
          }
        }
        const got = volume.voxels[voxelIndex(volume, rounded[0], rounded[1], rounded[2])];
        const want = truth.hu[k][c + r * spec.columns];
        if (Math.abs(got - want) > tol + 1e-4) {
          throw new Error(`slice ${k} pixel (${c},${r}) at voxel ${rounded.join(',')}: got ${got}, wrote ${want}`);
        }
        checked++;
      }
    }
  }
  expect(checked).toBeGreaterThan(0);
}
