import type { EditRegion, ProposalMode } from './edit';
import type { LabelGrid } from './grid';
import { keepLargestIsland } from './islands';
import type { EditVolume, SegmentInfo } from './steps';

/**
 * Segment Editor effects as steps: each turns one or more segments' masks into new masks. The
 * operations themselves are pure functions in this folder; an effect only names its parameters
 * (plain JSON, for undo and recipes) and says which segments it reads and writes.
 */
export type EffectStep = { readonly op: 'keep-largest'; readonly label: number; readonly region?: EditRegion };

export interface EffectContext {
  readonly labels: Uint8Array;
  readonly grid: LabelGrid;
  readonly volume: EditVolume;
  readonly segments: readonly SegmentInfo[];
  /** A fresh 0/1 mask of one segment. */
  segmentMask(label: number): Uint8Array;
}

export interface EffectWrite {
  readonly label: number;
  readonly mask: Uint8Array;
  /** Default 'replace': the segment becomes the mask (inside the step's region). */
  readonly mode?: ProposalMode;
}

export interface EffectResult {
  readonly writes: readonly EffectWrite[];
  /** The segment list after the effect, when it adds segments (e.g. split into pieces). */
  readonly segments?: readonly SegmentInfo[];
}

interface Effect<S extends EffectStep> {
  /** The segments the step needs to exist. */
  labels(step: S): readonly number[];
  run(step: S, ctx: EffectContext): EffectResult;
}

type EffectTable = { readonly [K in EffectStep['op']]: Effect<Extract<EffectStep, { op: K }>> };

export const EFFECTS: EffectTable = {
  'keep-largest': {
    labels: (s) => [s.label],
    run: (s, ctx) => ({ writes: [{ label: s.label, mask: keepLargestIsland(ctx.segmentMask(s.label), ctx.grid.dimensions) }] }),
  },
};

export const isEffect = (op: string): op is EffectStep['op'] => Object.hasOwn(EFFECTS, op);
