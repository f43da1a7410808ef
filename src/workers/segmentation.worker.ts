/// <reference lib="webworker" />
import { serializeError } from '../core/errors';
import { applyStep } from '../core/segmentation/steps';
import { segmentStatistics } from '../core/segmentation/statistics';
import type { EditVolume } from '../core/segmentation/steps';
import type { SegmentationRequest, SegmentationResponse } from './segmentationProtocol';

/** Runs segmentation effects off the page: the core's applyStep on a copy of the labelmap. */
const scope = self as unknown as DedicatedWorkerGlobalScope;
let volume: EditVolume | undefined;

scope.onmessage = (ev: MessageEvent<SegmentationRequest>) => {
  const msg = ev.data;
  try {
    if (msg.type === 'volume') {
      volume = msg.volume;
      scope.postMessage({ type: 'ready', id: msg.id } satisfies SegmentationResponse);
      return;
    }
    if (!volume) throw new Error('segmentation worker: no volume');
    if (msg.type === 'statistics') {
      const statistics = segmentStatistics(msg.labels, volume, volume.voxels, { surface: 'mesh' });
      scope.postMessage({ type: 'statistics', id: msg.id, statistics } satisfies SegmentationResponse);
      return;
    }
    const seg = { labels: msg.labels, segments: msg.segments };
    const outcome = applyStep(seg, volume, msg.step);
    // The labelmap copy goes back too, for the page to reuse for the next step (a fresh 100 MB
    // array costs page faults on first touch).
    const response: SegmentationResponse = { type: 'stepped', id: msg.id, deltas: outcome.deltas, segments: seg.segments, spare: msg.labels };
    scope.postMessage(response, [...outcome.deltas.map((d) => d.runs.buffer as ArrayBuffer), msg.labels.buffer as ArrayBuffer]);
  } catch (e) {
    scope.postMessage({ type: 'error', id: msg.id, error: serializeError(e) } satisfies SegmentationResponse);
  }
};
