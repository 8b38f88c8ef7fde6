import { createEndpointClient } from '../http/client.js';
import { toLocalSmsTemplates } from '../shared/templates.js';
import { defineProvider } from '../types.js';
import { GATEWAYAPI_MTSMS_URL, gatewayApiSmsConfigSchema } from './config.js';
import { gatewayApiHeaders, sendGatewayApiSms } from './send.js';

/** GatewayAPI (gatewayapi.com / .eu) REST MT SMS, with Logto's `connector-gatewayapi-sms` config. */
export const gatewayapiSmsProvider = defineProvider({
  id: 'gatewayapi-sms',
  channels: ['sms'],
  configSchema: gatewayApiSmsConfigSchema,
  create(config, { channel }) {
    // Logto's endpoint is the full URL: pool on its origin, post to its path and query.
    const { http, path } = createEndpointClient(config.endpoint ?? GATEWAYAPI_MTSMS_URL, { provider: 'gatewayapi-sms', timeoutMs: config.timeoutMs });
    const headers = gatewayApiHeaders(config);
    return {
      id: 'gatewayapi-sms',
      channel,
      templates: toLocalSmsTemplates(config.templates),
      acceptsRenderedContent: true,
      send: (message, ctx) => sendGatewayApiSms(http, path, headers, config, message, ctx),
      close: () => http.close(),
    };
  },
});
