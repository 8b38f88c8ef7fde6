import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import { replyReader } from '../http/accept.js';
import { classifyHttpStatus } from '../http/classify.js';
import type { HttpVendor } from '../http/provider.js';
import { needsUcs2 } from '../shared/sms-text/gsm7.js';
import { toMsisdn } from '../shared/sms-text/msisdn.js';
import type { OutgoingMessage } from '../types.js';
import type { VonageSmsConfig } from './config.js';
import { classifyVonageStatus } from './errors.js';

const PROVIDER = 'vonage-sms';

export type VonageSmsRequest = {
  api_key: string;
  api_secret: string;
  from: string;
  to: string;
  text: string;
  type?: 'unicode';
  /** Where this message's delivery receipt goes (instead of the account's default webhook). */
  callback?: string;
};

/**
 * The SMS API body (JSON, as the Vonage SDK that Logto uses sends it): `to` is the E.164
 * number without `+`; `type=unicode` when the text needs UCS-2, else Vonage's default `text`;
 * `callback` when receipts are on (`receiptUrl`).
 */
export const toVonageRequest = (message: OutgoingMessage, config: VonageSmsConfig, receiptUrl?: string): VonageSmsRequest => {
  if (message.content.kind !== 'sms') {
    throw permanent({ provider: PROVIDER, code: 'template_not_supported', message: 'vonage-sms sends rendered SMS text only' });
  }
  const { text } = message.content;
  return {
    api_key: config.apiKey,
    api_secret: config.apiSecret,
    from: config.brandName,
    to: toMsisdn(message.to),
    text,
    ...(needsUcs2(text) ? { type: 'unicode' as const } : {}),
    ...(receiptUrl === undefined ? {} : { callback: receiptUrl }),
  };
};

const partSchema = z.object({ status: z.union([z.string(), z.number()]).transform(String), 'message-id': z.string().optional() });

/**
 * `{"message-count": "1", "messages": [{"status": "0", "message-id": "…", …}]}` (one entry per SMS
 * part): the first part whose status is not "0" refuses the message; otherwise the first part's id.
 */
const answerSchema = z
  .object({ messages: z.array(partSchema).min(1) })
  .transform(({ messages }) => {
    const failed = messages.find((m) => m.status !== '0');
    return failed ? { refused: failed.status } : { id: messages[0]?.['message-id'] };
  })
  .pipe(z.union([z.object({ refused: z.string() }), z.object({ id: z.string().min(1) })]));

/** A refusing part decides the error; all parts sent is success; any other 2xx is unexpected. */
const readVonageReply = replyReader({
  failure: ({ status, headers }) => classifyHttpStatus({ provider: PROVIDER, status, headers }),
  accepted: answerSchema,
  result: (answer) => {
    if ('refused' in answer) throw classifyVonageStatus(answer.refused);
    return { providerMessageId: answer.id };
  },
});

const HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

/** `POST {endpoint}/sms/json`; the credentials travel in the body, as Vonage's SMS API wants. */
export const vonageVendor = (config: VonageSmsConfig): HttpVendor => ({
  request: (message, receiptUrl) => ({ path: '/sms/json', headers: HEADERS, body: JSON.stringify(toVonageRequest(message, config, receiptUrl)) }),
  reply: readVonageReply,
});
