import { endpointParts } from '../http/client.js';
import { httpProvider } from '../http/provider.js';
import { toLocalSmsTemplates } from '../shared/templates.js';
import { gatewayApiEndpoint, gatewayApiSmsConfigSchema } from './config.js';
import { gatewayApiVendor } from './request.js';

/** GatewayAPI (gatewayapi.com / .eu) REST MT SMS, with Logto's `connector-gatewayapi-sms` config. */
export const gatewayapiSmsProvider = httpProvider({ id: 'gatewayapi-sms', channels: ['sms'], configSchema: gatewayApiSmsConfigSchema }, {
  baseUrl: (config) => endpointParts(gatewayApiEndpoint(config)).origin,
  templates: (config) => toLocalSmsTemplates(config.templates),
  vendor: gatewayApiVendor,
});
