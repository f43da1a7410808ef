import { afterEach, describe, expect, it, vi } from 'vitest';
import { isCancelled } from '../../src/core/errors';
import { MeshWorkerPool } from '../../src/workers/meshClient';

/** A worker that takes requests and never answers (as a terminated one: no message, no error). */
class SilentWorker extends EventTarget {
  static made: SilentWorker[] = [];
  readonly posted: unknown[] = [];
  terminated = false;
  constructor() {
    super();
    SilentWorker.made.push(this);
  }
  postMessage(m: unknown): void {
    this.posted.push(m);
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('MeshWorkerPool: requests cut short by terminated workers', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    SilentWorker.made = [];
  });

  const mesh = { name: 'Bone', colorRgb: [1, 2, 3] as const, positionsMm: new Float32Array(9), indices: new Uint32Array([0, 1, 2]) };

  it('an export waiting on a worker rejects as cancelled when the pool is disposed (a cancelled build), instead of waiting forever', async () => {
    vi.stubGlobal('Worker', SilentWorker);
    const pool = new MeshWorkerPool(2);
    const exported = pool.exportFiles([mesh], { format: 'stl', frame: 'LPS', perSegment: false });
    const copies = pool.displayCopies([mesh], [1]);
    expect(SilentWorker.made).toHaveLength(2);
    expect(SilentWorker.made[0].posted).toHaveLength(1); // the export went to the first worker
    pool.dispose();
    expect(SilentWorker.made.every((w) => w.terminated)).toBe(true);
    await expect(exported).rejects.toSatisfy(isCancelled);
    await expect(copies).rejects.toSatisfy(isCancelled);
  });

  it('after a dispose, new requests go to fresh workers and are not cancelled by the old end', async () => {
    vi.stubGlobal('Worker', SilentWorker);
    const pool = new MeshWorkerPool(1);
    const first = pool.exportFiles([mesh], { format: 'stl', frame: 'LPS', perSegment: false });
    pool.dispose();
    await expect(first).rejects.toSatisfy(isCancelled);
    const second = pool.exportFiles([mesh], { format: 'stl', frame: 'LPS', perSegment: false });
    const worker = SilentWorker.made[1];
    expect(worker.terminated).toBe(false);
    // The fresh worker answers: the request resolves with its files.
    const blob = new Blob(['solid']);
    const request = worker.posted[0] as { id: number };
    worker.dispatchEvent(new MessageEvent('message', { data: { type: 'exported', id: request.id, files: [{ fileName: 'a.stl', blob }] } }));
    await expect(second).resolves.toEqual([{ fileName: 'a.stl', blob }]);
  });

  it('a crash of one worker ends the others, and their requests reject', async () => {
    vi.stubGlobal('Worker', SilentWorker);
    const pool = new MeshWorkerPool(2);
    const exported = pool.exportFiles([mesh], { format: 'stl', frame: 'LPS', perSegment: false });
    const copies = pool.displayCopies([mesh], [1]);
    SilentWorker.made[1].dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }));
    await expect(copies).rejects.toThrow(/mesh worker failed: out of memory/);
    await expect(exported).rejects.toSatisfy(isCancelled);
    expect(SilentWorker.made.every((w) => w.terminated)).toBe(true);
  });
});
