import type { VoxelArray } from '../volume/volume';
import type { HuRange } from './presets';

/**
 * A binary mask of the voxels with lo ≤ value ≤ hi (1 inside, 0 outside), same layout as the
 * volume (`i + j*nx + k*nx*ny`). Returns a new array unless `into` is given.
 */
export function thresholdMask(voxels: VoxelArray, range: HuRange, into?: Uint8Array): Uint8Array {
  const out = into ?? new Uint8Array(voxels.length);
  if (out.length !== voxels.length) throw new Error(`mask has ${out.length} voxels, volume ${voxels.length}`);
  const { lo, hi } = range;
  for (let i = 0; i < voxels.length; i++) {
    const v = voxels[i];
    out[i] = v >= lo && v <= hi ? 1 : 0;
  }
  return out;
}

/** Number of voxels inside the range (without building a mask). */
export function countInRange(voxels: VoxelArray, range: HuRange): number {
  let n = 0;
  for (let i = 0; i < voxels.length; i++) if (voxels[i] >= range.lo && voxels[i] <= range.hi) n++;
  return n;
}
