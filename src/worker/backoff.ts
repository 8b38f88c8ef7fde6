import type { Job } from 'bullmq';
import type { QueueConfig } from '../config/schema.js';

/**
 * Delay before retry number `attemptsMade + 1` (attemptsMade ≥ 1): exponential (or fixed) with
 * "equal jitter" (half fixed, half random) so a burst of failures does not retry in lockstep,
 * capped at `maxDelayMs`, and never shorter than the vendor's `Retry-After`.
 */
export const backoffDelayMs = (
  attemptsMade: number,
  policy: QueueConfig['backoff'],
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number => {
  const exponent = policy.type === 'exponential' ? Math.max(0, attemptsMade - 1) : 0;
  const base = Math.min(policy.maxDelayMs, policy.delayMs * 2 ** Math.min(exponent, 30));
  const jittered = Math.round(base / 2 + random() * (base / 2));
  return Math.max(jittered, retryAfterMs ?? 0);
};

/** The spread added to a wake-up time someone else chose (Retry-After, a pause, the rate gate). */
export const PARK_JITTER = { minMs: 50, share: 0.2, maxMs: 30_000 } as const;

/**
 * Up to 20 % of `delayMs` (at least 50 ms, at most 30 s), added after the wait, never before: jobs
 * parked on the same pause or the same Retry-After wake spread out instead of all at once.
 */
export const parkJitterMs = (delayMs: number, random: () => number = Math.random): number =>
  Math.floor(random() * Math.min(PARK_JITTER.maxMs, Math.max(PARK_JITTER.minMs, Math.max(0, delayMs) * PARK_JITTER.share)));

/**
 * Which park of this message the current one is (1 for the first). A run that parks the job
 * (`moveToDelayed` + `DelayedError`) spends no attempt, so BullMQ's `attemptsStarted` (raised on
 * every move to active, this run included) grows while `attemptsMade` (raised only when a run
 * fails or completes) does not: their difference is 1 + the earlier runs that spent nothing
 * (parks, and stalled-job recoveries, which also spend nothing).
 */
export const parkNumber = (job: Pick<Job, 'attemptsStarted' | 'attemptsMade'>): number => Math.max(1, job.attemptsStarted - job.attemptsMade);
