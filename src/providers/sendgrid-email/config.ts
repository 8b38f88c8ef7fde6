import { z } from 'zod';
import { transportFields } from '../shared/config-fields.js';
import { emailTemplatesField } from '../shared/templates.js';

/** SendGrid's global API host; EU-pinned subusers use `https://api.eu.sendgrid.com`. */
export const SENDGRID_API_URL = 'https://api.sendgrid.com';

/** Logto's `connector-sendgrid-email` config, unchanged, plus `endpoint` and `timeoutMs`. */
export const sendgridEmailConfigSchema = z.strictObject({
  /** API key with the `mail.send` scope: sent as `Authorization: Bearer`. */
  apiKey: z.string().min(1),
  /** `from.email`: a verified Sender Identity. */
  fromEmail: z.string().min(1),
  /** `from.name`. @default none */
  fromName: z.string().optional(),
  /** Logto's `{usageType, type, subject, content}` templates. @default [] (the worker's built-in templates apply) */
  templates: emailTemplatesField,
  ...transportFields,
});

export type SendgridEmailConfig = z.infer<typeof sendgridEmailConfigSchema>;
