import type { LabelGrid } from './grid';
import { applyDelta } from './delta';
import type { Segmentation, Step, StepOutcome } from './steps';

export interface HistoryEntry {
  readonly step: Step;
  readonly outcome: StepOutcome;
  /** Memory the entry holds (its deltas' bytes plus a fixed overhead). */
  readonly bytes: number;
}

export interface HistoryOptions {
  /** Memory for undo (default 256 MiB). The oldest steps are forgotten beyond it. */
  readonly budgetBytes?: number;
  /** At most this many steps are kept for undo (default 200). */
  readonly maxSteps?: number;
}

const ENTRY_OVERHEAD = 256;

/**
 * Undo/redo over steps. Each entry keeps only what its step changed (run-length deltas within
 * the changed box, see delta.ts), never a copy of the labelmap, so hundreds of brush strokes fit
 * in a few megabytes. Past the budget, the oldest entries stop being undoable; the step log
 * (for recipes) keeps every step that is in effect.
 */
export class EditHistory {
  private readonly done: HistoryEntry[] = [];
  private readonly undone: HistoryEntry[] = [];
  /** Every step in effect, oldest first (survives eviction of undo data). */
  private readonly log: Step[] = [];
  private held = 0;
  readonly budgetBytes: number;
  readonly maxSteps: number;

  constructor(options: HistoryOptions = {}) {
    this.budgetBytes = options.budgetBytes ?? 256 * 1024 * 1024;
    this.maxSteps = options.maxSteps ?? 200;
  }

  /**
   * Records a step that has just been applied; the redo list is dropped. A recolour right after
   * a recolour of the same segment (a colour picker reports every colour the pointer passes)
   * joins it: one undo step and one recipe step, from the colour before the first to the last.
   */
  record(step: Step, outcome: StepOutcome): void {
    const previous = this.done[this.done.length - 1];
    if (!this.undone.length && previous && isRecolour(step) && isRecolour(previous.step) && previous.step.label === step.label) {
      this.done[this.done.length - 1] = { step, outcome: { deltas: [], segmentsBefore: previous.outcome.segmentsBefore, segmentsAfter: outcome.segmentsAfter }, bytes: previous.bytes };
      this.log[this.log.length - 1] = step;
      return;
    }
    const bytes = ENTRY_OVERHEAD + outcome.deltas.reduce((n, d) => n + d.runs.byteLength, 0);
    for (const e of this.undone.splice(0)) this.held -= e.bytes;
    this.done.push({ step, outcome, bytes });
    this.log.push(step);
    this.held += bytes;
    while (this.done.length > 1 && (this.held > this.budgetBytes || this.done.length > this.maxSteps)) {
      this.held -= (this.done.shift() as HistoryEntry).bytes;
    }
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  /** Steps that can be undone now. */
  get undoSteps(): number {
    return this.done.length;
  }

  get redoSteps(): number {
    return this.undone.length;
  }

  /** The step undo would revert next. */
  get nextUndo(): Step | undefined {
    return this.done[this.done.length - 1]?.step;
  }

  /** The step redo would re-apply next. */
  get nextRedo(): Step | undefined {
    return this.undone[this.undone.length - 1]?.step;
  }

  /** Bytes held for undo and redo. */
  get bytes(): number {
    return this.held;
  }

  /** The steps in effect, oldest first: a recipe's steps. */
  get steps(): readonly Step[] {
    return this.log;
  }

  /** Reverts the newest step; returns it (undefined when there is nothing to undo). */
  undo(seg: Segmentation, grid: Pick<LabelGrid, 'dimensions'>): HistoryEntry | undefined {
    const entry = this.done.pop();
    if (!entry) return undefined;
    const { deltas, segmentsBefore } = entry.outcome;
    for (let i = deltas.length - 1; i >= 0; i--) applyDelta(seg.labels, grid, deltas[i], 'undo');
    seg.segments = segmentsBefore;
    this.undone.push(entry);
    this.log.pop();
    return entry;
  }

  /** Re-applies the newest undone step from its stored delta (no recomputation). */
  redo(seg: Segmentation, grid: Pick<LabelGrid, 'dimensions'>): HistoryEntry | undefined {
    const entry = this.undone.pop();
    if (!entry) return undefined;
    for (const d of entry.outcome.deltas) applyDelta(seg.labels, grid, d, 'redo');
    seg.segments = entry.outcome.segmentsAfter;
    this.done.push(entry);
    this.log.push(entry.step);
    return entry;
  }

  clear(): void {
    this.done.length = 0;
    this.undone.length = 0;
    this.log.length = 0;
    this.held = 0;
  }
}

/** A step that changes only a segment's colour. */
const isRecolour = (s: Step): s is Extract<Step, { op: 'update-segment' }> => s.op === 'update-segment' && s.colorRgb !== undefined && s.name === undefined;
