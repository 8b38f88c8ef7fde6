import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import { replyReader } from '../http/accept.js';
import { basicAuth } from '../http/json.js';
import type { HttpVendor } from '../http/provider.js';
import { toMsisdn } from '../shared/sms-text/msisdn.js';
import type { OutgoingMessage } from '../types.js';
import type { SmsAeroConfig } from './config.js';
import { classifySmsAeroError } from './errors.js';
import { smsAeroCallbackUrl, type SmsAeroReceipts } from './receipts.js';

export type SmsAeroRequest = { number: string; sign: string; text: string; callbackUrl?: string };

/**
 * Logto's body: `number` (digits, no `+`), `sign` (sender name), `text`; and `callbackUrl`, where
 * SMS Aero posts this message's statuses, when receipts are on.
 */
export const toSmsAeroRequest = (message: OutgoingMessage, config: SmsAeroConfig, callbackUrl?: string): SmsAeroRequest => {
  if (message.content.kind !== 'sms') {
    throw permanent({ provider: 'smsaero', code: 'template_not_supported', message: 'smsaero sends rendered SMS text only' });
  }
  return { number: toMsisdn(message.to), sign: config.senderName, text: message.content.text, ...(callbackUrl === undefined ? {} : { callbackUrl }) };
};

/**
 * A 2xx answer we recognise: `{"success": true, "data": {"id": 686325, "status": 8, …}, "message": null}`,
 * or a refusal (`success: false`, or an old gate's `{result: "reject" | "no credits"}`).
 */
const answerSchema = z.union([
  z.object({ success: z.literal(true), data: z.object({ id: z.union([z.number(), z.string().min(1)]) }) }).transform((b) => ({ id: String(b.data.id) })),
  z.union([z.object({ success: z.literal(false) }), z.object({ result: z.string() })]).transform(() => ({ refused: true as const })),
]);

/** A refusal is classified from the whole reply (its wording). */
const readSmsAeroReply = replyReader({
  failure: classifySmsAeroError,
  accepted: answerSchema,
  result: (answer, res) => {
    if ('refused' in answer) throw classifySmsAeroError(res);
    return { providerMessageId: answer.id };
  },
});

/**
 * `POST {endpoint}/v2/sms/send` with HTTP Basic `email:apiKey` (headers built once). With a
 * receipts block, each send names its `callbackUrl` (the receipt URL with `?token=`).
 */
export const smsAeroVendor = (config: SmsAeroConfig, receipts?: SmsAeroReceipts): HttpVendor => {
  const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: basicAuth(config.email, config.apiKey) };
  return {
    request: (message, receiptUrl) => ({ path: '/v2/sms/send', headers, body: JSON.stringify(toSmsAeroRequest(message, config, smsAeroCallbackUrl(receiptUrl, receipts))) }),
    reply: readSmsAeroReply,
  };
};
