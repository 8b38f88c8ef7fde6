import { z } from 'zod';
import { replyReader } from '../http/accept.js';
import { endpointParts } from '../http/client.js';
import type { HttpVendor } from '../http/provider.js';
import type { OutgoingMessage } from '../types.js';
import type { HttpWebhookConfig } from './config.js';
import { classifyWebhookStatus } from './errors.js';
import { signingKey, standardWebhookHeaders } from './signature.js';

/** Logto's HTTP connector body: `{to, type, payload, ip?}`, the producer's payload unchanged. */
export type WebhookBody = Pick<OutgoingMessage, 'to' | 'type' | 'payload'> & { ip?: string };

export const toWebhookBody = ({ to, type, payload, ip }: OutgoingMessage): WebhookBody =>
  ip === undefined ? { to, type, payload } : { to, type, payload, ip };

export type WebhookRequestOptions = {
  authorization?: string;
  /** Decoded signing key; no signature headers without it. */
  key?: Buffer;
  /** Unix seconds of this attempt. */
  timestamp: number;
};

/**
 * Headers and body for one attempt. The body is serialised once and the signature computed over
 * those same bytes, so what is signed is exactly what is sent.
 */
export const buildWebhookRequest = (message: OutgoingMessage, { authorization, key, timestamp }: WebhookRequestOptions) => {
  const body = Buffer.from(JSON.stringify(toWebhookBody(message)), 'utf8');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(authorization ? { authorization } : {}),
    ...(key === undefined ? {} : standardWebhookHeaders({ key, id: message.id, timestamp, body })),
  };
  return { headers, body };
};

/**
 * A 2xx answer may name the service's own id for the message (`{"providerMessageId": "…"}`):
 * its receipts then carry that id. Any other body is ignored, as in Logto.
 */
const serviceIdSchema = z.object({ providerMessageId: z.string().min(1).max(200) });
const webhookAnswerSchema = z.unknown().transform((body) => serviceIdSchema.safeParse(body).data?.providerMessageId);

/**
 * The connector behind `http-email` and `http-sms`: `POST endpoint` with Logto's JSON body. It
 * sends the producer's payload, never rendered text, so it ignores `message.content`. Any 2xx is
 * success (one over the cap, or broken off, makes it an unexpected answer like any other vendor's).
 */
export const webhookVendor = (provider: string, config: HttpWebhookConfig): HttpVendor => {
  const { path } = endpointParts(config.endpoint);
  const key = config.signingSecret === undefined ? undefined : signingKey(config.signingSecret);
  const options = { authorization: config.authorization, key };
  return {
    request: (message) => ({ path, ...buildWebhookRequest(message, { ...options, timestamp: Math.floor(Date.now() / 1000) }) }),
    reply: replyReader({
      failure: (res) => classifyWebhookStatus(provider, res),
      accepted: webhookAnswerSchema,
      result: (providerMessageId) => (providerMessageId === undefined ? {} : { providerMessageId }),
    }),
  };
};
