import type { OutgoingMessage } from '../types.js';
import { standardWebhookHeaders } from './signature.js';

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
