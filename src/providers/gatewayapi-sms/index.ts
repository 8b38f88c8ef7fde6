import { endpointParts } from '../http/client.js';
import { httpProvider } from '../http/provider.js';
import { toLocalSmsTemplates } from '../shared/templates.js';
import { gatewayApiEndpoint, gatewayApiSmsConfigSchema } from './config.js';
import { gatewayApiSmsReceipts, gatewayApiSmsReceiptsSchema } from './receipts.js';
import { gatewayApiVendor } from './request.js';
/**
 * GatewayAPI (gatewayapi.com / .eu) REST MT SMS, with Logto's `connector-gatewayapi-sms` config; in
 * token mode each send names its receipt URL (`callback_url`). Status notifications: receipts.ts.
 */
export const gatewayapiSmsProvider = httpProvider(
  { id: 'gatewayapi-sms', channels: ['sms'], configSchema: gatewayApiSmsConfigSchema, receipts: gatewayApiSmsReceipts },
  {
    baseUrl: (config) => endpointParts(gatewayApiEndpoint(config)).origin,
    templates: (config) => toLocalSmsTemplates(config.templates),
    vendor: (config, deps) => gatewayApiVendor(config, deps.receipts === undefined ? undefined : gatewayApiSmsReceiptsSchema.parse(deps.receipts)),
  },
);
