import { VoxelprintError, deserializeError } from '../core/errors';
import type { SerializedError } from '../core/errors';

/** Every answer a worker gives carries the id of the request it answers. */
export type WorkerReply = { readonly id: number; readonly type: string } & ({ readonly type: 'error'; readonly error: SerializedError } | { readonly type: string });

export interface WorkerRequestOptions<R> {
  readonly transfer?: Transferable[];
  readonly signal?: AbortSignal;
  /** Answers that are not the final one (e.g. 'progress'): return true when handled. */
  readonly onInterim?: (reply: R) => boolean;
  /** Called when the signal aborts the request or the worker crashes (e.g. terminate it, so the next request starts a fresh one). */
  readonly onAbort?: () => void;
  /** The worker's name in error messages ("mesh worker"). */
  readonly name: string;
}

/**
 * Posts one request to a worker and resolves with the answer of type `expect` with the same id.
 * An 'error' answer rejects with the core's error; a crash of the worker calls `onAbort` and
 * rejects; an abort calls `onAbort` and rejects as cancelled.
 */
export function workerRequest<R extends WorkerReply, T extends R['type']>(
  w: Worker,
  id: number,
  message: unknown,
  expect: T,
  options: WorkerRequestOptions<R>,
): Promise<Extract<R, { type: T }>> {
  const { signal, onInterim, onAbort: abort, name } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new VoxelprintError('cancelled', 'cancelled by the user'));
    const cleanup = (): void => {
      w.removeEventListener('message', onMessage);
      w.removeEventListener('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onMessage = (ev: MessageEvent<R>): void => {
      const m = ev.data;
      if (m.id !== id || onInterim?.(m)) return;
      cleanup();
      if (m.type === 'error') reject(deserializeError((m as { error: SerializedError }).error));
      else if (m.type === expect) resolve(m as Extract<R, { type: T }>);
      else reject(new VoxelprintError('mesh-failed', `${name} answered ${m.type} to ${expect}`));
    };
    const onError = (ev: ErrorEvent): void => {
      cleanup();
      abort?.();
      reject(new VoxelprintError('mesh-failed', `${name} failed: ${ev.message}`));
    };
    const onAbort = (): void => {
      cleanup();
      abort?.();
      reject(new VoxelprintError('cancelled', 'cancelled by the user'));
    };
    w.addEventListener('message', onMessage);
    w.addEventListener('error', onError);
    signal?.addEventListener('abort', onAbort);
    w.postMessage(message, options.transfer ?? []);
  });
}
