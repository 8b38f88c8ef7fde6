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
