import type { HuRange } from '../segmentation/presets';
import { thresholdMask } from '../segmentation/threshold';
import { keepLargest as keepLargestPiece } from '../segmentation/islands';
import type { VolumeGeometry, VoxelArray } from '../volume/volume';
import type { SegmentMesh, TriangleMesh } from './mesh';
import type { SurfaceKernel } from './surfaceKernel';
import { TsSurfaceKernel } from './surfaceKernel';
import { extractSurface } from './surfaceNets';
import type { MeshStats, MeshTopology } from './stats';
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
  keepLargestPiece(mask, { dimensions, spacingMm: [1, 1, 1] }, 6, mask);
  let keptVoxels = 0;
  for (let i = 0; i < mask.length; i++) keptVoxels += mask[i];
  return { mask, selectedVoxels, keptVoxels };
}

/** The voxels of one segment of a labelmap as a mask (its largest 6-connected piece when asked). */
export function segmentLabel(labels: Uint8Array, label: number, dimensions: readonly [number, number, number], keepLargest: boolean, into?: Uint8Array): RangeSegmentation {
  const mask = into ?? new Uint8Array(labels.length);
  let selectedVoxels = 0;
  for (let i = 0; i < labels.length; i++) selectedVoxels += mask[i] = labels[i] === label ? 1 : 0;
  if (!keepLargest || selectedVoxels === 0) return { mask, selectedVoxels, keptVoxels: selectedVoxels };
  keepLargestPiece(mask, { dimensions, spacingMm: [1, 1, 1] }, 6, mask);
  let keptVoxels = 0;
  for (let i = 0; i < mask.length; i++) keptVoxels += mask[i];
  return { mask, selectedVoxels, keptVoxels };
}

export interface FinishSettings {
  readonly smoothing: SmoothingLevel;
  /** Fraction of triangles to remove, 0 ≤ x < 1 (0 or absent: no decimation). */
  readonly decimate?: number;
  /**
   * Measure the smoothing's deviation from the unsmoothed surface here (default true). The app
   * passes false and measures it in another worker after handing the model over, so the model
   * is ready (to preview and download) sooner; see `smoothingDeviation`.
   */
  readonly measureDeviation?: boolean;
}

export interface ModelResult {
  readonly mesh: TriangleMesh;
  readonly stats: MeshStats;
  readonly smoothing?: SmoothingReport;
  /** Without the mesh (it is `mesh` above). */
  readonly decimation?: Omit<DecimationResult, 'mesh'>;
}

/**
 * Smooths (bounded to half a voxel), decimates (kept closed and manifold) and measures an LPS mesh.
 * `rawTopology`: `meshTopology` of `raw`, being computed elsewhere meanwhile (another worker);
 * used when decimation leaves the triangles as they are, and computed here if it resolves to
 * undefined.
 */
export async function finishModel(
  raw: TriangleMesh,
  geometry: VolumeGeometry,
  settings: FinishSettings,
  rawTopology?: Promise<MeshTopology | undefined>,
): Promise<ModelResult> {
  const smoothed =
    settings.smoothing === 'off' ? undefined : smoothMesh(raw, geometry, { ...SMOOTHING_LEVELS[settings.smoothing], measureDeviation: settings.measureDeviation ?? true });
  let mesh = smoothed?.mesh ?? raw;
  let decimation: Omit<DecimationResult, 'mesh'> | undefined;
  if (settings.decimate && settings.decimate > 0) {
    const { mesh: decimated, ...report } = await decimateMesh(mesh, { reduction: settings.decimate });
    mesh = decimated;
    decimation = report;
  }
  const topology = mesh.indices === raw.indices ? await rawTopology : undefined;
  return { mesh, stats: meshStats(mesh, topology), smoothing: smoothed?.report, decimation };
}

/** A segment of a labelmap: its label value (1–255), display name and colour. */
export interface LabelSegment {
  readonly label: number;
  readonly name: string;
  readonly colorRgb: readonly [number, number, number];
}

/**
 * One closed mesh per segment of a labelmap (each the exact boundary of its voxels, LPS mm).
 * Segments that touch each other share the boundary position, each closed on its own.
 */
export function labelmapSurfaces(
  labelmap: Uint8Array,
  geometry: VolumeGeometry,
  segments: readonly LabelSegment[],
  kernel: SurfaceKernel = new TsSurfaceKernel(),
): SegmentMesh[] {
  return segments.map((s) => {
    if (!Number.isInteger(s.label) || s.label < 1 || s.label > 255) throw new RangeError(`segment "${s.name}": label must be 1–255, got ${s.label}`);
    return { name: s.name, colorRgb: s.colorRgb, mesh: extractSurface({ dimensions: geometry.dimensions, mask: labelmap, label: s.label }, geometry, kernel) };
  });
}
