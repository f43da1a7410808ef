import type { SerializedError } from '../core/errors';
import type { LabelDelta } from '../core/segmentation/delta';
import type { EditVolume, SegmentInfo, Step } from '../core/segmentation/steps';
import type { SegmentStatistics } from '../core/segmentation/statistics';

/**
 * Messages between the page and the segmentation worker. The worker keeps the volume (sent once,
 * shared when the page is cross-origin isolated) and gets a copy of the labelmap per step; it
 * answers with the step's deltas, which the page applies to its own labelmap (the one owner).
 */
export type SegmentationRequest =
  | { readonly type: 'volume'; readonly id: number; readonly volume: EditVolume }
  | { readonly type: 'step'; readonly id: number; readonly labels: Uint8Array; readonly segments: readonly SegmentInfo[]; readonly step: Step }
  | { readonly type: 'statistics'; readonly id: number; readonly labels: Uint8Array };

export type SegmentationResponse =
  | { readonly type: 'ready'; readonly id: number }
  | { readonly type: 'stepped'; readonly id: number; readonly deltas: readonly LabelDelta[]; readonly segments: readonly SegmentInfo[]; readonly spare?: Uint8Array }
  | { readonly type: 'statistics'; readonly id: number; readonly statistics: readonly SegmentStatistics[] }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };
