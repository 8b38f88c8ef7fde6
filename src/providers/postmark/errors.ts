import { DeliveryError, type DeliveryErrorKind, type DeliveryErrorScope } from '../../errors/delivery-error.js';
import { classifyHttpStatus } from '../http/classify-status.js';
import { parseRetryAfterMs } from '../http/retry-after.js';
import { codeTable } from '../shared/code-table.js';

const PROVIDER = 'postmark';

type Rule = { kind: DeliveryErrorKind; scope: DeliveryErrorScope; message: string };
const message = (text: string): Rule => ({ kind: 'permanent', scope: 'message', message: text });
const connector = (text: string): Rule => ({ kind: 'permanent', scope: 'connector', message: text });
const retry = (text: string): Rule => ({ kind: 'retryable', scope: 'connector', message: text });
const throttled = (text: string): Rule => ({ kind: 'rate_limited', scope: 'connector', message: text });

/**
 * Postmark API error codes (the `ErrorCode` of a non-2xx JSON reply, developer docs "API error
 * codes") that the email and template-send endpoints return. Management-API codes (5xx–10xx for
 * signatures, domains, servers, bounces) are left to the HTTP status.
 */
export const POSTMARK_ERROR_RULES = codeTable<Rule>({
  '10': connector('bad or missing server token'),
  '100': retry('provider under maintenance'),
  '300': message('invalid email request'),
  '400': connector('sender signature not found'),
  '401': connector('sender signature not confirmed'),
  '402': message('invalid JSON'),
  '403': message('incompatible JSON or template model'),
  '405': connector('not allowed to send (out of credits)'),
  '406': message('inactive recipient (hard bounce or spam complaint)'),
  '409': connector('JSON required'),
  '410': message('too many batch messages'),
  '411': message('forbidden attachment type'),
  '412': connector('account pending approval'),
  '413': connector('account may not send'),
  '429': throttled('rate limit exceeded'),
  '1101': connector('template not found'),
  '1105': connector('template limit exceeded'),
  '1109': message('no template data received'),
  '1120': message('required template field missing'),
  '1121': message('template field too large'),
  '1122': message('invalid templated field'),
  '1123': message('field not allowed in template request'),
});

export type PostmarkFailure = {
  /** HTTP status of the reply. */
  status: number;
  /** Postmark's `ErrorCode` as the SDK read it: a positive integer, or none (0, absent, or not a number: a proxy's page). */
  errorCode?: unknown;
  headers?: Record<string, string | string[] | undefined>;
};

/** Maps a Postmark error reply to a `DeliveryError`: `ErrorCode` first, then the HTTP status. */
export const classifyPostmarkError = ({ status, errorCode, headers }: PostmarkFailure): DeliveryError => {
  const code = Number.isSafeInteger(errorCode) && Number(errorCode) > 0 ? String(errorCode) : undefined;
  const rule = code === undefined ? undefined : POSTMARK_ERROR_RULES.get(code);
  if (code === undefined || rule === undefined) return classifyHttpStatus({ provider: PROVIDER, status, headers, code });
  const retryAfterMs = rule.kind === 'permanent' ? undefined : parseRetryAfterMs(headers?.['retry-after']);
  return new DeliveryError({ kind: rule.kind, provider: PROVIDER, code, message: rule.message, scope: rule.scope, retryAfterMs });
};
