import { z } from 'zod';
import { DeliveryError, permanent } from '../../errors/delivery-error.js';
import type { HttpClient } from '../http/client.js';
import { classifyHttpStatus } from '../http/classify-status.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import { needsUcs2 } from '../shared/sms-text/gsm7.js';
import { toMsisdn } from '../shared/sms-text/msisdn.js';
import type { VonageSmsConfig } from './config.js';
import { classifyVonageStatus } from './errors.js';
import { parseJson } from '../http/json.js';

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

/** `{"message-count": "1", "messages": [{"status": "0", "message-id": "…", …}]}` (one entry per SMS part). */
const responseSchema = z.object({
  messages: z.array(z.object({ status: z.union([z.string(), z.number()]).transform(String), 'message-id': z.string().optional() })).min(1),
});

/** Reads a 200 answer: every part must have status "0"; the first failing part decides the error. */
export const readVonageResponse = (body: string): SendResult => {
  const parsed = parseJson(body);
  const result = responseSchema.safeParse(parsed);
  if (!result.success) {
    // Vonage answered 200 but not with its documented body: whether the SMS was queued is unknown.
    throw new DeliveryError({ kind: 'retryable', provider: PROVIDER, code: 'invalid_response', message: 'unexpected response body' });
  }
  const failed = result.data.messages.find((m) => m.status !== '0');
  if (failed) throw classifyVonageStatus(failed.status);
  const id = result.data.messages[0]?.['message-id'];
  return id ? { providerMessageId: id } : {};
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
  if (res.status < 200 || res.status >= 300) throw classifyHttpStatus({ provider: PROVIDER, status: res.status, headers: res.headers });
  return readVonageResponse(res.body);
};
