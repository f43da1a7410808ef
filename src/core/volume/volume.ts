import { type Vec3, addScaled, dot, sub } from '../geometry/vec3';

/**
 * A scalar volume on a regular grid in DICOM patient space (LPS, millimetres).
 *
 * Voxel layout: `index = i + j * nx + k * nx * ny` (i fastest). `i` runs along the image
 * rows' direction (DICOM row cosine, i.e. across columns), `j` down the columns (column
 * cosine), `k` along the slice direction. `originLps` is the centre of voxel (0,0,0).
 */
export interface VolumeGeometry {
  /** [nx, ny, nz]: columns, rows, slices. */
  readonly dimensions: readonly [number, number, number];
  /** [between columns, between rows, between slices] in mm. */
  readonly spacingMm: Vec3;
  /** Centre of voxel (0,0,0) in LPS mm. */
  readonly originLps: Vec3;
  /** Unit vectors in LPS: [row direction (i), column direction (j), slice direction (k)]. */
  readonly directionLps: readonly [Vec3, Vec3, Vec3];
}

export type VoxelArray = Int16Array | Float32Array;

export interface WindowPreset {
  readonly label: string;
  readonly center: number;
  readonly width: number;
}

export type WarningCode =
  | 'gantry-tilt'
  | 'non-uniform-spacing'
  | 'missing-slices'
  | 'duplicate-positions'
  | 'oblique'
  | 'resampled'
  | 'pixel-padding'
  | 'monochrome1'
  | 'lossy-compression'
  | 'mixed-rescale'
  | 'spacing-from-header'
  | 'promoted-to-float'
  | 'value-clipped';

export interface VolumeWarning {
  readonly code: WarningCode;
  readonly message: string;
}

export interface Volume extends VolumeGeometry {
  /** Voxel values in the modality's units (HU for CT), rescale applied. */
  readonly voxels: VoxelArray;
  readonly modality: string;
  /** 'HU' for CT; otherwise the modality's arbitrary units. */
  readonly unit: string;
  /** Window presets stored in the DICOM headers (first slice wins, duplicates removed). */
  readonly windowPresets: readonly WindowPreset[];
  /** True when the source was MONOCHROME1: values are kept, display must invert. */
  readonly invertDisplay: boolean;
  readonly seriesInstanceUid: string;
  readonly warnings: readonly VolumeWarning[];
}

export const voxelCount = (g: Pick<VolumeGeometry, 'dimensions'>): number =>
  g.dimensions[0] * g.dimensions[1] * g.dimensions[2];

export const voxelIndex = (g: Pick<VolumeGeometry, 'dimensions'>, i: number, j: number, k: number): number =>
  i + j * g.dimensions[0] + k * g.dimensions[0] * g.dimensions[1];

/** Centre of voxel (i, j, k) (fractional allowed) in LPS mm. */
export function ijkToLps(g: VolumeGeometry, ijk: Vec3): Vec3 {
  const [r, c, s] = g.directionLps;
  let p = addScaled(g.originLps, r, ijk[0] * g.spacingMm[0]);
  p = addScaled(p, c, ijk[1] * g.spacingMm[1]);
  return addScaled(p, s, ijk[2] * g.spacingMm[2]);
}

/**
 * Continuous voxel coordinates of an LPS point. Exact for orthonormal directions (every
 * volume the DICOM loader produces: slice direction = row × column).
 */
export function lpsToIjk(g: VolumeGeometry, pointLps: Vec3): Vec3 {
  const d = sub(pointLps, g.originLps);
  const [r, c, s] = g.directionLps;
  return [dot(d, r) / g.spacingMm[0], dot(d, c) / g.spacingMm[1], dot(d, s) / g.spacingMm[2]];
}

/**
 * The value of the voxel whose centre is nearest to a patient point (what a viewer shows under
 * the cursor), with its index; undefined outside the volume.
 */
export function sampleNearest(volume: Pick<Volume, 'dimensions' | 'spacingMm' | 'originLps' | 'directionLps' | 'voxels'>, pointLps: Vec3): { ijk: Vec3; value: number } | undefined {
  const [x, y, z] = lpsToIjk(volume, pointLps).map(Math.round);
  const [nx, ny, nz] = volume.dimensions;
  if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) return undefined;
  return { ijk: [x, y, z], value: volume.voxels[x + y * nx + z * nx * ny] };
}
