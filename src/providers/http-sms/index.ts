import { createHttpWebhookConnector } from '../http-webhook/create.js';
import { httpWebhookConfigSchema } from '../http-webhook/config.js';
import { defineProvider } from '../types.js';

/** Logto's `connector-http-sms`: POSTs `{to, type, payload, ip?}` to your endpoint, optionally signed. */
export const httpSmsProvider = defineProvider({
  id: 'http-sms',
  channels: ['sms'],
  configSchema: httpWebhookConfigSchema,
  create: (config, deps) => createHttpWebhookConnector('http-sms', config, deps),
});
