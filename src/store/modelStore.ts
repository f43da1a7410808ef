import { create } from 'zustand';
import { isCancelled, VoxelprintError } from '../core/errors';
import { exportMeshes } from '../core/export';
import type { ExportFormat } from '../core/export';
import type { MeshFrame, SegmentMesh } from '../core/mesh/mesh';
import type { MeshStats } from '../core/mesh/stats';
import type { SmoothingLevel, SmoothingReport } from '../core/mesh/smooth';
import type { ModelResult } from '../core/mesh/model';
import { CT_TISSUE_PRESETS } from '../core/segmentation/presets';
import type { HuRange } from '../core/segmentation/presets';
import { otsuRange } from '../core/segmentation/histogram';
import { MeshWorkerPool } from '../workers/meshClient';
import type { ModelProgress } from '../workers/meshClient';
import { getVolume } from './volumeRegistry';

export type ModelStatus = 'idle' | 'building' | 'ready' | 'error';

export interface ModelSummary {
  readonly name: string;
  readonly stats: MeshStats;
  readonly smoothing?: SmoothingReport;
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

export interface ModelState {
  readonly status: ModelStatus;
  /** A CT tissue preset id, or CUSTOM_RANGE. */
  readonly presetId: string;
  readonly customRange: HuRange;
  /** Tint the voxels in the range on the slice view. */
  readonly showRange: boolean;
  readonly keepLargest: boolean;
  readonly smoothing: SmoothingLevel;
  /** Fraction of triangles removed after smoothing (0: off). */
  readonly decimate: number;
  readonly progress?: ModelProgress;
  readonly summary?: ModelSummary;
  /** Bumped each time a new model is built (the mesh itself lives outside React state). */
  readonly modelVersion: number;
  /** Preview opacity, 0.1–1. */
  readonly opacity: number;
  readonly error?: string;
  set(patch: Partial<Pick<ModelState, 'presetId' | 'customRange' | 'showRange' | 'keepLargest' | 'smoothing' | 'decimate' | 'opacity'>>): void;
  /** Defaults for a newly loaded volume: bone on CT; on other modalities a custom range from Otsu's threshold up. */
  initForVolume(volumeId: string | undefined): void;
  build(volumeId: string | undefined): Promise<void>;
  cancel(): void;
  /** Serialises the model; returns the files (name + bytes) to download. */
  exportFiles(format: Exclude<ExportFormat, 'mtl'>, frame: MeshFrame): { fileName: string; bytes: Uint8Array }[];
  clear(): void;
}

/** Segment colours (sRGB): bone ivory, others a neutral tint. */
const COLOURS: Record<string, readonly [number, number, number]> = { bone: [230, 220, 200], skin: [222, 170, 140] };

const pool = new MeshWorkerPool();
let controller: AbortController | undefined;
/** The model's mesh, outside React state (large arrays). */
let model: SegmentMesh | undefined;

const describe = (e: unknown): string =>
  e instanceof VoxelprintError ? `${e.subject ? `${e.subject}: ` : ''}${e.message}` : e instanceof Error ? e.message : String(e);

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
  presetId: 'bone',
  customRange: { lo: 226, hi: 3071 },
  showRange: true,
  keepLargest: true,
  smoothing: 'medium',
  decimate: 0,
  modelVersion: 0,
  opacity: 1,

  set(patch) {
    set(patch);
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

  async build(volumeId) {
    const volume = getVolume(volumeId);
    if (!volume) return;
    const preset = selectedRange(get());
    if (!preset) {
      set({ status: 'error', error: 'The range is empty: give From ≤ To.' });
      return;
    }
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    const started = performance.now();
    set({ status: 'building', progress: undefined, error: undefined, summary: undefined });
    model = undefined;
    try {
      const { keepLargest, smoothing, decimate } = get();
      const built = await pool.createModel(
        volume,
        { range: { lo: preset.lo, hi: preset.hi }, keepLargest, smoothing, decimate },
        { signal, onProgress: (progress) => set({ progress }) },
      );
      model = { name: preset.id === CUSTOM_RANGE ? 'Model' : preset.label, colorRgb: COLOURS[preset.id] ?? [200, 200, 210], mesh: built.result.mesh };
      set({
        status: 'ready',
        progress: undefined,
        modelVersion: get().modelVersion + 1,
        summary: {
          name: model.name,
          stats: built.result.stats,
          smoothing: built.result.smoothing,
          smoothingLevel: smoothing,
          decimation: built.result.decimation,
          decimate,
          selectedVoxels: built.selectedVoxels,
          keptVoxels: built.keptVoxels,
          kernel: built.kernel,
          parts: built.parts,
          seconds: (performance.now() - started) / 1000,
        },
      });
    } catch (e) {
      if (isCancelled(e)) set({ status: 'idle', progress: undefined });
      else set({ status: 'error', progress: undefined, error: describe(e) });
    }
  },

  cancel() {
    controller?.abort();
  },

  exportFiles(format, frame) {
    if (!model) return [];
    return exportMeshes({ meshes: [model], format, frame }).map((f) => ({ fileName: f.fileName, bytes: f.bytes }));
  },

  clear() {
    controller?.abort();
    model = undefined;
    set({ status: 'idle', summary: undefined, progress: undefined, error: undefined, modelVersion: get().modelVersion + 1 });
  },
}));

/** The current model's mesh (outside React state), for the preview and exports. */
export const getModelMesh = (): SegmentMesh | undefined => model;
