import { errorGuard, OtpCourierError } from './base.js';

/** A producer-side limit refused the message (per recipient or per IP). Nothing was enqueued. */
export class RateLimitedError extends OtpCourierError {
  override readonly name = 'RateLimitedError';
  constructor(
    readonly scope: 'recipient' | 'ip',
    readonly retryAfterMs: number,
  ) {
    super(`too many messages for this ${scope}; retry in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

export const isRateLimitedError = errorGuard(RateLimitedError, 'RateLimitedError');
