import { create } from 'zustand';
import type { Vec3 } from '../core/geometry/vec3';
import type { VoxelBox } from '../core/segmentation/grid';
import { EditHistory } from '../core/segmentation/history';
import { createRecipe } from '../core/segmentation/recipe';
import { SEGMENT_COLOURS, applyStep, emptySegmentation, nextLabel } from '../core/segmentation/steps';
import type { Segmentation, SegmentInfo, Step, StepOutcome } from '../core/segmentation/steps';
import { applyDelta, tallyDelta } from '../core/segmentation/delta';
import { isCancelled } from '../core/errors';
import { SegmentationWorker } from '../workers/segmentationClient';
import type { LabelDelta } from '../core/segmentation/delta';
import type { EditRegion } from '../core/segmentation/edit';
import type { HuRange } from '../core/segmentation/presets';
import { thresholdMask } from '../core/segmentation/threshold';
import { getVolume } from './volumeRegistry';
import { lpsToIjk } from '../core/volume/volume';
import type { ScissorsShape } from '../core/segmentation/scissors';
import type { SegmentStatistics } from '../core/segmentation/statistics';

/** A segment as the UI shows it: its step-recorded identity plus display settings (not steps). */
export interface SegmentView extends SegmentInfo {
  readonly visible: boolean;
  /** 0–1, fill opacity on the slices and in the model preview. */
  readonly opacity: number;
  /** Voxels holding this segment (updated after every edit). */
  readonly voxels: number;
}

export type EditTool = 'brush' | 'eraser';

export interface BrushSettings {
  readonly radiusMm: number;
  /** 'circle' paints the visible slice, 'sphere' in 3D. */
  readonly shape: 'circle' | 'sphere';
  /** Paint only voxels inside the threshold range ("paint only bone"). */
  readonly limitToRange: boolean;
}

export interface ScissorsSettings {
  readonly shape: 'freehand' | 'rectangle' | 'circle';
  /** Cut the voxels inside the shape, or outside it. */
  readonly side: 'inside' | 'outside';
  readonly operation: 'erase' | 'fill';
  /** Erase from every segment, or only the active one. */
  readonly allSegments: boolean;
  /** 0: through the whole volume; otherwise a slab of ± this many mm around the view plane. */
  readonly depthMm: number;
}

export interface SegmentationState {
  readonly volumeId?: string;
  readonly segments: readonly SegmentView[];
  readonly activeLabel?: number;
  readonly brush: BrushSettings;
  readonly scissors: ScissorsSettings;
  /** What a click with the pick tool does to the piece under it. */
  readonly pickAction: 'keep-piece' | 'remove-piece';
  /** Bumped after every change of the labelmap; the views redraw the changed box. */
  readonly revision: number;
  /** The box of voxels changed by the last revision (undefined: everything). */
  readonly changedBox?: VoxelBox;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  /** Description of the step undo would revert / redo would re-apply. */
  readonly undoLabel?: string;
  readonly redoLabel?: string;
  readonly error?: string;
  /** Starts a fresh segmentation for a newly loaded volume. */
  initForVolume(volumeId: string | undefined): void;
  addSegment(name?: string): number | undefined;
  renameSegment(label: number, name: string): void;
  recolourSegment(label: number, colorRgb: readonly [number, number, number]): void;
  removeSegment(label: number): void;
  clearSegment(label: number): void;
  setActive(label: number): void;
  setVisible(label: number, visible: boolean): void;
  setOpacity(label: number, opacity: number): void;
  setBrush(patch: Partial<BrushSettings>): void;
  setScissors(patch: Partial<ScissorsSettings>): void;
  setPickAction(action: 'keep-piece' | 'remove-piece'): void;
  /** A scissors cut drawn on a view: the pointer's path (LPS mm), the view's normal and up. */
  cut(pathLps: readonly Vec3[], normalLps: Vec3, viewUpLps: Vec3): void;
  /** Keeps or removes (per `pickAction`) the piece of the active segment under a point. */
  pick(pointLps: Vec3): void;
  /** The active segment becomes the voxels in range (inside `region` only, when given). */
  threshold(range: HuRange, region?: EditRegion): void;
  /**
   * A brush or eraser stroke on the active segment: painted live as the pointer moves, recorded
   * as one step (all its points) when it ends. Points are LPS mm on the view's plane.
   */
  beginStroke(tool: EditTool, pointLps: Vec3, normalLps: Vec3, range?: HuRange): void;
  extendStroke(pointLps: Vec3): void;
  endStroke(): void;
  /** Any step, on this thread (small edits). */
  run(step: Step): void;
  /** The effect being computed in the worker (its description), if any. */
  readonly running?: string;
  /** An effect, computed in the segmentation worker; cancellable. */
  runEffect(step: Step): Promise<void>;
  cancelEffect(): void;
  /** Per-segment statistics, computed on request (for the labelmap at `revision`). */
  readonly statistics?: { readonly revision: number; readonly rows: readonly SegmentStatistics[] };
  computeStatistics(): Promise<void>;
  undo(): void;
  redo(): void;
  /** The session's steps as a recipe file (JSON text). */
  recipeJson(): string;
}

let segmentation: Segmentation | undefined;
const history = new EditHistory();
/** The stroke being drawn: its step (points so far) and the changes made live. */
let stroke: { step: Extract<Step, { op: 'paint' }>; points: Vec3[]; deltas: LabelDelta[]; segmentsBefore: readonly SegmentInfo[] } | undefined;
const worker = new SegmentationWorker();
let effectController: AbortController | undefined;
const display = new Map<number, { visible: boolean; opacity: number }>();

let preview: { mask: Uint8Array; key: string } | undefined;

/**
 * The voxels in `range` as a 0/1 mask for the views' threshold preview (one array per volume,
 * refilled when the range changes).
 */
export function getRangePreview(range: HuRange): Uint8Array | undefined {
  const volume = getVolume(useSegmentationStore.getState().volumeId);
  if (!volume) return undefined;
  const key = `${useSegmentationStore.getState().volumeId}:${range.lo}:${range.hi}`;
  if (preview?.key === key) return preview.mask;
  const mask = preview && preview.mask.length === volume.voxels.length ? preview.mask : new Uint8Array(volume.voxels.length);
  thresholdMask(volume.voxels, range, mask);
  preview = { mask, key };
  return mask;
}

/** The labelmap (outside React state; the viewer displays this very array). */
export const getLabelmap = (): Uint8Array | undefined => segmentation?.labels;

/** Voxels per label, kept up to date from the deltas (never by rescanning the labelmap). */
let counts = new Float64Array(256);

const describeStep = (s: Step): string => {
  switch (s.op) {
    case 'paint':
      return s.erase ? 'eraser stroke' : 'brush stroke';
    case 'add-segment':
      return `add ${s.segment.name}`;
    case 'remove-segment':
      return 'delete segment';
    case 'update-segment':
      return s.name !== undefined ? 'rename' : 'recolour';
    case 'logical':
      return s.operation;
    case 'smooth':
      return `${s.method} smoothing`;
    default:
      return s.op.replace(/-/g, ' ');
  }
};

function unionBox(deltas: readonly LabelDelta[]): VoxelBox | undefined {
  if (!deltas.length) return undefined;
  const min = [0, 1, 2].map((a) => Math.min(...deltas.map((d) => d.box.min[a]))) as [number, number, number];
  const max = [0, 1, 2].map((a) => Math.max(...deltas.map((d) => d.box.max[a]))) as [number, number, number];
  return { min, max };
}

export const useSegmentationStore = create<SegmentationState>()((set, get) => {
  /** Publishes the segmentation's state to React after a change of `deltas`. */
  const publish = (deltas: readonly LabelDelta[] | 'all', direction: 'undo' | 'redo' = 'redo', error?: string): void => {
    if (!segmentation) return;
    if (deltas !== 'all') for (const d of deltas) tallyDelta(counts, d, direction);
    const segments = segmentation.segments.map((s) => ({ ...s, ...(display.get(s.label) ?? { visible: true, opacity: 0.5 }), voxels: counts[s.label] }));
    const active = get().activeLabel;
    set({
      segments,
      activeLabel: segments.some((s) => s.label === active) ? active : segments[segments.length - 1]?.label,
      revision: get().revision + (deltas === 'all' || deltas.length ? 1 : 0),
      changedBox: deltas === 'all' ? undefined : unionBox(deltas),
      canUndo: history.canUndo,
      canRedo: history.canRedo,
      undoLabel: history.nextUndo && describeStep(history.nextUndo),
      redoLabel: history.nextRedo && describeStep(history.nextRedo),
      error,
    });
  };

  /** While an effect runs in the worker the labelmap must not change under it (its delta would not apply). */
  const busy = (): boolean => {
    if (!get().running) return false;
    set({ error: `Wait for ${get().running} to finish (or cancel it).` });
    return true;
  };

  const apply = (step: Step): StepOutcome | undefined => {
    const volume = getVolume(get().volumeId);
    if (!volume || !segmentation || busy()) return undefined;
    try {
      const outcome = applyStep(segmentation, volume, step);
      history.record(step, outcome);
      publish(outcome.deltas);
      return outcome;
    } catch (e) {
      set({ error: `${describeStep(step)}: ${(e as Error).message}` });
      return undefined;
    }
  };

  return {
    segments: [],
    brush: { radiusMm: 5, shape: 'circle', limitToRange: false },
    scissors: { shape: 'freehand', side: 'inside', operation: 'erase', allSegments: false, depthMm: 0 },
    pickAction: 'keep-piece',
    revision: 0,
    canUndo: false,
    canRedo: false,

    initForVolume(volumeId) {
      if (volumeId === get().volumeId) return;
      const volume = getVolume(volumeId);
      segmentation = volume ? emptySegmentation(volume) : undefined;
      counts = new Float64Array(256);
      if (segmentation) counts[0] = segmentation.labels.length;
      history.clear();
      display.clear();
      set({ volumeId, segments: [], activeLabel: undefined, canUndo: false, canRedo: false, undoLabel: undefined, redoLabel: undefined, error: undefined, changedBox: undefined, revision: get().revision + 1 });
    },

    addSegment(name) {
      if (!segmentation) return undefined;
      const label = nextLabel(segmentation.segments);
      if (label === undefined) {
        set({ error: 'All 255 segment numbers are in use.' });
        return undefined;
      }
      apply({ op: 'add-segment', segment: { label, name: name ?? `Segment ${label}`, colorRgb: SEGMENT_COLOURS[(label - 1) % SEGMENT_COLOURS.length] } });
      set({ activeLabel: label });
      return label;
    },
    renameSegment(label, name) {
      apply({ op: 'update-segment', label, name });
    },
    recolourSegment(label, colorRgb) {
      apply({ op: 'update-segment', label, colorRgb });
    },
    removeSegment(label) {
      apply({ op: 'remove-segment', label });
    },
    clearSegment(label) {
      apply({ op: 'clear', label });
    },
    setActive(label) {
      set({ activeLabel: label });
    },
    setVisible(label, visible) {
      display.set(label, { ...(display.get(label) ?? { visible: true, opacity: 0.5 }), visible });
      set({ segments: get().segments.map((s) => (s.label === label ? { ...s, visible } : s)) });
    },
    setOpacity(label, opacity) {
      display.set(label, { ...(display.get(label) ?? { visible: true, opacity: 0.5 }), opacity });
      set({ segments: get().segments.map((s) => (s.label === label ? { ...s, opacity } : s)) });
    },
    setBrush(patch) {
      set({ brush: { ...get().brush, ...patch } });
    },
    setScissors(patch) {
      set({ scissors: { ...get().scissors, ...patch } });
    },
    setPickAction(pickAction) {
      set({ pickAction });
    },

    cut(pathLps, normalLps, viewUpLps) {
      const label = get().activeLabel;
      if (label === undefined || pathLps.length < 2) return;
      const sc = get().scissors;
      const first = pathLps[0];
      const last = pathLps[pathLps.length - 1];
      const v = (p: Vec3): [number, number, number] => [p[0], p[1], p[2]];
      const shape: ScissorsShape =
        sc.shape === 'rectangle'
          ? { kind: 'rectangle', cornerLps: v(first), oppositeCornerLps: v(last), viewUpLps: v(viewUpLps) }
          : sc.shape === 'circle'
            ? { kind: 'circle', centerLps: v(first), radiusMm: Math.hypot(last[0] - first[0], last[1] - first[1], last[2] - first[2]) }
            : { kind: 'polygon', pointsLps: pathLps.map(v) };
      if (shape.kind === 'polygon' && pathLps.length < 3) return;
      void get().runEffect({
        op: 'scissors',
        label,
        operation: sc.operation,
        ...(sc.allSegments && { scope: 'all' as const }),
        cut: { shape, normalLps: v(normalLps), side: sc.side, ...(sc.depthMm > 0 && { depthMm: [-sc.depthMm, sc.depthMm] as const }) },
      });
    },

    pick(pointLps) {
      const volume = getVolume(get().volumeId);
      const label = get().activeLabel;
      if (!volume || label === undefined) return;
      const ijk = lpsToIjk(volume, pointLps).map(Math.round) as [number, number, number];
      if (ijk.some((x, a) => x < 0 || x >= volume.dimensions[a])) return;
      const v = ijk[0] + ijk[1] * volume.dimensions[0] + ijk[2] * volume.dimensions[0] * volume.dimensions[1];
      if (segmentation?.labels[v] !== label) {
        set({ error: 'Click on a voxel of the active segment to pick its piece.' });
        return;
      }
      void get().runEffect({ op: get().pickAction, label, ijk, connectivity: 6 });
    },

    threshold(range, region) {
      let label = get().activeLabel;
      label ??= get().addSegment();
      if (label === undefined) return;
      apply({ op: 'threshold', label, range: { lo: range.lo, hi: range.hi }, ...(region && { region }) });
    },

    beginStroke(tool, pointLps, normalLps, range) {
      if (busy()) return;
      let label = get().activeLabel;
      if (label === undefined && tool === 'brush') label = get().addSegment();
      if (label === undefined || !segmentation) return;
      const { radiusMm, shape } = get().brush;
      stroke = {
        step: {
          op: 'paint',
          label,
          ...(tool === 'eraser' && { erase: true }),
          shape,
          radiusMm,
          pointsLps: [],
          ...(shape === 'circle' && { normalLps: [normalLps[0], normalLps[1], normalLps[2]] as const }),
          ...(range && { region: { range: { lo: range.lo, hi: range.hi } } }),
        },
        points: [],
        deltas: [],
        segmentsBefore: segmentation.segments,
      };
      get().extendStroke(pointLps);
    },
    extendStroke(pointLps) {
      const volume = getVolume(get().volumeId);
      if (!stroke || !volume || !segmentation) return;
      const p: Vec3 = [pointLps[0], pointLps[1], pointLps[2]];
      const last = stroke.points[stroke.points.length - 1];
      stroke.points.push(p);
      // Paint the new piece of the path now; painting the pieces one by one gives the same
      // voxels as painting the whole path at once (what a replay does).
      const outcome = applyStep(segmentation, volume, { ...stroke.step, pointsLps: last ? [last, p] : [p] });
      stroke.deltas.push(...outcome.deltas);
      publish(outcome.deltas);
    },
    endStroke() {
      const done = stroke;
      stroke = undefined;
      if (!done || !segmentation || !done.points.length) return;
      history.record({ ...done.step, pointsLps: done.points }, { deltas: done.deltas, segmentsBefore: done.segmentsBefore, segmentsAfter: segmentation.segments });
      // Counts were tallied live; only the undo state changes.
      publish([]);
    },

    run(step) {
      apply(step);
    },

    async runEffect(step) {
      const volume = getVolume(get().volumeId);
      if (!volume || !segmentation || get().running) return;
      effectController = new AbortController();
      const seg = segmentation;
      set({ running: describeStep(step), error: undefined });
      try {
        const r = await worker.run(volume, seg.labels, seg.segments, step, effectController.signal);
        if (seg !== segmentation) return; // another volume was loaded meanwhile
        const segmentsBefore = seg.segments;
        for (const d of r.deltas) applyDelta(seg.labels, volume, d, 'redo');
        seg.segments = r.segments;
        history.record(step, { deltas: r.deltas, segmentsBefore, segmentsAfter: r.segments });
        set({ running: undefined });
        publish(r.deltas);
      } catch (e) {
        set({ running: undefined, error: isCancelled(e) ? undefined : `${describeStep(step)}: ${(e as Error).message}` });
      }
    },
    cancelEffect() {
      effectController?.abort();
    },

    async computeStatistics() {
      const volume = getVolume(get().volumeId);
      if (!volume || !segmentation) return;
      const revision = get().revision;
      try {
        const rows = await worker.statistics(volume, segmentation.labels);
        set({ statistics: { revision, rows } });
      } catch (e) {
        set({ error: `statistics: ${(e as Error).message}` });
      }
    },

    undo() {
      const volume = getVolume(get().volumeId);
      if (!volume || !segmentation || busy()) return;
      const entry = history.undo(segmentation, volume);
      if (!entry) return;
      publish(entry.outcome.deltas, 'undo');
    },
    redo() {
      const volume = getVolume(get().volumeId);
      if (!volume || !segmentation || busy()) return;
      const entry = history.redo(segmentation, volume);
      if (!entry) return;
      publish(entry.outcome.deltas);
    },

    recipeJson() {
      const volume = getVolume(get().volumeId);
      if (!volume || !segmentation) return '';
      return JSON.stringify(createRecipe(volume, history.steps, segmentation.labels), null, 1);
    },
  };
});
