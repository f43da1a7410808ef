import { describe, expect, it } from 'vitest';
import { modelBusy } from '../../src/store/modelStore';

describe('modelBusy: when the slice views hold back their set-up', () => {
  const quiet = { status: 'ready' as const, exporting: false, modelVersion: 3, shownVersion: 3 };

  it('a model drawn and nothing running: not busy', () => {
    expect(modelBusy(quiet)).toBe(false);
    expect(modelBusy({ ...quiet, status: 'idle' })).toBe(false);
    expect(modelBusy({ ...quiet, status: 'error' })).toBe(false);
  });

  it('building, exporting, or a new model not drawn yet: busy', () => {
    expect(modelBusy({ ...quiet, status: 'building' })).toBe(true);
    expect(modelBusy({ ...quiet, exporting: true })).toBe(true);
    expect(modelBusy({ ...quiet, modelVersion: 4 })).toBe(true);
  });

  it('a version bump without a model (cleared, cancelled) does not wait for a frame that never comes', () => {
    expect(modelBusy({ ...quiet, status: 'idle', modelVersion: 4 })).toBe(false);
  });
});
