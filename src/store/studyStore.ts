import { create } from 'zustand';
import { isCancelled, VoxelprintError } from '../core/errors';
import type { Progress } from '../core/dicom/load';
import type { ScanResult } from '../core/dicom/series';
import type { Volume } from '../core/volume/volume';
import { DicomWorkerPool } from '../workers/dicomClient';
import type { SourceRef } from '../workers/dicomProtocol';
import { framePatches } from './framePatches';
import { registerVolume, releaseVolume } from './volumeRegistry';
import { milestone } from './marks';

export type StudyStatus = 'idle' | 'scanning' | 'loading' | 'ready' | 'error';

export interface StudyState {
  readonly status: StudyStatus;
  readonly sourceLabel?: string;
  readonly progress?: Progress;
  readonly scan?: ScanResult;
  readonly stackId?: string;
  readonly volumeId?: string;
  /**
   * While a volume loads: the part assembled so far (final geometry and buffer) and, per slice,
   * 1 once it holds its values. The slice view shows it; everything else waits for `volumeId`.
   */
  readonly preview?: { readonly volume: Volume; readonly sliceReady: Uint8Array; readonly slicesReady: number };
  readonly error?: string;
  /** Open a list of files (picker, folder, bundled sample) and load the likeliest volume. */
  open(label: string, sources: readonly SourceRef[] | (() => Promise<readonly SourceRef[]>)): Promise<void>;
  /** Load another stack of the current scan. */
  loadStack(stackId: string): Promise<void>;
  cancel(): void;
}

const pool = new DicomWorkerPool();

/** Starts the DICOM workers before the first file arrives (a drop then goes straight to reading). */
export function warmDicomWorkers(): void {
  pool.warm();
}
let sources: readonly SourceRef[] = [];
let controller: AbortController | undefined;

const describe = (e: unknown): string =>
  e instanceof VoxelprintError ? `${e.subject ? `${e.subject}: ` : ''}${e.message}` : e instanceof Error ? e.message : String(e);

export const useStudyStore = create<StudyState>()((set, get) => ({
  status: 'idle',

  async open(label, listSources) {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    releaseVolume(get().volumeId);
    set({ status: 'scanning', sourceLabel: label, scan: undefined, stackId: undefined, volumeId: undefined, preview: undefined, error: undefined, progress: undefined });
    try {
      const newSources = typeof listSources === 'function' ? await listSources() : listSources;
      sources = newSources;
      set({ progress: { phase: 'scan', done: 0, total: newSources.length } });
      const updates = framePatches<StudyState>(set);
      const scan = await pool.scan(newSources, { signal, onProgress: (progress) => updates.push({ progress }) }).finally(updates.cancel);
      milestone('scan-done');
      set({ scan });
      if (scan.preferredStackId) await get().loadStack(scan.preferredStackId);
      else set({ status: 'ready', progress: undefined });
    } catch (e) {
      if (signal !== controller?.signal) return; // a newer open or load has taken over
      set(isCancelled(e) ? { status: 'idle', progress: undefined } : { status: 'error', error: describe(e), progress: undefined });
    }
  },

  async loadStack(stackId) {
    const scan = get().scan;
    if (!scan) return;
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    releaseVolume(get().volumeId);
    set({ status: 'loading', stackId, volumeId: undefined, preview: undefined, error: undefined, progress: { phase: 'decode', done: 0, total: 0 } });
    // A message per decoded file: the page shows them once per frame.
    const updates = framePatches<StudyState>(set);
    const onPartial = (volume: Volume, sliceReady: Uint8Array): void => {
      const before = get().preview?.volume;
      // Keep the same volume object while its buffer is the same, so views keep their state.
      const shown = before && before.voxels === volume.voxels ? before : volume;
      let slicesReady = 0;
      for (let k = 0; k < sliceReady.length; k++) slicesReady += sliceReady[k];
      updates.push({ preview: { volume: shown, sliceReady, slicesReady } });
    };
    try {
      const volume = await pool.load(scan, stackId, sources, { signal, onProgress: (progress) => updates.push({ progress }), onPartial }).finally(updates.cancel);
      milestone('volume-ready');
      set({ status: 'ready', volumeId: registerVolume(volume), preview: undefined, progress: undefined });
    } catch (e) {
      if (signal !== controller?.signal) return; // a newer open or load has taken over
      set(isCancelled(e) ? { status: 'ready', preview: undefined, progress: undefined } : { status: 'error', error: describe(e), preview: undefined, progress: undefined });
    }
  },

  cancel() {
    controller?.abort();
  },
}));
