import { z } from 'zod';
import { transportFields } from '../shared/config-fields.js';
import { smsTemplatesField } from '../shared/templates.js';

/** Twilio's production REST API; the SDK's request paths (`/2010-04-01/...`) are appended to it. */
export const TWILIO_API_URL = 'https://api.twilio.com';

/** Logto's `connector-twilio-sms` config, unchanged, plus `endpoint` and `timeoutMs`. */
export const twilioSmsConfigSchema = z.strictObject({
  /** Account SID (`AC…`): the Basic-auth user and the `Accounts/{sid}` path segment. */
  accountSID: z.string().startsWith('AC', 'must be an Account SID (AC…)'),
  /** Auth token: the Basic-auth password. */
  authToken: z.string().min(1),
  /** Messaging Service SID (`MG…`): Twilio picks the sender from its pool. */
  fromMessagingServiceSID: z.string().min(1),
  /**
   * Sends `RiskCheck=disable` (Twilio's SMS pumping protection off) instead of `enable`.
   * @default false, as in Logto: OTP traffic is the main target of SMS pumping
   */
  disableRiskCheck: z.boolean().optional(),
  /** Logto's `{usageType, content}` templates. @default [] (the worker's built-in templates apply) */
  templates: smsTemplatesField,
  ...transportFields,
});

export type TwilioSmsConfig = z.infer<typeof twilioSmsConfigSchema>;
