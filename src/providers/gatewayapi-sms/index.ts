import { createHttpClient, endpointParts } from '../http/client.js';
import { toLocalSmsTemplates } from '../shared/templates.js';
import { defineProvider } from '../types.js';
import { gatewayApiEndpoint, gatewayApiSmsConfigSchema } from './config.js';
import { gatewayApiSmsReceipts, gatewayApiSmsReceiptsSchema } from './receipts.js';
import { gatewayApiVendor } from './request.js';

/**
 * GatewayAPI (gatewayapi.com / .eu) REST MT SMS, with Logto's `connector-gatewayapi-sms` config.
 * Built like `httpProvider`, except that each send passes its `ctx.receiptUrl` on (`callback_url`).
 */
export const gatewayapiSmsProvider = defineProvider({
  id: 'gatewayapi-sms',
  channels: ['sms'],
  configSchema: gatewayApiSmsConfigSchema,
  create(config, deps) {
    const receipts = deps.receipts === undefined ? undefined : gatewayApiSmsReceiptsSchema.parse(deps.receipts);
    const http = createHttpClient({ baseUrl: endpointParts(gatewayApiEndpoint(config)).origin, provider: 'gatewayapi-sms', timeoutMs: config.timeoutMs });
    const vendor = gatewayApiVendor(config, receipts);
    return {
      templates: toLocalSmsTemplates(config.templates),
      acceptsRenderedContent: true,
      send: async (message, { signal, receiptUrl }) => vendor.reply(await http.request({ method: 'POST', ...vendor.request(message, receiptUrl), signal })),
      close: () => http.close(),
    };
  },
  /** Status notifications: a signed webhook (JWT, `secret`) or a `?token=` URL. */
  receipts: gatewayApiSmsReceipts,
});
