import type { VoxelArray } from '../volume/volume';
import type { HuRange } from './presets';
import { boundingBox } from './grid';
import { nonZeroBox } from './distance';
import type { LabelGrid, VoxelBox } from './grid';
import { DeltaEncoder } from './delta';
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
 * labelmap and returns what changed, in one pass. `proposal` is in box order (i fastest), or,
 * with `fullGrid`, a mask over the whole grid (then only its part inside `box` is read).
 */
export function applyProposal(
  target: EditTarget,
  box: VoxelBox,
  proposal: Uint8Array,
  label: number,
  mode: ProposalMode,
  region?: EditRegion,
  fullGrid = false,
): LabelDelta | undefined {
  const clipped = regionBox(box, region);
  if (!clipped) return undefined;
  const { labels, grid, values } = target;
  const [nx, ny] = grid.dimensions;
  const bw = box.max[0] - box.min[0];
  const bh = box.max[1] - box.min[1];
  const range = region?.range;
  if (range && !values) throw new Error('an edit limited to an intensity range needs the volume values');
  const inside = region?.insideLabel;
  const overwrite = region?.overwrite ?? true;
  const lo = range?.lo ?? 0;
  const hi = range?.hi ?? 0;
  const replace = mode === 'replace';
  const remove = mode === 'remove';
  const encoder = new DeltaEncoder();
  const [x0, x1] = [clipped.min[0], clipped.max[0]];
  for (let k = clipped.min[2]; k < clipped.max[2]; k++) {
    for (let j = clipped.min[1]; j < clipped.max[1]; j++) {
      const row = j * nx + k * nx * ny;
      let p = fullGrid ? x0 + row : x0 - box.min[0] + (j - box.min[1]) * bw + (k - box.min[2]) * bw * bh;
      let v = x0 + row;
      for (let i = x0; i < x1; i++, p++, v++) {
        const was = labels[v];
        let now = was;
        if ((inside === undefined || was === inside) && (!range || (values![v] >= lo && values![v] <= hi))) {
          if (proposal[p]) {
            if (remove) {
              if (was === label) now = 0;
            } else if (was !== label && (overwrite || was === 0)) now = label;
          } else if (replace && was === label) now = 0;
        }
        if (now === was) encoder.same();
        else {
          encoder.change(was, now);
          labels[v] = now;
        }
      }
    }
  }
  return encoder.finish(clipped);
}

/**
 * The box a whole-grid mask needs as a proposal for segment `label`: the mask's bounding box
 * joined with the segment's current one (so voxels leaving the segment are inside it too).
 */
export function maskBox(labels: Uint8Array, grid: LabelGrid, label: number, mask: Uint8Array): VoxelBox | undefined {
  const boxes = [nonZeroBox(mask, grid), boundingBox(labels, grid, label)].filter((x): x is VoxelBox => x !== undefined);
  if (!boxes.length) return undefined;
  return {
    min: [0, 1, 2].map((a) => Math.min(...boxes.map((x) => x.min[a]))) as [number, number, number],
    max: [0, 1, 2].map((a) => Math.max(...boxes.map((x) => x.max[a]))) as [number, number, number],
  };
}

/** The binary mask of one segment. */
export function segmentMask(labels: Uint8Array, label: number, into?: Uint8Array): Uint8Array {
  // A fresh array is zero: write only the segment's voxels (fresh pages untouched elsewhere).
  if (!into) {
    const out = new Uint8Array(labels.length);
    for (let v = 0; v < labels.length; v++) if (labels[v] === label) out[v] = 1;
    return out;
  }
  for (let v = 0; v < labels.length; v++) into[v] = labels[v] === label ? 1 : 0;
  return into;
}
