import { errorGuard, OtpCourierError } from './base.js';

/**
 * Fewer replicas than `durability.replicas` confirmed the enqueue within `durability.timeoutMs`
 * (Redis WAIT), or the confirmation could not be asked for. The job may still be stored: a retry
 * with the same `idempotencyKey` is safe (it enqueues at most once).
 */
export class DurabilityError extends OtpCourierError {
  override readonly name = 'DurabilityError';
  constructor(
    readonly wanted: number,
    /** Replicas that confirmed; undefined when WAIT itself failed. */
    readonly acknowledged: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `${acknowledged === undefined ? 'could not confirm replication' : `${acknowledged} of ${wanted} replicas confirmed`}: the job may be stored; a retry with the same idempotencyKey is safe`,
      options,
    );
  }
}

export const isDurabilityError = errorGuard(DurabilityError, 'DurabilityError');
