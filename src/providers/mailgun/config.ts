import { z } from 'zod';
import { templateTypeSchema } from '../../messages/types.js';
import type { ConnectorTemplate } from '../types.js';
import { endpointField, transportFields } from '../shared/config-fields.js';

/** Mailgun's US API host; EU domains use `https://api.eu.mailgun.net`. */
export const MAILGUN_API_URL = 'https://api.mailgun.net';

const common = {
  /** `subject`; for templates, overrides the template's. */
  subject: z.string().optional(),
  /** `h:Reply-To`. */
  replyTo: z.string().optional(),
};

/** Mail rendered here: `html` (with `{{code}}` and friends), optional plain `text`. */
export const mailgunLocalDeliverySchema = z.strictObject({ html: z.string(), text: z.string().optional(), ...common });

/** A template stored at Mailgun, rendered there with `variables` merged with the payload. */
export const mailgunTemplateDeliverySchema = z.strictObject({
  template: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).optional(),
  ...common,
});

/**
 * Logto's `connector-mailgun` config, unchanged, plus `timeoutMs`. `endpoint` keeps Logto's
 * meaning (the API base URL) but any http(s) URL is accepted, not only `*.mailgun.net`.
 */
export const mailgunConfigSchema = z.strictObject({
  /** Mailgun API base URL. @default 'https://api.mailgun.net' (US); EU: 'https://api.eu.mailgun.net' */
  endpoint: endpointField.optional(),
  /** Sending domain: the `/v3/{domain}/messages` path segment. */
  domain: z.string().min(1),
  /** Private API key: HTTP Basic password (user `api`). */
  apiKey: z.string().min(1),
  /** `from`, e.g. `Sender Name <me@samples.mailgun.org>`. */
  from: z.string().min(1),
  /** What to send per message type (Logto keys: SignIn, Register, ForgotPassword, Generic; every TemplateType is accepted). */
  deliveries: z.partialRecord(templateTypeSchema, z.union([mailgunLocalDeliverySchema, mailgunTemplateDeliverySchema])),
  /** Per-request timeout in milliseconds. @default 10000 */
  timeoutMs: transportFields.timeoutMs,
});

export type MailgunConfig = z.infer<typeof mailgunConfigSchema>;

/** Logto's `deliveries` record → local templates (`html`/`text`) and remote ones (`template`). */
export const toMailgunTemplates = (deliveries: MailgunConfig['deliveries']): ConnectorTemplate[] =>
  Object.entries(deliveries).flatMap(([usageType, delivery]): ConnectorTemplate[] => {
    if (delivery === undefined) return [];
    if ('template' in delivery) {
      return [{ kind: 'remote', usageType, ref: { ...delivery } }];
    }
    return [
      {
        kind: 'local',
        usageType,
        subject: delivery.subject,
        content: delivery.html,
        contentType: 'text/html',
        text: delivery.text,
        replyTo: delivery.replyTo,
      },
    ];
  });
