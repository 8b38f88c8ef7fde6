import { errorGuard, OtpCourierError } from './base.js';

/**
 * A producer-side limit refused the message (per recipient, IP, number prefix or country), the number's
 * prefix is blocked for its low conversion ratio (`limits.sms.minConversion`), or the address is
 * suppressed after a hard bounce or a complaint (`limits.suppressBouncedSeconds`). Nothing was enqueued.
 */
export class RateLimitedError extends OtpCourierError {
  override readonly name = 'RateLimitedError';
  constructor(
    readonly scope: 'recipient' | 'ip' | 'prefix' | 'country' | 'conversion' | 'suppressed',
    readonly retryAfterMs: number,
  ) {
    const seconds = Math.ceil(retryAfterMs / 1000);
    super(
      scope === 'suppressed'
        ? `this address bounced or complained; suppressed for ${seconds} s`
        : scope === 'conversion'
          ? `codes sent to this number prefix are seldom used; blocked for ${seconds} s`
          : `too many messages for this ${scope}; retry in ${seconds} s`,
    );
  }
}

export const isRateLimitedError = errorGuard(RateLimitedError, 'RateLimitedError');
