import type { Queue } from 'bullmq';
import { jobResultSchema, type Outcome } from '../messages/job-data.js';

/**
 * The outcome of a message as Redis knows it: `delivered`/`expired` (completed, by return value),
 * `dead` (failed in the main queue, or present in the dead-letter queue), else `pending`.
 */
export const readOutcome = async (queue: Queue, deadLetters: Queue, id: string): Promise<Outcome> => {
  const job = await queue.getJob(id);
  if (job) {
    if (job.finishedOn) {
      // A failed job has no return value, so it reads as dead too.
      const result = jobResultSchema.safeParse(job.returnvalue);
      return result.success ? result.data.outcome : 'dead';
    }
    return 'pending';
  }
  return (await deadLetters.getJob(id)) ? 'dead' : 'pending';
};

export type WaitOptions = {
  /** @default 5000 */
  timeoutMs?: number;
  /** First poll interval; doubles up to 250 ms. @default 10 */
  intervalMs?: number;
};

/** Polls until the outcome is final or the timeout passes (then `pending`). */
export const waitForOutcome = async (queue: Queue, deadLetters: Queue, id: string, { timeoutMs = 5000, intervalMs = 10 }: WaitOptions = {}): Promise<Outcome> => {
  const deadline = Date.now() + timeoutMs;
  let interval = intervalMs;
  for (;;) {
    const outcome = await readOutcome(queue, deadLetters, id);
    if (outcome !== 'pending' || Date.now() >= deadline) return outcome;
    await new Promise((r) => setTimeout(r, Math.min(interval, Math.max(0, deadline - Date.now()))));
    interval = Math.min(interval * 2, 250);
  }
};
