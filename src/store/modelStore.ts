import { create } from 'zustand';
import { isCancelled, VoxelprintError } from '../core/errors';
import type { ExportFormat } from '../core/export';
import type { MeshFrame, SegmentMesh } from '../core/mesh/mesh';
import type { MeshStats } from '../core/mesh/stats';
import type { SmoothingLevel, SmoothingReport } from '../core/mesh/smooth';
import type { ModelResult } from '../core/mesh/model';
import { CT_TISSUE_PRESETS } from '../core/segmentation/presets';
import type { HuRange } from '../core/segmentation/presets';
import { otsuRange } from '../core/segmentation/histogram';
import { MeshWorkerPool } from '../workers/meshClient';
import type { BuiltModel, ModelProgress } from '../workers/meshClient';
import { getVolume } from './volumeRegistry';
import { milestone } from './marks';

export type ModelStatus = 'idle' | 'building' | 'ready' | 'error';

export interface ModelSummary {
  readonly name: string;
  readonly stats: MeshStats;
  readonly smoothing?: SmoothingReport;
  /** True while the smoothing's deviation is still being measured (after the model is ready). */
  readonly measuringDeviation?: boolean;
  readonly smoothingLevel: SmoothingLevel;
  readonly decimation?: ModelResult['decimation'];
  readonly decimate: number;
  readonly selectedVoxels?: number;
  readonly keptVoxels?: number;
  readonly kernel: string;
  readonly parts: number;
  readonly seconds: number;
}

/** The range meshed: a tissue preset's (CT) or the user's own ('custom'). */
export const CUSTOM_RANGE = 'custom';

/** What "Create model" meshes: the tissue range directly, or the segments that hold voxels. */
export type ModelSource = 'range' | 'segments';

export interface ModelState {
  readonly status: ModelStatus;
  readonly source: ModelSource;
  /** Export one file per segment (true) or all segments in one file. */
  readonly perSegment: boolean;
  /** A CT tissue preset id, or CUSTOM_RANGE. */
  readonly presetId: string;
  readonly customRange: HuRange;
  /** Tint the voxels in the range on the slice view. */
  readonly showRange: boolean;
  readonly keepLargest: boolean;
  readonly smoothing: SmoothingLevel;
  /** Fraction of triangles removed after smoothing (0: off). */
  readonly decimate: number;
  readonly progress?: ModelProgress & { readonly model?: string };
  /** One per model built (one per segment); `summary` is the first. */
  readonly summaries: readonly ModelSummary[];
  readonly summary?: ModelSummary;
  /** Bumped each time a new model is built (the mesh itself lives outside React state). */
  readonly modelVersion: number;
  /** Preview opacity, 0.1–1 (every model). */
  readonly opacity: number;
  /** Per-model preview opacity, by model name (overrides `opacity`). */
  readonly modelOpacity: Readonly<Record<string, number>>;
  setModelOpacity(name: string, opacity: number): void;
  readonly error?: string;
  set(patch: Partial<Pick<ModelState, 'presetId' | 'customRange' | 'showRange' | 'keepLargest' | 'smoothing' | 'decimate' | 'opacity' | 'source' | 'perSegment'>>): void;
  /** Defaults for a newly loaded volume: bone on CT; on other modalities a custom range from Otsu's threshold up. */
  initForVolume(volumeId: string | undefined): void;
  /** Builds the model(s); `segments` (label, name, colour) when the source is 'segments'. */
  build(volumeId: string | undefined, segments?: readonly { label: number; name: string; colorRgb: readonly [number, number, number] }[], labels?: Uint8Array): Promise<void>;
  cancel(): void;
  /** The model version the preview has drawn (or given up waiting for: see `HELD_WORK_MAX_MS`). */
  readonly shownVersion: number;
  /** True while an export is being written (in a worker). */
  readonly exporting: boolean;
  readonly exportError?: string;
  /** Writes the models in a worker; resolves with the files to download (none if there is no model). */
  exportFiles(format: Exclude<ExportFormat, 'mtl'>, frame: MeshFrame): Promise<readonly { readonly fileName: string; readonly blob: Blob }[]>;
  /**
   * Lighter copies of the current models for the screen, `maxTriangles` in all (shared by their
   * sizes), made in a worker; undefined if the models changed meanwhile.
   */
  displayCopies(maxTriangles: number): Promise<readonly ModelMesh[] | undefined>;
  /**
   * The preview has drawn the models of `version`: work that was held back so as not to compete
   * with that first frame (measuring the smoothing's deviation) starts now.
   */
  previewShown(version: number): void;
  clear(): void;
}

/** Segment colours (sRGB): bone ivory, others a neutral tint. */
const COLOURS: Record<string, readonly [number, number, number]> = { bone: [230, 220, 200], skin: [222, 170, 140] };

const pool = new MeshWorkerPool();
let controller: AbortController | undefined;

/** A built model's mesh (LPS mm) with its vertex normals, for the preview and exports. */
export interface ModelMesh extends SegmentMesh {
  readonly normals: Float32Array;
}

/** The models' meshes, outside React state (large arrays). */
let models: ModelMesh[] = [];
/** Started by `previewShown` (or after `HELD_WORK_MAX_MS`), for the models of one version. */
let heldWork: { version: number; start: () => void; cancel: () => void } | undefined;
const dropHeldWork = (): void => {
  heldWork?.cancel();
  heldWork = undefined;
};
/** Held-back work starts at the latest this long after a model is ready (e.g. when no preview can draw). */
const HELD_WORK_MAX_MS = 3000;

const describe = (e: unknown): string =>
  e instanceof VoxelprintError ? `${e.subject ? `${e.subject}: ` : ''}${e.message}` : e instanceof Error ? e.message : String(e);

/**
 * A model is being built, exported, or has just been built and not yet drawn: work that can
 * wait (setting up the slice views) should, so the model's progress, first frame and file come
 * first on a small machine.
 */
export const modelBusy = (s: Pick<ModelState, 'status' | 'exporting' | 'modelVersion' | 'shownVersion'>): boolean =>
  s.status === 'building' || s.exporting || (s.status === 'ready' && s.shownVersion !== s.modelVersion);

/** The range a state selects (undefined when a custom range is empty or not a number). */
export function selectedRange(s: Pick<ModelState, 'presetId' | 'customRange'>): (HuRange & { label: string; id: string }) | undefined {
  if (s.presetId === CUSTOM_RANGE) {
    const { lo, hi } = s.customRange;
    return Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi ? { lo, hi, label: `Range ${lo} to ${hi}`, id: CUSTOM_RANGE } : undefined;
  }
  return CT_TISSUE_PRESETS.find((p) => p.id === s.presetId);
}

let initialisedFor: string | undefined;

export const useModelStore = create<ModelState>()((set, get) => ({
  status: 'idle',
  source: 'range',
  perSegment: false,
  summaries: [],
  presetId: 'bone',
  customRange: { lo: 226, hi: 3071 },
  showRange: true,
  keepLargest: true,
  smoothing: 'medium',
  decimate: 0,
  modelVersion: 0,
  shownVersion: 0,
  exporting: false,
  opacity: 1,
  modelOpacity: {},

  set(patch) {
    // The all-models slider resets the per-model ones.
    set('opacity' in patch ? { ...patch, modelOpacity: {} } : patch);
  },

  setModelOpacity(name, opacity) {
    set({ modelOpacity: { ...get().modelOpacity, [name]: opacity } });
  },

  initForVolume(volumeId) {
    if (!volumeId || volumeId === initialisedFor) return;
    initialisedFor = volumeId;
    const volume = getVolume(volumeId);
    if (!volume) return;
    if (volume.modality === 'CT') {
      set({ presetId: 'bone', keepLargest: true });
      return;
    }
    const { lo, hi } = otsuRange(volume.voxels);
    set({ presetId: CUSTOM_RANGE, customRange: { lo: Math.round(lo), hi: Math.ceil(hi) }, keepLargest: true });
  },

  async build(volumeId, segments, labels) {
    const volume = getVolume(volumeId);
    if (!volume) return;
    const fromSegments = get().source === 'segments';
    const preset = selectedRange(get());
    if (fromSegments ? !segments?.length || !labels : !preset) {
      set({ status: 'error', error: fromSegments ? 'No segment holds any voxel: threshold or paint one first.' : 'The range is empty: give From ≤ To.' });
      return;
    }
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    const started = performance.now();
    set({ status: 'building', progress: undefined, error: undefined, summary: undefined, summaries: [] });
    models = [];
    dropHeldWork();
    try {
      const { keepLargest, smoothing, decimate } = get();
      const jobs = fromSegments
        ? segments!.map((sg) => ({ name: sg.name, colorRgb: sg.colorRgb, request: { segment: { labels: labels!, label: sg.label } } }))
        : [{ name: preset!.id === CUSTOM_RANGE ? 'Model' : preset!.label, colorRgb: COLOURS[preset!.id] ?? ([200, 200, 210] as const), request: { range: { lo: preset!.lo, hi: preset!.hi } } }];
      const summaries: ModelSummary[] = [];
      const pending: { index: number; measure: NonNullable<BuiltModel['measureSmoothingDeviation']> }[] = [];
      for (const job of jobs) {
        const jobStart = performance.now();
        const onProgress = (progress: ModelProgress): void => {
          if (progress.phase !== get().progress?.phase) milestone(`model-${progress.phase}`);
          set({ progress: { ...progress, model: job.name } });
        };
        const built = await pool.createModel(volume, { ...job.request, keepLargest, smoothing, decimate }, { signal, onProgress });
        models.push({ name: job.name, colorRgb: job.colorRgb, mesh: built.result.mesh, normals: built.normals });
        if (built.measureSmoothingDeviation) pending.push({ index: summaries.length, measure: built.measureSmoothingDeviation });
        summaries.push({
          measuringDeviation: Boolean(built.measureSmoothingDeviation),
          name: job.name,
          stats: built.result.stats,
          smoothing: built.result.smoothing,
          smoothingLevel: smoothing,
          decimation: built.result.decimation,
          decimate,
          selectedVoxels: built.selectedVoxels,
          keptVoxels: built.keptVoxels,
          kernel: built.kernel,
          parts: built.parts,
          seconds: (performance.now() - (jobs.length > 1 ? jobStart : started)) / 1000,
        });
      }
      const version = get().modelVersion + 1;
      // The deviation reports arrive after the model is ready and shown (measured in a worker).
      let measuring = false;
      const start = (): void => {
        if (measuring) return;
        measuring = true;
        clearTimeout(timer);
        if (get().modelVersion === version) set({ shownVersion: version });
        for (const { index, measure } of pending) {
          measure().then(
            (measured) => {
              if (get().modelVersion !== version) return;
              const next = get().summaries.map((sm, i) => (i === index && sm.smoothing ? { ...sm, measuringDeviation: false, smoothing: { ...sm.smoothing, deviation: measured } } : sm));
              set({ summaries: next, summary: next[0] });
            },
            () => undefined, // a new build or a cancel: nobody waits for it
          );
        }
      };
      const timer = setTimeout(start, HELD_WORK_MAX_MS);
      heldWork = { version, start, cancel: () => clearTimeout(timer) };
      milestone('model-ready');
      set({ status: 'ready', progress: undefined, modelVersion: version, summaries, summary: summaries[0] });
    } catch (e) {
      models = [];
      if (isCancelled(e)) set({ status: 'idle', progress: undefined });
      else set({ status: 'error', progress: undefined, error: describe(e) });
    }
  },

  cancel() {
    controller?.abort();
  },

  async exportFiles(format, frame) {
    if (!models.length) return [];
    set({ exporting: true, exportError: undefined });
    milestone('export-start');
    try {
      const meshes = models.map((m) => ({ name: m.name, colorRgb: m.colorRgb, positionsMm: m.mesh.positionsMm, indices: m.mesh.indices }));
      const files = await pool.exportFiles(meshes, { format, frame, perSegment: get().perSegment });
      milestone('export-written');
      return files;
    } catch (e) {
      set({ exportError: isCancelled(e) ? 'The export was cancelled (a model build was cancelled meanwhile).' : `Export failed: ${describe(e)}` });
      return [];
    } finally {
      set({ exporting: false });
    }
  },

  async displayCopies(maxTriangles) {
    const shown = models;
    const total = shown.reduce((n, m) => n + m.mesh.indices.length / 3, 0);
    const budgets = shown.map((m) => Math.max(1, Math.floor((maxTriangles * m.mesh.indices.length) / 3 / total)));
    const copies = await pool.displayCopies(
      shown.map((m) => ({ positionsMm: m.mesh.positionsMm, indices: m.mesh.indices })),
      budgets,
    );
    if (models !== shown) return undefined;
    return shown.map((m, i) => {
      const c = copies[i];
      return { name: m.name, colorRgb: m.colorRgb, mesh: { positionsMm: c.positionsMm, indices: c.indices, frame: 'LPS' as const }, normals: c.normals };
    });
  },

  previewShown(version) {
    if (heldWork?.version !== version || get().shownVersion === version) return;
    milestone('model-shown');
    heldWork.start();
  },

  clear() {
    controller?.abort();
    models = [];
    dropHeldWork();
    set({ status: 'idle', summary: undefined, summaries: [], progress: undefined, error: undefined, modelVersion: get().modelVersion + 1 });
  },
}));

/** Starts the mesh workers and their kernels ahead of the first "Create model" (idempotent). */
export function warmModelWorkers(): void {
  void pool.warm().catch(() => undefined);
}

/** The current models' meshes (outside React state), for the preview. */
export const getModelMeshes = (): readonly ModelMesh[] => models;
