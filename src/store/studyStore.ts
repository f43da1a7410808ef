import { create } from 'zustand';
import { isCancelled, VoxelprintError } from '../core/errors';
import type { Progress } from '../core/dicom/load';
import type { ScanResult } from '../core/dicom/series';
import { DicomWorkerPool } from '../workers/dicomClient';
import type { SourceRef } from '../workers/dicomProtocol';
import { registerVolume, releaseVolume } from './volumeRegistry';

export type StudyStatus = 'idle' | 'scanning' | 'loading' | 'ready' | 'error';

export interface StudyState {
  readonly status: StudyStatus;
  readonly sourceLabel?: string;
  readonly progress?: Progress;
  readonly scan?: ScanResult;
  readonly stackId?: string;
  readonly volumeId?: string;
  readonly error?: string;
  /** Open a list of files (picker, folder, bundled sample) and load the likeliest volume. */
  open(label: string, sources: readonly SourceRef[] | (() => Promise<readonly SourceRef[]>)): Promise<void>;
  /** Load another stack of the current scan. */
  loadStack(stackId: string): Promise<void>;
  cancel(): void;
}

const pool = new DicomWorkerPool();
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
    set({ status: 'scanning', sourceLabel: label, scan: undefined, stackId: undefined, volumeId: undefined, error: undefined, progress: undefined });
    try {
      const newSources = typeof listSources === 'function' ? await listSources() : listSources;
      sources = newSources;
      set({ progress: { phase: 'scan', done: 0, total: newSources.length } });
      const scan = await pool.scan(newSources, { signal, onProgress: (progress) => set({ progress }) });
      set({ scan });
      if (scan.preferredStackId) await get().loadStack(scan.preferredStackId);
      else set({ status: 'ready', progress: undefined });
    } catch (e) {
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
    set({ status: 'loading', stackId, volumeId: undefined, error: undefined, progress: { phase: 'decode', done: 0, total: 0 } });
    try {
      const volume = await pool.load(scan, stackId, sources, { signal, onProgress: (progress) => set({ progress }) });
      set({ status: 'ready', volumeId: registerVolume(volume), progress: undefined });
    } catch (e) {
      set(isCancelled(e) ? { status: 'ready', progress: undefined } : { status: 'error', error: describe(e), progress: undefined });
    }
  },

  cancel() {
    controller?.abort();
  },
}));
