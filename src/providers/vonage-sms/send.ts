import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import { acceptReply, isSuccessStatus } from '../http/accept.js';
import type { HttpClient, HttpResponse } from '../http/client.js';
import { classifyHttpStatus } from '../http/classify-status.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import { needsUcs2 } from '../shared/sms-text/gsm7.js';
import { toMsisdn } from '../shared/sms-text/msisdn.js';
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
};

/**
 * The SMS API body (JSON, as the Vonage SDK that Logto uses sends it): `to` is the E.164
 * number without `+`; `type=unicode` when the text needs UCS-2, else Vonage's default `text`.
 */
export const toVonageRequest = (message: OutgoingMessage, config: VonageSmsConfig): VonageSmsRequest => {
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

/** Reads a reply: a refusing part decides the error; all parts sent is success; any other 2xx is unexpected. */
export const readVonageReply = (res: HttpResponse): SendResult => {
  if (!isSuccessStatus(res.status)) throw classifyHttpStatus({ provider: PROVIDER, status: res.status, headers: res.headers });
  return acceptReply(res, answerSchema, (answer) => {
    if ('refused' in answer) throw classifyVonageStatus(answer.refused);
    return { providerMessageId: answer.id };
  });
};

/** `POST {endpoint}/sms/json`. */
export const sendVonageSms = async (http: HttpClient, config: VonageSmsConfig, message: OutgoingMessage, { signal }: SendContext): Promise<SendResult> => {
  const res = await http.request({
    method: 'POST',
    path: '/sms/json',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(toVonageRequest(message, config)),
    signal,
  });
  return readVonageReply(res);
};
