import type { Volume, VolumeGeometry, VoxelArray } from '../volume/volume';
import { voxelCount } from '../volume/volume';
import type { HuRange } from './presets';
import type { LabelDelta } from './delta';
import { fullBox } from './delta';
import type { EditRegion } from './edit';
import { applyProposal, maskBox } from './edit';
import { segmentMask } from './logical';
import type { BrushStroke } from './brush';
import { strokeProposal } from './brush';
import { boundingBox } from './grid';
import type { LabelGrid } from './grid';
import { EFFECTS, isEffect } from './effects';
import type { SegmentInfo } from './segments';

export { SEGMENT_COLOURS, nextLabel } from './segments';
export type { SegmentInfo } from './segments';
import type { EffectContext, EffectResult, EffectStep } from './effects';

/**
 * One edit, with every parameter needed to repeat it: the unit of undo and of recipes. Steps are
 * plain JSON (no typed arrays), so a session's steps can be saved and replayed headless.
 */
export type Step =
  | { readonly op: 'add-segment'; readonly segment: SegmentInfo }
  | { readonly op: 'update-segment'; readonly label: number; readonly name?: string; readonly colorRgb?: readonly [number, number, number] }
  /** Deletes the segment and clears its voxels. */
  | { readonly op: 'remove-segment'; readonly label: number }
  /** Inside the region, the segment becomes exactly the voxels with lo ≤ value ≤ hi. */
  | { readonly op: 'threshold'; readonly label: number; readonly range: HuRange; readonly region?: EditRegion }
  /** Brush (adds to the segment) or eraser (removes from it). */
  | ({ readonly op: 'paint'; readonly label: number; readonly erase?: boolean; readonly region?: EditRegion } & BrushStroke)
  /** Empties the segment (it stays in the list). */
  | { readonly op: 'clear'; readonly label: number }
  | EffectStep;

/** The segmentation of one volume: the labelmap (one label per voxel) and its segments. */
export interface Segmentation {
  /** Mutable: steps write into it; the viewer displays this very array. */
  readonly labels: Uint8Array;
  segments: readonly SegmentInfo[];
}

/** What a step did, enough to undo and redo it. */
export interface StepOutcome {
  /** Labelmap changes in the order they were made (undo reverts them last to first). */
  readonly deltas: readonly LabelDelta[];
  readonly segmentsBefore: readonly SegmentInfo[];
  readonly segmentsAfter: readonly SegmentInfo[];
}

export type EditVolume = VolumeGeometry & { readonly voxels: VoxelArray } & Partial<Pick<Volume, 'seriesInstanceUid'>>;

export const gridOf = (g: VolumeGeometry): LabelGrid => ({ dimensions: g.dimensions, spacingMm: g.spacingMm });

export function emptySegmentation(volume: Pick<VolumeGeometry, 'dimensions'>): Segmentation {
  return { labels: new Uint8Array(voxelCount(volume)), segments: [] };
}

/**
 * Scratch masks for effects, kept between steps: a fresh 100 MB array costs about half a second
 * of page faults on first touch on some machines, a reused one only its refill.
 */
const scratch: Uint8Array[] = [];
const SCRATCH_KEEP = 3;
function borrow(n: number): Uint8Array {
  const i = scratch.findIndex((b) => b.length === n);
  return i >= 0 ? scratch.splice(i, 1)[0] : new Uint8Array(n);
}
function giveBack(buffers: readonly Uint8Array[]): void {
  for (const b of buffers) if (scratch.length < SCRATCH_KEEP) scratch.push(b);
}

function requireSegment(seg: Segmentation, label: number): void {
  if (!seg.segments.some((s) => s.label === label)) throw new Error(`no segment ${label}`);
}

/** Runs one step on the segmentation (in place) and returns what changed. */
export function applyStep(seg: Segmentation, volume: EditVolume, step: Step): StepOutcome {
  const segmentsBefore = seg.segments;
  const grid = gridOf(volume);
  const target = { labels: seg.labels, grid, values: volume.voxels };
  const deltas: LabelDelta[] = [];
  const keep = (d: LabelDelta | undefined): void => {
    if (d && d.changedVoxels) deltas.push(d);
  };
  switch (step.op) {
    case 'add-segment': {
      const { label } = step.segment;
      if (!Number.isInteger(label) || label < 1 || label > 255) throw new Error(`segment label must be 1–255, got ${label}`);
      if (seg.segments.some((s) => s.label === label)) throw new Error(`segment ${label} exists already`);
      seg.segments = [...seg.segments, step.segment];
      break;
    }
    case 'update-segment': {
      requireSegment(seg, step.label);
      seg.segments = seg.segments.map((s) => (s.label === step.label ? { ...s, ...(step.name !== undefined && { name: step.name }), ...(step.colorRgb && { colorRgb: step.colorRgb }) } : s));
      break;
    }
    case 'remove-segment':
    case 'clear': {
      requireSegment(seg, step.label);
      // An empty proposal over the segment's own box: every voxel of it leaves.
      const box = boundingBox(seg.labels, grid, step.label);
      const none = borrow(seg.labels.length);
      none.fill(0);
      if (box) keep(applyProposal(target, box, none, step.label, 'replace', undefined, true));
      giveBack([none]);
      if (step.op === 'remove-segment') seg.segments = seg.segments.filter((s) => s.label !== step.label);
      break;
    }
    case 'threshold': {
      requireSegment(seg, step.label);
      const { lo, hi } = step.range;
      if (!(lo <= hi)) throw new Error(`threshold range is empty: ${lo} to ${hi}`);
      const proposal = borrow(seg.labels.length);
      const values = volume.voxels;
      for (let v = 0; v < values.length; v++) proposal[v] = values[v] >= lo && values[v] <= hi ? 1 : 0;
      keep(applyProposal(target, fullBox(grid), proposal, step.label, 'replace', step.region, true));
      giveBack([proposal]);
      break;
    }
    case 'paint': {
      requireSegment(seg, step.label);
      const stroke = strokeProposal(volume, step);
      if (stroke) keep(applyProposal(target, stroke.box, stroke.proposal, step.label, step.erase ? 'remove' : 'add', step.region));
      break;
    }
    default: {
      if (!isEffect(step.op)) throw new Error(`unknown step "${(step as { op: string }).op}"`);
      const effect = EFFECTS[step.op] as unknown as { labels(s: EffectStep): readonly number[]; run(s: EffectStep, ctx: EffectContext): EffectResult };
      for (const label of effect.labels(step)) requireSegment(seg, label);
      const borrowed: Uint8Array[] = [];
      const maskOf = (label: number): Uint8Array => {
        const buffer = borrow(seg.labels.length);
        borrowed.push(buffer);
        return segmentMask(seg.labels, label, buffer);
      };
      const scratchOf = (): Uint8Array => {
        const buffer = borrow(seg.labels.length);
        borrowed.push(buffer);
        return buffer;
      };
      const result = effect.run(step, { labels: seg.labels, grid, volume, segments: seg.segments, segmentMask: maskOf, scratch: scratchOf });
      if (result.segments) seg.segments = result.segments;
      const region = 'region' in step ? step.region : undefined;
      for (const { label, mask, mode, overwrite } of result.writes) {
        const box = maskBox(seg.labels, grid, label, mask);
        if (box) keep(applyProposal(target, box, mask, label, mode ?? 'replace', overwrite === undefined ? region : { ...region, overwrite }, true));
      }
      giveBack(borrowed);
    }
  }
  return { deltas, segmentsBefore, segmentsAfter: seg.segments };
}
