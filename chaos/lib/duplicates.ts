import type { Taken } from './sink.js';

/** A SIGKILL the harness sent: which worker (its sink tag) and when (epoch ms). */
export type Kill = { worker: string; at: number };

/**
 * Where each duplicate send came from. For every send of a code after its first, the send before it
 * is the one that was repeated; its worker's kill tells why:
 * - `vendorWindow`: the worker died while the vendor was still processing (arrived, not yet answered)
 *   and the vendor sent the message anyway. The worker never saw an answer, so nothing it writes
 *   can prevent the resend; only vendor-side idempotency (e.g. Standard Webhooks' `webhook-id`) could.
 * - `afterAnswer`: the vendor had answered 200 before the kill; the worker had not yet recorded it
 *   (sent marker / job completion). This is the window the worker controls.
 * - `withoutKill`: the same message sent twice with no kill in between (e.g. a lock lost while
 *   the first worker was still running).
 */
export type DuplicateCauses = { vendorWindow: number; afterAnswer: number; withoutKill: number; afterAnswerMaxGapMs: number };

export const duplicateCauses = (taken: Taken[], kills: Kill[]): DuplicateCauses => {
  const byCode = new Map<string, Taken[]>();
  for (const t of taken) byCode.set(t.code, [...(byCode.get(t.code) ?? []), t]);
  const causes: DuplicateCauses = { vendorWindow: 0, afterAnswer: 0, withoutKill: 0, afterAnswerMaxGapMs: 0 };
  for (const sends of byCode.values()) {
    sends.sort((x, y) => x.takenAt - y.takenAt);
    for (let i = 1; i < sends.length; i++) {
      const prev = sends[i - 1]!;
      const again = sends[i]!;
      const kill = kills.find((k) => k.worker === prev.worker && k.at >= prev.arrivedAt && k.at <= again.arrivedAt);
      if (!kill) causes.withoutKill++;
      else if (prev.answeredAt === undefined || kill.at < prev.answeredAt) causes.vendorWindow++;
      else {
        causes.afterAnswer++;
        causes.afterAnswerMaxGapMs = Math.max(causes.afterAnswerMaxGapMs, kill.at - prev.answeredAt);
      }
    }
  }
  return causes;
};
