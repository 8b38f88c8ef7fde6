import type { DeliveryError } from '../../errors/delivery-error.js';
import { classifyFailure, type HttpFailure } from '../http/classify.js';
import { codeTable, connector, message, retry, throttled } from '../http/rules.js';

/**
 * Postmark API error codes (the `ErrorCode` of a non-2xx JSON reply, developer docs "API error
 * codes") that the email and template-send endpoints return. Management-API codes (5xx–10xx for
 * signatures, domains, servers, bounces) are left to the HTTP status.
 */
const POSTMARK_ERROR_RULES = codeTable({
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
  headers?: HttpFailure['headers'] | undefined;
};

/** Maps a Postmark error reply to a `DeliveryError`: `ErrorCode` first, then the HTTP status. */
export const classifyPostmarkError = ({ status, errorCode, headers }: PostmarkFailure): DeliveryError => {
  const code = Number.isSafeInteger(errorCode) && Number(errorCode) > 0 ? String(errorCode) : undefined;
  return classifyFailure(POSTMARK_ERROR_RULES, { provider: 'postmark', status, headers, code });
};
