import { nowMs, sleep } from './stats.js';

export type OpenLoopResult = { sent: number; errors: number; achievedPerSec: number; enqueueMs: number[] };

/**
 * Sends at a fixed rate for `durationMs` without waiting for earlier sends (open loop: a slow
 * enqueue does not slow the offered load). `send(n, t)` enqueues message n stamped with time t.
 */
export const openLoop = async (ratePerSec: number, durationMs: number, firstIndex: number, send: (n: number, t: number) => Promise<unknown>): Promise<OpenLoopResult> => {
  const started = nowMs();
  const pending = new Set<Promise<void>>();
  const enqueueMs: number[] = [];
  let sent = 0;
  let errors = 0;
  for (;;) {
    const elapsed = nowMs() - started;
    if (elapsed >= durationMs) break;
    const due = Math.floor((ratePerSec * elapsed) / 1000);
    while (sent < due) {
      const t = nowMs();
      const p: Promise<void> = send(firstIndex + sent, t).then(
        () => void enqueueMs.push(nowMs() - t),
        () => void (errors += 1),
      );
      pending.add(p);
      void p.finally(() => pending.delete(p));
      sent += 1;
    }
    await sleep(1);
  }
  const elapsed = nowMs() - started;
  await Promise.all(pending);
  return { sent, errors, achievedPerSec: Math.round((sent * 1000) / elapsed), enqueueMs };
};
