import { VoxelprintError, deserializeError } from '../core/errors';
import type { LabelDelta } from '../core/segmentation/delta';
import type { EditVolume, SegmentInfo, Step } from '../core/segmentation/steps';
import type { SegmentationRequest, SegmentationResponse } from './segmentationProtocol';
import type { SegmentStatistics } from '../core/segmentation/statistics';

/**
 * One worker for segmentation effects. `run` sends a copy of the labelmap and the step, and
 * resolves with the deltas to apply; cancelling terminates the worker (the next run starts a
 * fresh one and sends the volume again).
 */
export class SegmentationWorker {
  private worker?: Worker;
  private volumeSent?: EditVolume;
  private nextId = 1;
  /** The last labelmap copy, handed back by the worker: reused for the next step's copy. */
  private spare?: Uint8Array;

  private ensure(volume: EditVolume): Worker {
    if (!this.worker) {
      this.worker = new Worker(new URL('./segmentation.worker.ts', import.meta.url), { type: 'module', name: 'voxelprint-segmentation' });
      this.volumeSent = undefined;
    }
    if (this.volumeSent !== volume) {
      const { dimensions, spacingMm, originLps, directionLps, voxels, seriesInstanceUid } = volume;
      const msg: SegmentationRequest = { type: 'volume', id: this.nextId++, volume: { dimensions, spacingMm, originLps, directionLps, voxels, seriesInstanceUid } };
      this.worker.postMessage(msg);
      this.volumeSent = volume;
    }
    return this.worker;
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.volumeSent = undefined;
  }

  /** Per-segment statistics (voxels, mm³, surface area of the mesh, value mean/std/min/max). */
  statistics(volume: EditVolume, labels: Uint8Array): Promise<readonly SegmentStatistics[]> {
    const w = this.ensure(volume);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (ev: MessageEvent<SegmentationResponse>): void => {
        const m = ev.data;
        if (m.id !== id) return;
        w.removeEventListener('message', onMessage);
        if (m.type === 'statistics') resolve(m.statistics);
        else if (m.type === 'error') reject(deserializeError(m.error));
      };
      w.addEventListener('message', onMessage);
      const copy = labels.slice();
      w.postMessage({ type: 'statistics', id, labels: copy } satisfies SegmentationRequest, [copy.buffer]);
    });
  }

  run(volume: EditVolume, labels: Uint8Array, segments: readonly SegmentInfo[], step: Step, signal?: AbortSignal): Promise<{ deltas: readonly LabelDelta[]; segments: readonly SegmentInfo[] }> {
    const w = this.ensure(volume);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new VoxelprintError('cancelled', 'cancelled by the user'));
      const cleanup = (): void => {
        w.removeEventListener('message', onMessage);
        w.removeEventListener('error', onError);
        signal?.removeEventListener('abort', onAbort);
      };
      const onMessage = (ev: MessageEvent<SegmentationResponse>): void => {
        const m = ev.data;
        if (m.id !== id) return;
        cleanup();
        if (m.type === 'error') reject(deserializeError(m.error));
        else if (m.type === 'stepped') {
          this.spare = m.spare;
          resolve({ deltas: m.deltas, segments: m.segments });
        }
      };
      const onError = (ev: ErrorEvent): void => {
        cleanup();
        this.dispose();
        reject(new Error(`segmentation worker failed: ${ev.message}`));
      };
      const onAbort = (): void => {
        cleanup();
        this.dispose();
        reject(new VoxelprintError('cancelled', 'cancelled by the user'));
      };
      w.addEventListener('message', onMessage);
      w.addEventListener('error', onError);
      signal?.addEventListener('abort', onAbort);
      const copy = this.spare?.length === labels.length ? this.spare : new Uint8Array(labels.length);
      this.spare = undefined;
      copy.set(labels);
      const msg: SegmentationRequest = { type: 'step', id, labels: copy, segments, step };
      w.postMessage(msg, [copy.buffer]);
    });
  }
}
