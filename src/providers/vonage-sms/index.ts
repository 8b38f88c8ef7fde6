import { createHttpClient } from '../http/client.js';
import { toLocalSmsTemplates } from '../shared/templates.js';
import { defineProvider } from '../types.js';
import { VONAGE_REST_URL, vonageSmsConfigSchema } from './config.js';
import { sendVonageSms } from './send.js';

/** Vonage (Nexmo) SMS API over plain HTTP, with Logto's `connector-vonage-sms` config. */
export const vonageSmsProvider = defineProvider({
  id: 'vonage-sms',
  channels: ['sms'],
  configSchema: vonageSmsConfigSchema,
  create(config, { channel }) {
    const http = createHttpClient({ baseUrl: config.endpoint ?? VONAGE_REST_URL, provider: 'vonage-sms', timeoutMs: config.timeoutMs });
    return {
      id: 'vonage-sms',
      channel,
      templates: toLocalSmsTemplates(config.templates),
      acceptsRenderedContent: true,
      send: (message, ctx) => sendVonageSms(http, config, message, ctx),
      close: () => http.close(),
    };
  },
});
