import { createHttpClient } from '../http/client.js';
import { toLocalSmsTemplates } from '../shared/templates.js';
import { defineProvider } from '../types.js';
import { GATEWAYAPI_MTSMS_URL, gatewayApiSmsConfigSchema } from './config.js';
import { sendGatewayApiSms } from './send.js';

/** GatewayAPI (gatewayapi.com / .eu) REST MT SMS, with Logto's `connector-gatewayapi-sms` config. */
export const gatewayapiSmsProvider = defineProvider({
  id: 'gatewayapi-sms',
  channels: ['sms'],
  configSchema: gatewayApiSmsConfigSchema,
  create(config, { channel }) {
    // Logto's endpoint is the full URL: pool on its origin, post to its path and query.
    const url = new URL(config.endpoint ?? GATEWAYAPI_MTSMS_URL);
    const path = `${url.pathname}${url.search}`;
    const http = createHttpClient({ baseUrl: url.origin, provider: 'gatewayapi-sms', timeoutMs: config.timeoutMs });
    return {
      id: 'gatewayapi-sms',
      channel,
      templates: toLocalSmsTemplates(config.templates),
      acceptsRenderedContent: true,
      send: (message, ctx) => sendGatewayApiSms(http, path, config, message, ctx),
      close: () => http.close(),
    };
  },
});
