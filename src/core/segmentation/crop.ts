import type { Vec3 } from '../geometry/vec3';
import type { VolumeGeometry, VoxelArray } from '../volume/volume';
import { ijkToLps } from '../volume/volume';
import type { LabelGrid, VoxelBox } from './grid';
import { checkGrid } from './grid';

/**
 * Cropping a volume and its labelmap to a box of voxels. The geometry stays exact: spacing and
 * directions are unchanged and the new origin (centre of the new voxel (0,0,0)) is the centre of
 * the old voxel `box.min`, i.e. `origin + direction · spacing · min` (`ijkToLps(volume, min)`),
 * so every kept voxel keeps its LPS position.
 */

type CroppableArray = Uint8Array | Int16Array | Float32Array | Int32Array | Uint16Array;

/** Throws unless `box` is a non-empty box of integer indices inside `dimensions`. */
export function checkBox(box: VoxelBox, dimensions: readonly [number, number, number]): void {
  for (let a = 0; a < 3; a++) {
    const lo = box.min[a];
    const hi = box.max[a];
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw new Error(`crop box [${box.min.join(', ')}]…[${box.max.join(', ')}] is not made of integer voxel indices`);
    if (lo < 0 || hi > dimensions[a] || lo >= hi) {
      throw new Error(`crop box [${box.min.join(', ')}]…[${box.max.join(', ')}) is empty or outside the grid ${dimensions.join('×')}`);
    }
  }
}

/** Dimensions of a box: max − min per axis. */
export const boxDimensions = (box: VoxelBox): [number, number, number] => [box.max[0] - box.min[0], box.max[1] - box.min[1], box.max[2] - box.min[2]];

/** `box` grown by `margin` voxels on every side (or per axis), clamped to the grid. */
export function expandBox(box: VoxelBox, margin: number | readonly [number, number, number], dimensions: readonly [number, number, number]): VoxelBox {
  const m = typeof margin === 'number' ? [margin, margin, margin] : margin;
  if (m.some((x) => !Number.isInteger(x) || x < 0)) throw new Error(`margin must be whole voxels ≥ 0, got ${m.join(', ')}`);
  const min = [0, 1, 2].map((a) => Math.max(0, box.min[a] - m[a])) as [number, number, number];
  const max = [0, 1, 2].map((a) => Math.min(dimensions[a], box.max[a] + m[a])) as [number, number, number];
  return { min, max };
}

/** The voxels of `array` (grid `dimensions`) inside `box`, as a new array of the same type, in the box's own layout. */
export function cropArray<T extends CroppableArray>(array: T, dimensions: readonly [number, number, number], box: VoxelBox): T {
  checkGrid(array, { dimensions }, 'array');
  checkBox(box, dimensions);
  const [nx, ny] = dimensions;
  const [bx, by, bz] = boxDimensions(box);
  const out = new (array.constructor as new (n: number) => T)(bx * by * bz);
  let dst = 0;
  for (let k = 0; k < bz; k++) {
    for (let j = 0; j < by; j++) {
      const src = box.min[0] + (box.min[1] + j) * nx + (box.min[2] + k) * nx * ny;
      out.set(array.subarray(src, src + bx) as T, dst);
      dst += bx;
    }
  }
  return out;
}

/** The geometry of the box: same spacing and directions, dimensions of the box, origin at the centre of voxel `box.min`. */
export function cropGeometry(geometry: VolumeGeometry, box: VoxelBox): VolumeGeometry {
  checkBox(box, geometry.dimensions);
  const originLps: Vec3 = ijkToLps(geometry, [box.min[0], box.min[1], box.min[2]]);
  return { dimensions: boxDimensions(box), spacingMm: geometry.spacingMm, originLps, directionLps: geometry.directionLps };
}

export interface Cropped<V> {
  /** The volume with its voxels, dimensions and origin cropped; every other field unchanged. */
  readonly volume: V;
  /** The labelmap (or mask) cropped the same way, when one was given. */
  readonly labels?: Uint8Array;
  /** The grid of the cropped arrays. */
  readonly grid: LabelGrid;
}

/**
 * Crops a volume (and optionally its labelmap) to `box` (inclusive min, exclusive max). Returns
 * new arrays; the volume's other fields (modality, warnings, …) are carried over unchanged.
 */
export function cropVolume<V extends VolumeGeometry & { readonly voxels: VoxelArray }>(volume: V, box: VoxelBox, labels?: Uint8Array): Cropped<V> {
  checkGrid(volume.voxels, volume, 'volume');
  if (labels) checkGrid(labels, volume, 'labelmap');
  const geometry = cropGeometry(volume, box);
  const voxels = cropArray(volume.voxels, volume.dimensions, box);
  return {
    volume: { ...volume, voxels, dimensions: geometry.dimensions, originLps: geometry.originLps },
    labels: labels ? cropArray(labels, volume.dimensions, box) : undefined,
    grid: { dimensions: geometry.dimensions, spacingMm: volume.spacingMm },
  };
}
