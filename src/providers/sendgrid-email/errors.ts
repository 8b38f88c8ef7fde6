import { z } from 'zod';
import { DeliveryError } from '../../errors/delivery-error.js';
import { classifyHttpStatus } from '../http/classify-status.js';
import { parseJsonAs } from '../http/json.js';
import { parseRetryAfterMs } from '../http/retry-after.js';

const PROVIDER = 'sendgrid-email';

/** SendGrid's error body: `{errors: [{message, field, help}]}`. Only `field` is read. */
const errorBodySchema = z.object({
  errors: z.array(z.looseObject({ field: z.string().nullish().catch(undefined) })),
});

export type SendgridFailure = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Raw response body: parsed for the failing fields only, never copied into the error. */
  body: string;
};

const failingFields = (body: string): string[] =>
  parseJsonAs(errorBodySchema, body)?.errors.flatMap((e) => (typeof e.field === 'string' ? [e.field] : [])) ?? [];

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * How long to wait after a 429: `Retry-After` if sent, else SendGrid's `X-RateLimit-Reset`
 * (the Unix time, in seconds, when the window resets).
 */
export const sendgridRetryAfterMs = (headers: SendgridFailure['headers'], now = Date.now()): number | undefined => {
  const retryAfter = parseRetryAfterMs(headers['retry-after'], now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(first(headers['x-ratelimit-reset']));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
};

/**
 * Maps a non-2xx Mail Send reply (SendGrid has no error codes, only statuses and failing fields):
 * 400 on `from` is the connector's sender (config), other 400s and 413 are this message;
 * 401/403 (bad key, missing scope, unverified sender identity, temporary block), 406 and 451
 * (data residency: wrong regional host) are the connector's; 429 is rate-limited; 5xx retryable.
 */
export const classifySendgridError = ({ status, headers, body }: SendgridFailure, now = Date.now()): DeliveryError => {
  if (status === 429) {
    return new DeliveryError({ kind: 'rate_limited', provider: PROVIDER, code: 'http_429', message: 'rate limited by provider', retryAfterMs: sendgridRetryAfterMs(headers, now) });
  }
  if (status === 400 && failingFields(body).some((f) => f === 'from' || f.startsWith('from.'))) {
    return new DeliveryError({ kind: 'permanent', provider: PROVIDER, code: 'http_400', message: 'sender address rejected', scope: 'connector' });
  }
  if (status === 406 || status === 451) {
    return new DeliveryError({ kind: 'permanent', provider: PROVIDER, code: `http_${status}`, message: `provider rejected request (HTTP ${status})`, scope: 'connector' });
  }
  return classifyHttpStatus({ provider: PROVIDER, status, headers });
};
