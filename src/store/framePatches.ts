/**
 * Coalesces store updates that arrive faster than the screen can show them (a progress message
 * per file, a partial volume per decoded slice) into one update per animation frame: patches
 * pushed in between are merged, later keys winning. `cancel` drops what is pending (call it
 * before the final update, so no stale patch lands after it).
 */
export function framePatches<T extends object>(apply: (patch: Partial<T>) => void): { push(patch: Partial<T>): void; cancel(): void } {
  let pending: Partial<T> | undefined;
  let handle: { readonly frame: number } | { readonly timer: ReturnType<typeof setTimeout> } | undefined;
  // Hidden tabs get no animation frames; a timer still lets the last patch through.
  const useFrame = (): boolean => typeof requestAnimationFrame === 'function' && globalThis.document?.visibilityState !== 'hidden';
  const flush = (): void => {
    handle = undefined;
    const patch = pending;
    pending = undefined;
    if (patch) apply(patch);
  };
  return {
    push(patch) {
      pending = { ...pending, ...patch };
      if (handle !== undefined) return;
      handle = useFrame() ? { frame: requestAnimationFrame(flush) } : { timer: setTimeout(flush, 16) };
    },
    cancel() {
      pending = undefined;
      if (handle && 'frame' in handle) cancelAnimationFrame(handle.frame);
      else if (handle) clearTimeout(handle.timer);
      handle = undefined;
    },
  };
}
