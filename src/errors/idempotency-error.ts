import { errorGuard, OtpCourierError } from './base.js';

/**
 * The `idempotencyKey` already belongs to a message with another channel, recipient or type (or one
 * this producer cannot read). Nothing was enqueued; the earlier message's id is not given out.
 */
export class IdempotencyConflictError extends OtpCourierError {
  override readonly name = 'IdempotencyConflictError';
  constructor() {
    super('idempotency key already used for a different message (channel, recipient or type differ); use a new key');
  }
}

export const isIdempotencyConflictError = errorGuard(IdempotencyConflictError, 'IdempotencyConflictError');
