import type { QueueConfig } from '../config/schema.js';
import type { DeliveryError } from '../errors/delivery-error.js';
import { BACKOFF_TYPE } from '../messages/job-data.js';
import { backoffDelayMs } from './backoff.js';

/**
 * Ends an attempt so that BullMQ runs the job again after `delayMs`, the delay the policy chose
 * (backoff, never shorter than the vendor's Retry-After). BullMQ hands the error the processor
 * threw to the worker's backoff strategy (`Job.moveToFailed` → `shouldRetryJob` →
 * `Backoffs.calculate(backoff, attemptsMade, err, job, settings.backoffStrategy)`), which reads
 * the delay off it. Its message is the delivery failure's: BullMQ keeps it as `failedReason`.
 */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
  constructor(
    readonly failure: DeliveryError,
    readonly delayMs: number,
  ) {
    super(failure.message, { cause: failure });
  }
}

/**
 * The worker's `settings.backoffStrategy`: the delay a RetryLater carries; for anything else the
 * processor threw (a Redis error while it dead-lettered or parked), the queue's own backoff.
 */
export const backoffStrategy = (policy: QueueConfig['backoff']) => (attemptsMade: number, type?: string, error?: Error): number => {
  if (error instanceof RetryLater) return error.delayMs;
  return type === BACKOFF_TYPE ? backoffDelayMs(attemptsMade, policy, undefined) : 1000;
};
