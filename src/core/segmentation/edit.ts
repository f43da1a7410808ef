import type { VoxelArray } from '../volume/volume';
import type { HuRange } from './presets';
import type { LabelGrid, VoxelBox } from './grid';
import { commitBox, readBox } from './delta';
import type { LabelDelta } from './delta';

/**
 * Where an edit may change voxels (3D Slicer's "masking"): inside a voxel box, inside another
 * segment, within an intensity range; and whether it may take voxels that belong to other
 * segments. Every condition given must hold.
 */
export interface EditRegion {
  /** Only inside this box of voxel indices (min inclusive, max exclusive). */
  readonly box?: VoxelBox;
  /** Only where the labelmap holds this segment before the edit. */
  readonly insideLabel?: number;
  /** Only where lo ≤ value ≤ hi (HU on CT). */
  readonly range?: HuRange;
  /** May voxels of other segments be overwritten? Default true (Slicer's "overwrite all"). */
  readonly overwrite?: boolean;
}

/**
 * How a proposal (1/0 per voxel of a box) changes a segment:
 * - 'replace': inside the region the segment becomes exactly the proposal;
 * - 'add': proposal voxels join the segment;
 * - 'remove': proposal voxels leave the segment (become background).
 */
export type ProposalMode = 'replace' | 'add' | 'remove';

export interface EditTarget {
  readonly labels: Uint8Array;
  readonly grid: LabelGrid;
  /** The volume's values, needed when a region has a range. */
  readonly values?: VoxelArray;
}

/** Box ∩ region box; undefined when empty. */
export function regionBox(box: VoxelBox, region?: EditRegion): VoxelBox | undefined {
  if (!region?.box) return box;
  const min = [0, 1, 2].map((a) => Math.max(box.min[a], region.box!.min[a])) as [number, number, number];
  const max = [0, 1, 2].map((a) => Math.min(box.max[a], region.box!.max[a])) as [number, number, number];
  return min[0] < max[0] && min[1] < max[1] && min[2] < max[2] ? { min, max } : undefined;
}

/**
 * Applies a proposal for segment `label` inside `box` under `region`, writes the result into the
 * labelmap and returns what changed. `proposal` is in box order (i fastest).
 */
export function applyProposal(
  target: EditTarget,
  box: VoxelBox,
  proposal: Uint8Array,
  label: number,
  mode: ProposalMode,
  region?: EditRegion,
): LabelDelta | undefined {
  const clipped = regionBox(box, region);
  if (!clipped) return undefined;
  const { labels, grid, values } = target;
  const [nx, ny] = grid.dimensions;
  const bw = box.max[0] - box.min[0];
  const bh = box.max[1] - box.min[1];
  const after = readBox(labels, grid, clipped);
  const range = region?.range;
  if (range && !values) throw new Error('an edit limited to an intensity range needs the volume values');
  const inside = region?.insideLabel;
  const overwrite = region?.overwrite ?? true;
  const lo = range?.lo ?? 0;
  const hi = range?.hi ?? 0;
  let a = 0;
  for (let k = clipped.min[2]; k < clipped.max[2]; k++) {
    for (let j = clipped.min[1]; j < clipped.max[1]; j++) {
      let p = clipped.min[0] - box.min[0] + (j - box.min[1]) * bw + (k - box.min[2]) * bw * bh;
      let v = clipped.min[0] + j * nx + k * nx * ny;
      for (let i = clipped.min[0]; i < clipped.max[0]; i++, a++, p++, v++) {
        const was = after[a];
        if (inside !== undefined && was !== inside) continue;
        if (range) {
          const x = values![v];
          if (x < lo || x > hi) continue;
        }
        const want = proposal[p];
        if (want) {
          if (mode === 'remove') {
            if (was === label) after[a] = 0;
          } else if (was !== label && (overwrite || was === 0)) after[a] = label;
        } else if (mode === 'replace' && was === label) after[a] = 0;
      }
    }
  }
  return commitBox(labels, grid, clipped, after);
}

/**
 * A whole-grid mask as a proposal in its bounding box joined with the segment's current box
 * (so that voxels leaving the segment are inside it too).
 */
export function maskProposal(labels: Uint8Array, grid: LabelGrid, label: number, mask: Uint8Array): { box: VoxelBox; proposal: Uint8Array } | undefined {
  const [nx, ny, nz] = grid.dimensions;
  let x0 = nx;
  let y0 = ny;
  let z0 = nz;
  let x1 = -1;
  let y1 = -1;
  let z1 = -1;
  let v = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        if (!mask[v] && labels[v] !== label) continue;
        if (i < x0) x0 = i;
        if (i > x1) x1 = i;
        if (j < y0) y0 = j;
        if (j > y1) y1 = j;
        if (k < z0) z0 = k;
        z1 = k;
      }
    }
  }
  if (x1 < 0) return undefined;
  const box: VoxelBox = { min: [x0, y0, z0], max: [x1 + 1, y1 + 1, z1 + 1] };
  return { box, proposal: readBox(mask, grid, box) };
}

/** The binary mask of one segment. */
export function segmentMask(labels: Uint8Array, label: number, into?: Uint8Array): Uint8Array {
  const out = into ?? new Uint8Array(labels.length);
  for (let v = 0; v < labels.length; v++) out[v] = labels[v] === label ? 1 : 0;
  return out;
}
