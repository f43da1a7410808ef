import type { LabelDelta } from '../core/segmentation/delta';
import type { EditVolume, SegmentInfo, Step } from '../core/segmentation/steps';
import type { SegmentationRequest, SegmentationResponse } from './segmentationProtocol';
import { workerRequest } from './workerRequest';
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
  async statistics(volume: EditVolume, labels: Uint8Array): Promise<readonly SegmentStatistics[]> {
    const w = this.ensure(volume);
    const id = this.nextId++;
    const copy = labels.slice();
    const r = await workerRequest<SegmentationResponse, 'statistics'>(w, id, { type: 'statistics', id, labels: copy } satisfies SegmentationRequest, 'statistics', {
      transfer: [copy.buffer],
      name: 'segmentation worker',
    });
    return r.statistics;
  }

  async run(volume: EditVolume, labels: Uint8Array, segments: readonly SegmentInfo[], step: Step, signal?: AbortSignal): Promise<{ deltas: readonly LabelDelta[]; segments: readonly SegmentInfo[] }> {
    const w = this.ensure(volume);
    const id = this.nextId++;
    const copy = this.spare?.length === labels.length ? this.spare : new Uint8Array(labels.length);
    this.spare = undefined;
    copy.set(labels);
    const r = await workerRequest<SegmentationResponse, 'stepped'>(w, id, { type: 'step', id, labels: copy, segments, step } satisfies SegmentationRequest, 'stepped', {
      transfer: [copy.buffer],
      signal,
      name: 'segmentation worker',
      onAbort: () => this.dispose(),
    });
    this.spare = r.spare;
    return { deltas: r.deltas, segments: r.segments };
  }
}
