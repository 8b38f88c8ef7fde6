import { createHttpWebhookConnector } from '../http-webhook/create.js';
import { httpWebhookConfigSchema } from '../http-webhook/config.js';
import { defineProvider } from '../types.js';

/** Logto's `connector-http-email`: POSTs `{to, type, payload, ip?}` to your endpoint, optionally signed. */
export const httpEmailProvider = defineProvider({
  id: 'http-email',
  channels: ['email'],
  configSchema: httpWebhookConfigSchema,
  create: (config, deps) => createHttpWebhookConnector('http-email', config, deps),
});
