import { z } from 'zod';
import type { DeliveryError } from '../../errors/delivery-error.js';
import { classifyFailure, type HttpFailure } from '../http/classify.js';
import { parseJsonAs } from '../http/json.js';
import { codeTable, connector, message, retry, throttled } from '../http/rules.js';

/** Twilio's REST error body: `{code, message, more_info, status}`. Only `code` is read. */
const twilioErrorBodySchema = z.object({ code: z.union([z.number().int(), z.string().regex(/^\d+$/)]) });

/**
 * Twilio error dictionary (https://www.twilio.com/docs/api/errors), the codes the Messages API
 * returns. 30xxx codes are normally delivery-time (status callback) errors; they are mapped too
 * in case a proxy or a future API version reports them synchronously.
 */
const TWILIO_ERROR_RULES = codeTable({
  // Account and credentials.
  '10001': connector('account is not active'),
  '20003': connector('authentication failed'),
  '20005': connector('account is not active'),
  '20404': connector('account or resource not found'),
  '30002': connector('account suspended'),
  // Rate limits and queues.
  '20429': throttled('too many concurrent requests'),
  '21611': throttled('sender queue is full'),
  '30001': throttled('sender queue overflow'),
  '63017': throttled('account message rate exceeded'),
  '63038': connector('account daily message limit reached'),
  // Twilio-side failures.
  '20500': retry('provider internal error'),
  '20503': retry('provider service unavailable'),
  '21730': retry('provider under maintenance'),
  '30008': retry('unknown delivery error'),
  '30009': retry('missing message segment'),
  // Sender and Messaging Service configuration.
  '21408': connector('sending to this region is not enabled on the account'),
  '21601': connector('sender is not SMS-capable'),
  '21603': connector('sender or messaging service is required'),
  '21606': connector('sender is not a valid message-capable number'),
  '21608': connector('trial account: recipient not verified'),
  '21659': connector('sender is not a Twilio number or short code country mismatch'),
  '21660': connector('sender does not belong to the account'),
  '21705': connector('messaging service is invalid'),
  '30010': connector('message price exceeds the maximum price'),
  // Recipient.
  '21211': message('invalid recipient number'),
  '21265': message('recipient cannot be a short code'),
  '21266': message('recipient and sender are the same'),
  '21604': message('recipient is required'),
  '21610': message('recipient has unsubscribed'),
  '21612': message('recipient is not reachable from this sender'),
  '21614': message('recipient is not a mobile number'),
  '21635': message('recipient is a landline'),
  '30003': message('recipient handset unreachable'),
  '30004': message('message blocked'),
  '30005': message('unknown recipient handset'),
  '30006': message('recipient is a landline or carrier unreachable'),
  // Content and fraud protection.
  '21602': message('message body is required'),
  '21617': message('message body exceeds 1600 characters'),
  '30007': message('message filtered by carrier'),
  '30450': message('blocked by SMS pumping protection'),
  '60410': message('blocked by fraud guard'),
});

/** The body's `code` (digits); anything else is no code, and the status decides. */
const twilioCode = (body: string): string | undefined => {
  const parsed = parseJsonAs(twilioErrorBodySchema, body);
  return parsed === undefined ? undefined : String(parsed.code);
};

/** Maps a non-2xx Twilio response to a `DeliveryError` (Twilio code first, then the HTTP status). */
export const classifyTwilioError = ({ status, headers, body }: HttpFailure): DeliveryError =>
  classifyFailure(TWILIO_ERROR_RULES, { provider: 'twilio-sms', status, headers, code: twilioCode(body) });
