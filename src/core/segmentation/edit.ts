import type { VoxelArray } from '../volume/volume';
import type { HuRange } from './presets';
import { byteRepeat, hasZeroByte } from './bytes';
import { boundingBox } from './grid';
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
  const encoder = new DeltaEncoder();
  const [x0, x1] = [clipped.min[0], clipped.max[0]];
  if (fullGrid && !range && inside === undefined && (labels.byteOffset & 3) === 0 && (proposal.byteOffset & 3) === 0) {
    applyWords(labels, proposal, grid, clipped, label, mode, overwrite, encoder);
    return encoder.finish(clipped);
  }
  for (let k = clipped.min[2]; k < clipped.max[2]; k++) {
    for (let j = clipped.min[1]; j < clipped.max[1]; j++) {
      const row = j * nx + k * nx * ny;
      let p = fullGrid ? x0 + row : x0 - box.min[0] + (j - box.min[1]) * bw + (k - box.min[2]) * bw * bh;
      let v = x0 + row;
      for (let i = x0; i < x1; i++, p++, v++) {
        const was = labels[v];
        const now = (inside === undefined || was === inside) && (!range || (values![v] >= lo && values![v] <= hi)) ? proposed(was, proposal[p], label, mode, overwrite) : was;
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

/** A voxel's label after a proposal value `p` (no region conditions). */
function proposed(was: number, p: number, label: number, mode: ProposalMode, overwrite: boolean): number {
  if (p) {
    if (mode === 'remove') return was === label ? 0 : was;
    return was !== label && (overwrite || was === 0) ? label : was;
  }
  return mode === 'replace' && was === label ? 0 : was;
}

/**
 * `applyProposal` for a whole-grid proposal without an intensity range or an "inside segment"
 * condition, four voxels at a time: a word of the proposal that is all 0 (or all 1) next to a
 * word of the labelmap that cannot change under it is skipped whole. Whole-volume effects change
 * a sliver of a 100 MB labelmap; this reads the rest at a few ns per word.
 */
function applyWords(labels: Uint8Array, proposal: Uint8Array, grid: LabelGrid, box: VoxelBox, label: number, mode: ProposalMode, overwrite: boolean, encoder: DeltaEncoder): void {
  const [nx, ny] = grid.dimensions;
  const L = new Uint32Array(labels.buffer, labels.byteOffset, labels.length >> 2);
  const P = new Uint32Array(proposal.buffer, proposal.byteOffset, proposal.length >> 2);
  const rep = byteRepeat(label);
  const ONES = 0x01010101;
  const replace = mode === 'replace';
  const remove = mode === 'remove';
  let same = 0;
  for (let k = box.min[2]; k < box.max[2]; k++) {
    for (let j = box.min[1]; j < box.max[1]; j++) {
      const row = j * nx + k * nx * ny;
      const end = row + box.max[0];
      let v = row + box.min[0];
      while (v < end) {
        if ((v & 3) === 0 && v + 4 <= end) {
          const pw = P[v >> 2];
          const lw = L[v >> 2];
          // Proposal 0: only 'replace' takes the segment's voxels away. Proposal 1: 'remove'
          // takes them away, the others change nothing where every voxel is the segment already.
          const keep = pw === 0 ? !replace || !hasZeroByte(lw ^ rep) : pw === ONES ? (remove ? !hasZeroByte(lw ^ rep) : lw === rep) : false;
          if (keep) {
            same += 4;
            v += 4;
            continue;
          }
        }
        const was = labels[v];
        const now = proposed(was, proposal[v], label, mode, overwrite);
        if (now === was) same++;
        else {
          encoder.skipMany(same);
          same = 0;
          encoder.change(was, now);
          labels[v] = now;
        }
        v++;
      }
    }
  }
}

/**
 * The box a whole-grid mask needs as a proposal for segment `label`: the mask's bounding box
 * joined with the segment's current one (so voxels leaving the segment are inside it too).
 */
export function maskBox(labels: Uint8Array, grid: LabelGrid, label: number, mask: Uint8Array): VoxelBox | undefined {
  const boxes = [boundingBox(mask, grid), boundingBox(labels, grid, label)].filter((x): x is VoxelBox => x !== undefined);
  if (!boxes.length) return undefined;
  return {
    min: [0, 1, 2].map((a) => Math.min(...boxes.map((x) => x.min[a]))) as [number, number, number],
    max: [0, 1, 2].map((a) => Math.max(...boxes.map((x) => x.max[a]))) as [number, number, number],
  };
}
