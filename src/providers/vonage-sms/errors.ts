import { DeliveryError, type DeliveryErrorKind, type DeliveryErrorScope } from '../../errors/delivery-error.js';
import { codeTable } from '../shared/code-table.js';

const PROVIDER = 'vonage-sms';

type Rule = { kind: DeliveryErrorKind; scope: DeliveryErrorScope; message: string; retryAfterMs?: number };
const message = (text: string): Rule => ({ kind: 'permanent', scope: 'message', message: text });
const connector = (text: string): Rule => ({ kind: 'permanent', scope: 'connector', message: text });

/**
 * Vonage SMS API `messages[].status` codes (developer.vonage.com/messaging/sms/guides/troubleshooting-sms
 * and /api-errors/sms). 13, 16, 19 and 20 are from older versions of that table.
 */
export const VONAGE_STATUS_RULES = codeTable<Rule>({
  // Throughput is limited per second: waiting one second is Vonage's own advice.
  '1': { kind: 'rate_limited', scope: 'connector', message: 'throttled', retryAfterMs: 1000 },
  '2': connector('missing parameters'),
  '3': message('invalid parameters'),
  '4': connector('invalid credentials'),
  '5': { kind: 'retryable', scope: 'connector', message: 'provider internal error' },
  '6': message('message could not be routed'),
  '7': message('recipient number barred'),
  '8': connector('account barred'),
  '9': connector('insufficient credit'),
  '10': { kind: 'rate_limited', scope: 'connector', message: 'too many existing binds' },
  '11': connector('account not enabled for the SMS API'),
  '12': message('message too long'),
  '13': { kind: 'retryable', scope: 'connector', message: 'communication failed' },
  '14': connector('invalid signature'),
  '15': connector('sender address not allowed'),
  '16': connector('invalid ttl'),
  '19': connector('facility not allowed'),
  '20': connector('invalid message class'),
  '22': connector('invalid network code'),
  '23': connector('invalid callback URL'),
  '29': connector('destination not whitelisted (demo account)'),
  '32': connector('signature and API secret both sent'),
  '33': message('recipient number deactivated'),
});

/** Maps a non-zero `messages[].status` to a `DeliveryError`; unknown codes are permanent. */
export const classifyVonageStatus = (status: string): DeliveryError => {
  const rule = VONAGE_STATUS_RULES.get(status) ?? message('message rejected');
  return new DeliveryError({ provider: PROVIDER, code: status, ...rule });
};
