import { z } from 'zod';
import { transportFields } from '../shared/config-fields.js';
import { smsTemplatesField } from '../shared/templates.js';

/** SMS Aero gate; `/v2/sms/send` is appended. */
export const SMSAERO_GATE_URL = 'https://gate.smsaero.ru';

/** Logto's `connector-smsaero` config, unchanged, plus `endpoint` and `timeoutMs`. */
export const smsAeroConfigSchema = z.strictObject({
  /** Account e-mail: the Basic-auth user. */
  email: z.email(),
  /** API key: the Basic-auth password. */
  apiKey: z.string().min(1),
  /** Approved sender name (`sign`). */
  senderName: z.string().min(1),
  /**
   * Logto's `{usageType, content}` templates. @default [] (the worker's built-in templates apply;
   * unlike Logto's connector, the worker falls back to `Generic`).
   */
  templates: smsTemplatesField,
  ...transportFields,
});

export type SmsAeroConfig = z.infer<typeof smsAeroConfigSchema>;
