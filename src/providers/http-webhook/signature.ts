import { createHmac } from 'node:crypto';

/** `whsec_` then standard base64 of at least one byte (Standard Webhooks' secret format). */
export const SIGNING_SECRET_PATTERN = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;

/** The HMAC key: the base64 after `whsec_`, decoded. */
export const signingKey = (secret: string): Buffer => Buffer.from(secret.slice('whsec_'.length), 'base64');

export type SignatureInput = {
  key: Buffer;
  /** `webhook-id`: the message id, the same on every retry. */
  id: string;
  /** `webhook-timestamp`: Unix seconds of this attempt. */
  timestamp: number;
  /** The exact request body bytes. */
  body: Buffer;
};

/**
 * Standard Webhooks v1: `v1,` + base64 HMAC-SHA256 over `{id}.{timestamp}.{body}`.
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export const signStandardWebhook = ({ key, id, timestamp, body }: SignatureInput): string => {
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
};

/** The three Standard Webhooks headers for one attempt. */
export const standardWebhookHeaders = (input: SignatureInput): Record<string, string> => ({
  'webhook-id': input.id,
  'webhook-timestamp': String(input.timestamp),
  'webhook-signature': signStandardWebhook(input),
});
