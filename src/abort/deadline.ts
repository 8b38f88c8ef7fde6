import { clampTimerMs } from './timer.js';

/**
 * An abort signal that fires after `ms` or when `parent` aborts, whichever comes first, and that
 * leaves nothing behind once disposed. `AbortSignal.any` would do the same, but on Node 20 each call
 * stays attached to a long-lived parent (the worker's shutdown signal) until the process exits: a
 * leak of about 60 bytes per message.
 */
export type Deadline = {
  signal: AbortSignal;
  /** True when the time ran out (as opposed to the parent aborting). */
  timedOut(): boolean;
  /** Clears the timer and detaches from the parent. Call it in `finally`. */
  dispose(): void;
};

export const createDeadline = (ms: number, parent?: AbortSignal): Deadline => {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
  }, clampTimerMs(ms)); // a longer delay than Node's timers hold would fire at once
  const onAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onAbort();
  else parent?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    },
  };
};
