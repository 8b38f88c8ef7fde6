import { z } from 'zod';
import { endpointField, transportFields } from '../shared/config-fields.js';
import { SIGNING_SECRET_PATTERN } from './signature.js';

/**
 * Logto's `connector-http-email` / `connector-http-sms` config (`endpoint`, `authorization`),
 * plus optional Standard Webhooks signing and `timeoutMs`.
 */
export const httpWebhookConfigSchema = z.strictObject({
  /** Full URL the message is POSTed to (Logto's meaning: not a base URL). */
  endpoint: endpointField,
  /**
   * Sent verbatim as the `Authorization` header (e.g. `Bearer xyz`).
   * @default none: no header (an empty string, as a blank console field saves, means none too)
   */
  authorization: z.string().optional(),
  /**
   * Standard Webhooks secret, `whsec_` + base64 key. When set, every request carries
   * `webhook-id`, `webhook-timestamp` and `webhook-signature`. @default none: unsigned, as in Logto
   */
  signingSecret: z.string().regex(SIGNING_SECRET_PATTERN, 'must be whsec_ followed by a base64 key').optional(),
  timeoutMs: transportFields.timeoutMs,
});

export type HttpWebhookConfig = z.infer<typeof httpWebhookConfigSchema>;
