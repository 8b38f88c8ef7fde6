import { errorGuard, OtpCourierError } from './base.js';

/**
 * A producer-side limit refused the message (per recipient or per IP), or the address is suppressed
 * after a hard bounce or a complaint (`limits.suppressBouncedSeconds`). Nothing was enqueued.
 */
export class RateLimitedError extends OtpCourierError {
  override readonly name = 'RateLimitedError';
  constructor(
    readonly scope: 'recipient' | 'ip' | 'prefix' | 'country' | 'conversion' | 'suppressed',
    readonly retryAfterMs: number,
  ) {
    super(
      scope === 'suppressed'
        ? `this address bounced or complained; suppressed for ${Math.ceil(retryAfterMs / 1000)} s`
        : `too many messages for this ${scope}; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
    );
  }
}

export const isRateLimitedError = errorGuard(RateLimitedError, 'RateLimitedError');
