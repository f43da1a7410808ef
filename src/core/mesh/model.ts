import type { HuRange } from '../segmentation/presets';
import { thresholdMask } from '../segmentation/threshold';
import { keepLargestIsland } from '../segmentation/islands';
import type { VolumeGeometry, VoxelArray } from '../volume/volume';
import type { TriangleMesh } from './mesh';
import type { MeshStats } from './stats';
import { meshStats } from './stats';
import type { SmoothingLevel, SmoothingReport } from './smooth';
import { SMOOTHING_LEVELS, smoothMesh } from './smooth';
import type { DecimationResult } from './decimate';
import { decimateMesh } from './decimate';

/**
 * The scan-to-model pipeline shared by the CLI (in-process) and the browser (in workers), so
 * both give the same model from the same volume and settings: segment a HU range (optionally
 * keeping the largest 6-connected piece), extract the surface (surfaceNets.ts, any kernel,
 * possibly split), then finish it: LPS mesh → smoothing → decimation → stats.
 */
export interface RangeSegmentation {
  readonly mask: Uint8Array;
  /** Voxels in the range, and those kept (equal unless only the largest piece is kept). */
  readonly selectedVoxels: number;
  readonly keptVoxels: number;
}

/** Mask of lo ≤ value ≤ hi, optionally reduced to its largest piece; `into` may be shared memory. */
export function segmentRange(
  voxels: VoxelArray,
  dimensions: readonly [number, number, number],
  range: HuRange,
  keepLargest: boolean,
  into?: Uint8Array,
): RangeSegmentation {
  const mask = thresholdMask(voxels, range, into);
  let selectedVoxels = 0;
  for (let i = 0; i < mask.length; i++) selectedVoxels += mask[i];
  if (!keepLargest || selectedVoxels === 0) return { mask, selectedVoxels, keptVoxels: selectedVoxels };
  const largest = keepLargestIsland(mask, dimensions);
  mask.set(largest);
  let keptVoxels = 0;
  for (let i = 0; i < mask.length; i++) keptVoxels += mask[i];
  return { mask, selectedVoxels, keptVoxels };
}

export interface FinishSettings {
  readonly smoothing: SmoothingLevel;
  /** Fraction of triangles to remove, 0 ≤ x < 1 (0 or absent: no decimation). */
  readonly decimate?: number;
}

export interface ModelResult {
  readonly mesh: TriangleMesh;
  readonly stats: MeshStats;
  readonly smoothing?: SmoothingReport;
  /** Without the mesh (it is `mesh` above). */
  readonly decimation?: Omit<DecimationResult, 'mesh'>;
}

/** Smooths (bounded to half a voxel), decimates (kept closed and manifold) and measures an LPS mesh. */
export async function finishModel(raw: TriangleMesh, geometry: VolumeGeometry, settings: FinishSettings): Promise<ModelResult> {
  const smoothed = settings.smoothing === 'off' ? undefined : smoothMesh(raw, geometry, SMOOTHING_LEVELS[settings.smoothing]);
  let mesh = smoothed?.mesh ?? raw;
  let decimation: Omit<DecimationResult, 'mesh'> | undefined;
  if (settings.decimate && settings.decimate > 0) {
    const { mesh: decimated, ...report } = await decimateMesh(mesh, { reduction: settings.decimate });
    mesh = decimated;
    decimation = report;
  }
  return { mesh, stats: meshStats(mesh), smoothing: smoothed?.report, decimation };
}
