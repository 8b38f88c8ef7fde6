import { z } from 'zod';
import { endpointField, transportFields } from '../shared/config-fields.js';
import { smsTemplatesField } from '../shared/templates.js';

/** Logto's default: GatewayAPI's REST endpoint for MT SMS (EU customers: `https://gatewayapi.eu/rest/mtsms`). */
export const GATEWAYAPI_MTSMS_URL = 'https://gatewayapi.com/rest/mtsms';

/** Logto's `connector-gatewayapi-sms` config, unchanged, plus `timeoutMs`. */
export const gatewayApiSmsConfigSchema = z.strictObject({
  /** Full URL of the MT SMS endpoint, Logto's meaning (not a base URL). @default https://gatewayapi.com/rest/mtsms */
  endpoint: endpointField.optional(),
  /** API token: the Basic-auth user, with an empty password. */
  apiToken: z.string().min(1),
  /** Sender shown on the phone: up to 11 alphanumeric characters or 15 digits. */
  sender: z.string().min(1),
  /** Logto's `{usageType, content}` templates. @default [] (the worker's built-in templates apply) */
  templates: smsTemplatesField,
  timeoutMs: transportFields.timeoutMs,
});

export type GatewayApiSmsConfig = z.infer<typeof gatewayApiSmsConfigSchema>;

/** Logto's endpoint is the full URL: the pool goes on its origin, the requests to its path and query. */
export const gatewayApiEndpoint = (config: Pick<GatewayApiSmsConfig, 'endpoint'>): string => config.endpoint ?? GATEWAYAPI_MTSMS_URL;
