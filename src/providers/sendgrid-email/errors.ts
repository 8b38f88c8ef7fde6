import { z } from 'zod';
import type { DeliveryError } from '../../errors/delivery-error.js';
import { classifyFailure, type HttpFailure } from '../http/classify.js';
import { parseJsonAs } from '../http/json.js';
import { parseRetryAfterMs } from '../http/retry-after.js';
import { codeTable, connector, throttled } from '../http/rules.js';

const PROVIDER = 'sendgrid-email';

/** SendGrid's error body: `{errors: [{message, field, help}]}`. Only `field` is read. */
const errorBodySchema = z.object({
  errors: z.array(z.looseObject({ field: z.string().nullish().catch(undefined) })),
});

const failingFields = (body: string): string[] =>
  parseJsonAs(errorBodySchema, body)?.errors.flatMap((e) => (typeof e.field === 'string' ? [e.field] : [])) ?? [];

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * How long to wait after a 429: `Retry-After` if sent, else SendGrid's `X-RateLimit-Reset`
 * (the Unix time, in seconds, when the window resets).
 */
export const sendgridRetryAfterMs = (headers: HttpFailure['headers'], now = Date.now()): number | undefined => {
  const retryAfter = parseRetryAfterMs(headers['retry-after'], now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(first(headers['x-ratelimit-reset']));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
};

/**
 * Mail Send statuses (SendGrid has no error codes, only statuses and failing fields): 401/403
 * (bad key, missing scope, unverified sender identity, temporary block), 406 and 451 (data
 * residency: wrong regional host) are the connector's; 400 and 413 this message; 429 is
 * rate-limited; 5xx retryable. Statuses not listed follow `classifyHttpStatus`.
 */
const SENDGRID_STATUS_RULES = codeTable({
  http_406: connector('provider rejected request (HTTP 406)'),
  http_451: connector('provider rejected request (HTTP 451)'),
  http_429: throttled('rate limited by provider', ({ headers, now }) => sendgridRetryAfterMs(headers ?? {}, now)),
});

/** A 400 naming `from` is the connector's sender (config), not this message. */
const SENDER_REJECTED = codeTable({ http_400: connector('sender address rejected') });

const isSenderField = (field: string): boolean => field === 'from' || field.startsWith('from.');

/** Maps a non-2xx Mail Send reply to a `DeliveryError`. */
export const classifySendgridError = ({ status, headers, body }: HttpFailure, now = Date.now()): DeliveryError => {
  const rules = status === 400 && failingFields(body).some(isSenderField) ? SENDER_REJECTED : SENDGRID_STATUS_RULES;
  return classifyFailure(rules, { provider: PROVIDER, status, headers, code: `http_${status}` }, now);
};
