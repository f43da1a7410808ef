import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { framePatches } from '../../src/store/framePatches';

interface State {
  done: number;
  total: number;
  label: string;
}

describe('framePatches: store updates coalesced to one per frame', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('merges the patches pushed within a frame, later keys winning, and applies them once', () => {
    const applied: Partial<State>[] = [];
    const updates = framePatches<State>((p) => applied.push(p));
    updates.push({ done: 1, total: 120 });
    updates.push({ done: 2 });
    updates.push({ label: 'Decoding', done: 3 });
    expect(applied).toEqual([]); // nothing before the frame
    vi.advanceTimersByTime(16);
    expect(applied).toEqual([{ done: 3, total: 120, label: 'Decoding' }]);
    // The next frame carries only what came after.
    updates.push({ done: 4 });
    vi.advanceTimersByTime(16);
    expect(applied).toEqual([{ done: 3, total: 120, label: 'Decoding' }, { done: 4 }]);
    vi.advanceTimersByTime(100);
    expect(applied).toHaveLength(2);
  });

  it('cancel drops what is pending, so no stale patch lands after the final update', () => {
    const applied: Partial<State>[] = [];
    const updates = framePatches<State>((p) => applied.push(p));
    updates.push({ done: 119 });
    updates.cancel();
    vi.advanceTimersByTime(100);
    expect(applied).toEqual([]);
    // Usable again afterwards.
    updates.push({ done: 1 });
    vi.advanceTimersByTime(16);
    expect(applied).toEqual([{ done: 1 }]);
  });

  it('uses animation frames where the page has them, and cancels the right one', () => {
    const frames = new Map<number, () => void>();
    let nextFrame = 1;
    vi.stubGlobal('requestAnimationFrame', (f: () => void) => {
      frames.set(nextFrame, f);
      return nextFrame++;
    });
    vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id));
    const applied: Partial<State>[] = [];
    const updates = framePatches<State>((p) => applied.push(p));
    updates.push({ done: 1 });
    updates.push({ done: 2 });
    expect(frames.size).toBe(1); // one frame asked for, however many patches
    vi.advanceTimersByTime(100);
    expect(applied).toEqual([]); // no timer: it waits for the frame
    [...frames.values()][0]();
    expect(applied).toEqual([{ done: 2 }]);
    frames.clear();
    updates.push({ done: 3 });
    updates.cancel();
    expect(frames.size).toBe(0);
  });
});
