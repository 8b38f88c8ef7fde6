import { z } from 'zod';
import { transportFields } from '../shared/config-fields.js';
import { smsTemplatesField } from '../shared/templates.js';

/** Vonage (Nexmo) SMS API host; `/sms/json` is appended. */
export const VONAGE_REST_URL = 'https://rest.nexmo.com';

/** Logto's `connector-vonage-sms` config, unchanged, plus `endpoint` and `timeoutMs`. */
export const vonageSmsConfigSchema = z.strictObject({
  /** API key (`api_key`). */
  apiKey: z.string().min(1),
  /** API secret (`api_secret`). */
  apiSecret: z.string().min(1),
  /** Sender (`from`): alphanumeric sender ID or a Vonage number. */
  brandName: z.string().min(1),
  /** Logto's `{usageType, content}` templates. @default [] (the worker's built-in templates apply) */
  templates: smsTemplatesField,
  ...transportFields,
});

export type VonageSmsConfig = z.infer<typeof vonageSmsConfigSchema>;
