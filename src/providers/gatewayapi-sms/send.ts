import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import { acceptReply, isSuccessStatus } from '../http/accept.js';
import type { HttpClient } from '../http/client.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import { needsUcs2 } from '../shared/sms-text/gsm7.js';
import { toMsisdn } from '../shared/sms-text/msisdn.js';
import type { GatewayApiSmsConfig } from './config.js';
import { classifyGatewayApiError } from './errors.js';
import { basicAuth } from '../http/json.js';

const PROVIDER = 'gatewayapi-sms';

export type GatewayApiRequest = {
  sender: string;
  message: string;
  recipients: Array<{ msisdn: number }>;
  encoding?: 'UCS2';
};

/**
 * Logto's body `{sender, message, recipients: [{msisdn}]}`; `msisdn` is the number's digits as a
 * JSON integer, as in GatewayAPI's examples. `encoding: "UCS2"` is added when the text is not
 * GSM 03.38 (GatewayAPI's default), so Cyrillic, CJK or emoji are not replaced.
 */
export const toGatewayApiRequest = (message: OutgoingMessage, config: GatewayApiSmsConfig): GatewayApiRequest => {
  if (message.content.kind !== 'sms') {
    throw permanent({ provider: PROVIDER, code: 'template_not_supported', message: 'gatewayapi-sms sends rendered SMS text only' });
  }
  const msisdn = Number(toMsisdn(message.to));
  if (!Number.isSafeInteger(msisdn) || msisdn <= 0) {
    throw permanent({ provider: PROVIDER, code: 'invalid_recipient', message: 'recipient is not a phone number' });
  }
  const { text } = message.content;
  return { sender: config.sender, message: text, recipients: [{ msisdn }], ...(needsUcs2(text) ? { encoding: 'UCS2' as const } : {}) };
};

/** `{"ids": [421332671], "usage": {…}}` (GatewayAPI reports every error with a 4xx/5xx status). */
const successSchema = z.object({ ids: z.tuple([z.union([z.number(), z.string().min(1)])], z.unknown()) });

/** The request headers every send of a connector shares (HTTP Basic `apiToken:`); built once, in `create()`. */
export const gatewayApiHeaders = (config: GatewayApiSmsConfig): Readonly<Record<string, string>> => ({
  'content-type': 'application/json',
  accept: 'application/json',
  authorization: basicAuth(config.apiToken, ''),
});

/** `POST {endpoint}` (a full URL) with HTTP Basic `apiToken:` (empty password; `headers` from `gatewayApiHeaders`). */
export const sendGatewayApiSms = async (
  http: HttpClient,
  path: string,
  headers: Readonly<Record<string, string>>,
  config: GatewayApiSmsConfig,
  message: OutgoingMessage,
  { signal }: SendContext,
): Promise<SendResult> => {
  const res = await http.request({
    method: 'POST',
    path,
    headers,
    body: JSON.stringify(toGatewayApiRequest(message, config)),
    signal,
  });
  if (!isSuccessStatus(res.status)) throw classifyGatewayApiError(res);
  return acceptReply(res, successSchema, (body) => ({ providerMessageId: String(body.ids[0]) }));
};
