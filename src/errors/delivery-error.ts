import { errorGuard, OtpCourierError } from './base.js';

/**
 * What the worker should do after a failed send:
 * - `retryable`: try again later with backoff (network, timeout, 5xx);
 * - `permanent`: never retry (bad recipient, rejected content, bad credentials);
 * - `rate_limited`: the vendor throttled us; wait `retryAfterMs` (without spending an attempt).
 */
export type DeliveryErrorKind = 'retryable' | 'permanent' | 'rate_limited';

/**
 * Whether the failure is about this message (invalid recipient: no other connector would do
 * better) or about the connector (auth, outage: another connector may succeed).
 */
export type DeliveryErrorScope = 'message' | 'connector';

export type DeliveryErrorInit = {
  kind: DeliveryErrorKind;
  /** Provider id (`twilio-sms`, `smtp`, …). */
  provider: string;
  /** The vendor's error code (`21211`, `MessageRejected`, `http_503`), or one of ours (`timeout`). */
  code: string;
  /** Short, fixed description. Never the recipient, the OTP code or a raw provider body. */
  message: string;
  /** For `rate_limited` (and retryable errors with a `Retry-After`): how long to wait. */
  retryAfterMs?: number;
  /** @default 'connector' for retryable and rate-limited errors, 'message' for permanent ones */
  scope?: DeliveryErrorScope;
  cause?: unknown;
};

/** The one error type every provider throws. Its message is safe to log and to store. */
export class DeliveryError extends OtpCourierError {
  override readonly name = 'DeliveryError';
  readonly kind: DeliveryErrorKind;
  readonly provider: string;
  readonly code: string;
  readonly retryAfterMs: number | undefined;
  readonly scope: DeliveryErrorScope;

  constructor(init: DeliveryErrorInit) {
    super(`${init.provider}: ${init.message} (${init.code})`, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.provider = init.provider;
    this.code = init.code;
    this.retryAfterMs = init.retryAfterMs;
    this.scope = init.scope ?? (init.kind === 'permanent' ? 'message' : 'connector');
  }
}

const isNamedDeliveryError = errorGuard(DeliveryError, 'DeliveryError');

/** Works across module copies, where `instanceof` does not; a copy's error must carry a `kind`. */
export const isDeliveryError = (error: unknown): error is DeliveryError => isNamedDeliveryError(error) && typeof error.kind === 'string';

type Shorthand = Omit<DeliveryErrorInit, 'kind'>;
export const retryable = (init: Shorthand): DeliveryError => new DeliveryError({ ...init, kind: 'retryable' });
export const permanent = (init: Shorthand): DeliveryError => new DeliveryError({ ...init, kind: 'permanent' });
export const rateLimited = (init: Shorthand): DeliveryError => new DeliveryError({ ...init, kind: 'rate_limited' });
