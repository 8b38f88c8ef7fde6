import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import { replyReader } from '../http/accept.js';
import { endpointParts } from '../http/client.js';
import { basicAuth } from '../http/json.js';
import type { HttpVendor } from '../http/provider.js';
import { needsUcs2 } from '../shared/sms-text/gsm7.js';
import { toMsisdn } from '../shared/sms-text/msisdn.js';
import type { OutgoingMessage } from '../types.js';
import { gatewayApiEndpoint, type GatewayApiSmsConfig } from './config.js';
import { classifyGatewayApiError } from './errors.js';
import { gatewayApiCallbackUrl, type GatewayApiSmsReceipts } from './receipts.js';

const PROVIDER = 'gatewayapi-sms';

export type GatewayApiRequest = {
  sender: string;
  message: string;
  recipients: Array<{ msisdn: number }>;
  encoding?: 'UCS2';
  /** Where this message's status notifications go (instead of the account's default webhook). */
  callback_url?: string;
};

/**
 * Logto's body `{sender, message, recipients: [{msisdn}]}`; `msisdn` is the number's digits as a
 * JSON integer, as in GatewayAPI's examples. `encoding: "UCS2"` is added when the text is not
 * GSM 03.38 (GatewayAPI's default), so Cyrillic, CJK or emoji are not replaced.
 */
export const toGatewayApiRequest = (message: OutgoingMessage, config: GatewayApiSmsConfig, callbackUrl?: string): GatewayApiRequest => {
  if (message.content.kind !== 'sms') {
    throw permanent({ provider: PROVIDER, code: 'template_not_supported', message: 'gatewayapi-sms sends rendered SMS text only' });
  }
  const msisdn = Number(toMsisdn(message.to));
  if (!Number.isSafeInteger(msisdn) || msisdn <= 0) {
    throw permanent({ provider: PROVIDER, code: 'invalid_recipient', message: 'recipient is not a phone number' });
  }
  const { text } = message.content;
  return {
    sender: config.sender,
    message: text,
    recipients: [{ msisdn }],
    ...(needsUcs2(text) ? { encoding: 'UCS2' as const } : {}),
    ...(callbackUrl === undefined ? {} : { callback_url: callbackUrl }),
  };
};

/** `{"ids": [421332671], "usage": {…}}` (GatewayAPI reports every error with a 4xx/5xx status). */
const readGatewayApiReply = replyReader({
  failure: classifyGatewayApiError,
  accepted: z.object({ ids: z.tuple([z.union([z.number(), z.string().min(1)])], z.unknown()) }),
  result: (body) => ({ providerMessageId: String(body.ids[0]) }),
});

/**
 * `POST {endpoint}` (a full URL: its path and query) with HTTP Basic `apiToken:` (empty password);
 * built once. With a `token` receipts block, each send names its `callback_url` (`?token=` added).
 */
export const gatewayApiVendor = (config: GatewayApiSmsConfig, receipts?: GatewayApiSmsReceipts): HttpVendor => {
  const { path } = endpointParts(gatewayApiEndpoint(config));
  const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: basicAuth(config.apiToken, '') };
  return {
    request: (message, receiptUrl) => ({ path, headers, body: JSON.stringify(toGatewayApiRequest(message, config, gatewayApiCallbackUrl(receiptUrl, receipts))) }),
    reply: readGatewayApiReply,
  };
};
