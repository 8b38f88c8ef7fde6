import type { DeliveryError } from '../../errors/delivery-error.js';
import { classifyFailure } from '../http/classify.js';
import { codeTable, connector, firstOf, message, otherwise, retry, throttled } from '../http/rules.js';

/**
 * Vonage SMS API `messages[].status` codes (developer.vonage.com/messaging/sms/guides/troubleshooting-sms
 * and /api-errors/sms). 13, 16, 19 and 20 are from older versions of that table. Unknown codes
 * are permanent for the message.
 */
const VONAGE_STATUS_RULES = firstOf(
  codeTable({
    // Throughput is limited per second: waiting one second is Vonage's own advice.
    '1': throttled('throttled', 1000),
    '2': connector('missing parameters'),
    '3': message('invalid parameters'),
    '4': connector('invalid credentials'),
    '5': retry('provider internal error'),
    '6': message('message could not be routed'),
    '7': message('recipient number barred'),
    '8': connector('account barred'),
    '9': connector('insufficient credit'),
    '10': throttled('too many existing binds'),
    '11': connector('account not enabled for the SMS API'),
    '12': message('message too long'),
    '13': retry('communication failed'),
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
  }),
  otherwise(message('message rejected')),
);

/**
 * Maps a non-zero `messages[].status` of a 2xx reply to a `DeliveryError`. The reply's headers are
 * not read: Vonage's waits are its own advice, or the worker's backoff.
 */
export const classifyVonageStatus = (status: string): DeliveryError =>
  classifyFailure(VONAGE_STATUS_RULES, { provider: 'vonage-sms', status: 200, code: status });
