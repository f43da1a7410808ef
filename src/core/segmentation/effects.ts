import type { EditRegion, ProposalMode } from './edit';
import type { Connectivity, LabelGrid, VoxelBox } from './grid';
import { fillCavities, fillHolesPerSlice } from './fillHoles';
import { growFromSeeds } from './growCut';
import { scissorsMask } from './scissors';
import type { ScissorsRegion } from './scissors';
import { fillBetweenSlices } from './interpolate';
import type { SliceAxis } from './fillHoles';
import { hollowMask } from './hollow';
import type { HollowSide } from './hollow';
import { keepLargest, keepPieceAt, removePieceAt, removeSmallPieces, splitPieces } from './islands';
import { add, intersect, invert, subtract } from './logical';
import { marginMask } from './margin';
import { closeMask, gaussianSmooth, jointSmooth, medianFilter, openMask } from './smoothing';
import { SEGMENT_COLOURS, nextLabel } from './segments';
import type { SegmentInfo } from './segments';
import type { EditVolume } from './steps';

type Ijk = readonly [number, number, number];

/**
 * Segment Editor effects as steps: each turns one or more segments' masks into new masks. The
 * operations are the pure functions of this folder; an effect names its parameters (plain JSON,
 * for undo and recipes) and says which segments it reads and writes. Every effect may carry a
 * `region` (inside a box, inside another segment, within an intensity range, overwrite or not).
 */
export type EffectStep = (
  | { readonly op: 'keep-largest'; readonly label: number; readonly connectivity?: Connectivity }
  | { readonly op: 'remove-small'; readonly label: number; readonly minVolumeMm3: number; readonly connectivity?: Connectivity }
  | { readonly op: 'keep-piece'; readonly label: number; readonly ijk: Ijk; readonly connectivity?: Connectivity }
  | { readonly op: 'remove-piece'; readonly label: number; readonly ijk: Ijk; readonly connectivity?: Connectivity }
  /** Each piece but the largest becomes a new segment (largest first), up to the free labels. */
  | { readonly op: 'split-pieces'; readonly label: number; readonly connectivity?: Connectivity }
  | { readonly op: 'fill-holes'; readonly label: number; readonly connectivity?: Connectivity }
  | { readonly op: 'fill-holes-per-slice'; readonly label: number; readonly axis: SliceAxis }
  /** Grow (mm > 0) or shrink (mm < 0) by an exact distance in mm. */
  | { readonly op: 'margin'; readonly label: number; readonly mm: number }
  | { readonly op: 'hollow'; readonly label: number; readonly thicknessMm: number; readonly side: HollowSide }
  | { readonly op: 'smooth'; readonly label: number; readonly method: 'median' | 'opening' | 'closing' | 'gaussian'; readonly sizeMm: number }
  /** Smooths all segments together (Gaussian σ in mm): no gaps or overlaps open between them. */
  | { readonly op: 'joint-smooth'; readonly sigmaMm: number }
  /** Logical operators: the segment `label` becomes label ∘ other. */
  | { readonly op: 'logical'; readonly label: number; readonly operation: 'copy' | 'add' | 'subtract' | 'intersect' | 'invert'; readonly other?: number }
  /**
   * Grow from seeds: the segments' current voxels are the seeds (strokes in two or more
   * segments, e.g. bone and background); every voxel of their padded bounding box goes to the
   * segment whose seeds reach it at the least intensity cost. To refine: undo the growth, add
   * strokes, grow again.
   */
  | { readonly op: 'grow-from-seeds'; readonly labels?: readonly number[]; readonly distancePenaltyPerMm?: number; readonly marginFraction?: number }
  /** Fill between slices: interpolates every segment between the slices segmented along an axis. */
  | { readonly op: 'fill-between-slices'; readonly axis: 'i' | 'j' | 'k'; readonly labels?: readonly number[] }
  /**
   * Scissors: a shape drawn on a view cuts through the volume along the view's normal (or within
   * a depth). 'erase' removes the segment's voxels (scope 'all': every segment's) in the cut;
   * 'fill' adds the cut to the segment (scope 'segment': empty voxels only).
   */
  | { readonly op: 'scissors'; readonly label: number; readonly cut: ScissorsRegion; readonly operation: 'erase' | 'fill'; readonly scope?: 'segment' | 'all' }
  /** Clears every segment outside a box of voxels. */
  | { readonly op: 'crop'; readonly box: VoxelBox }
) & { readonly region?: EditRegion };

export interface EffectContext {
  readonly labels: Uint8Array;
  readonly grid: LabelGrid;
  readonly volume: EditVolume;
  readonly segments: readonly SegmentInfo[];
  /** A fresh 0/1 mask of one segment. */
  segmentMask(label: number): Uint8Array;
  /**
   * A full-size array for an effect's output, reused between steps (contents undefined: pass it
   * as the `into` of an operation, which clears it). Fresh 100 MB arrays cost about half a second
   * of page faults on first touch here; a reused one only its clearing.
   */
  scratch(): Uint8Array;
}

export interface EffectWrite {
  readonly label: number;
  readonly mask: Uint8Array;
  /** Default 'replace': the segment becomes the mask (inside the step's region). */
  readonly mode?: ProposalMode;
  /** Overrides the step region's `overwrite` for this write. */
  readonly overwrite?: boolean;
}

export interface EffectResult {
  readonly writes: readonly EffectWrite[];
  /** The segment list after the effect, when it adds segments (split into pieces). */
  readonly segments?: readonly SegmentInfo[];
}

interface Effect<S extends EffectStep> {
  /** The segments the step needs to exist. */
  labels(step: S): readonly number[];
  run(step: S, ctx: EffectContext): EffectResult;
}

type EffectTable = { readonly [K in EffectStep['op']]: Effect<Extract<EffectStep, { op: K }>> };

const one = (label: number, mask: Uint8Array): EffectResult => ({ writes: [{ label, mask }] });
/** An operation that may write its result over its input (no fresh full-size array). */
const inPlace = (label: number, c: EffectContext, op: (mask: Uint8Array) => Uint8Array): EffectResult => one(label, op(c.segmentMask(label)));
const positive = (x: number, what: string): number => {
  if (!(x > 0) || !Number.isFinite(x)) throw new Error(`${what} must be > 0, got ${x}`);
  return x;
};

export const EFFECTS: EffectTable = {
  'keep-largest': { labels: (s) => [s.label], run: (s, c) => inPlace(s.label, c, (m) => keepLargest(m, c.grid, s.connectivity ?? 6, m)) },
  'remove-small': {
    labels: (s) => [s.label],
    run: (s, c) => inPlace(s.label, c, (m) => removeSmallPieces(m, c.grid, s.minVolumeMm3, s.connectivity ?? 6, m)),
  },
  'keep-piece': { labels: (s) => [s.label], run: (s, c) => inPlace(s.label, c, (m) => keepPieceAt(m, c.grid, s.ijk, s.connectivity ?? 6, m)) },
  'remove-piece': { labels: (s) => [s.label], run: (s, c) => inPlace(s.label, c, (m) => removePieceAt(m, c.grid, s.ijk, s.connectivity ?? 6, m)) },
  'split-pieces': {
    labels: (s) => [s.label],
    run: (s, c) => {
      const source = c.segments.find((x) => x.label === s.label) as SegmentInfo;
      const free: number[] = [];
      let list = [...c.segments];
      for (;;) {
        const l = nextLabel([...list, ...free.map((label) => ({ label }) as SegmentInfo)]);
        if (l === undefined) break;
        free.push(l);
      }
      const split = splitPieces(c.segmentMask(s.label), c.grid, s.connectivity ?? 6, Math.min(255, free.length + 1));
      const writes: EffectWrite[] = [];
      const masks = Array.from({ length: split.labelled }, () => new Uint8Array(c.labels.length));
      for (let v = 0; v < split.labels.length; v++) if (split.labels[v]) masks[split.labels[v] - 1][v] = 1;
      writes.push({ label: s.label, mask: masks[0] ?? new Uint8Array(c.labels.length) });
      for (let p = 1; p < split.labelled; p++) {
        const label = free[p - 1];
        list = [...list, { label, name: `${source.name} ${p + 1}`, colorRgb: SEGMENT_COLOURS[(label - 1) % SEGMENT_COLOURS.length] }];
        writes.push({ label, mask: masks[p], mode: 'add' });
      }
      return { writes, segments: list };
    },
  },
  'fill-holes': { labels: (s) => [s.label], run: (s, c) => inPlace(s.label, c, (m) => fillCavities(m, c.grid, s.connectivity ?? 6, m)) },
  'fill-holes-per-slice': { labels: (s) => [s.label], run: (s, c) => inPlace(s.label, c, (m) => fillHolesPerSlice(m, c.grid, s.axis, 4, m)) },
  margin: { labels: (s) => [s.label], run: (s, c) => one(s.label, marginMask(c.segmentMask(s.label), c.grid, s.mm, { into: c.scratch() })) },
  hollow: {
    labels: (s) => [s.label],
    run: (s, c) => one(s.label, hollowMask(c.segmentMask(s.label), c.grid, { thicknessMm: positive(s.thicknessMm, 'wall thickness'), side: s.side, into: c.scratch() })),
  },
  smooth: {
    labels: (s) => [s.label],
    run: (s, c) => {
      const m = c.segmentMask(s.label);
      const size = positive(s.sizeMm, 'smoothing size');
      switch (s.method) {
        case 'median':
          return one(s.label, medianFilter(m, c.grid, { sizeMm: size, minVoxels: 3 }, c.scratch()));
        case 'opening':
          return one(s.label, openMask(m, c.grid, size, { into: c.scratch(), temp: c.scratch() }));
        case 'closing':
          return one(s.label, closeMask(m, c.grid, size, { into: c.scratch(), temp: c.scratch() }));
        case 'gaussian':
          return one(s.label, gaussianSmooth(m, c.grid, size, c.scratch()));
        default:
          throw new Error(`unknown smoothing "${String(s.method)}"`);
      }
    },
  },
  'joint-smooth': {
    labels: () => [],
    run: (s, c) => {
      const out = jointSmooth(c.labels, c.grid, positive(s.sigmaMm, 'σ'));
      return {
        writes: c.segments.map((seg) => {
          const mask = new Uint8Array(out.length);
          for (let v = 0; v < out.length; v++) if (out[v] === seg.label) mask[v] = 1;
          return { label: seg.label, mask };
        }),
      };
    },
  },
  logical: {
    labels: (s) => (s.operation === 'invert' ? [s.label] : [s.label, s.other ?? -1]),
    run: (s, c) => {
      const a = c.segmentMask(s.label);
      if (s.operation === 'invert') return one(s.label, invert(a, a));
      const b = c.segmentMask(s.other as number);
      const result = s.operation === 'copy' ? b : s.operation === 'add' ? add(a, b, a) : s.operation === 'subtract' ? subtract(a, b, a) : intersect(a, b, a);
      return one(s.label, result);
    },
  },
  'grow-from-seeds': {
    labels: (s) => s.labels ?? [],
    run: (s, c) => {
      const wanted = new Set(s.labels ?? c.segments.map((x) => x.label));
      const seeds = new Uint8Array(c.labels.length);
      for (let v = 0; v < seeds.length; v++) if (wanted.has(c.labels[v])) seeds[v] = c.labels[v];
      const grown = growFromSeeds(c.volume.voxels, c.grid, seeds, { distancePenaltyPerMm: s.distancePenaltyPerMm, marginFraction: s.marginFraction });
      return { writes: [...wanted].map((label) => ({ label, mask: grown.labels.map((x) => (x === label ? 1 : 0)) })) };
    },
  },
  'fill-between-slices': {
    labels: (s) => s.labels ?? [],
    run: (s, c) => {
      const labels = s.labels ?? c.segments.map((x) => x.label);
      const filled = fillBetweenSlices(c.labels, c.grid, { axis: ({ i: 0, j: 1, k: 2 } as const)[s.axis], labels });
      return { writes: labels.map((label) => ({ label, mask: filled.labels.map((x) => (x === label ? 1 : 0)), mode: 'add' as const })) };
    },
  },
  scissors: {
    labels: (s) => [s.label],
    run: (s, c) => {
      const mask = scissorsMask(c.volume, s.cut);
      if (s.operation === 'fill') return { writes: [{ label: s.label, mask, mode: 'add', overwrite: s.scope === 'all' }] };
      const labels = s.scope === 'all' ? c.segments.map((x) => x.label) : [s.label];
      return { writes: labels.map((label) => ({ label, mask, mode: 'remove' as const })) };
    },
  },
  crop: {
    labels: () => [],
    run: (s, c) => {
      const [nx, ny, nz] = c.grid.dimensions;
      const inside = new Uint8Array(c.labels.length);
      for (let k = Math.max(0, s.box.min[2]); k < Math.min(nz, s.box.max[2]); k++)
        for (let j = Math.max(0, s.box.min[1]); j < Math.min(ny, s.box.max[1]); j++) inside.fill(1, Math.max(0, s.box.min[0]) + j * nx + k * nx * ny, Math.min(nx, s.box.max[0]) + j * nx + k * nx * ny);
      return { writes: c.segments.map((seg) => ({ label: seg.label, mask: intersect(c.segmentMask(seg.label), inside) })) };
    },
  },
};

export const isEffect = (op: string): op is EffectStep['op'] => Object.hasOwn(EFFECTS, op);
