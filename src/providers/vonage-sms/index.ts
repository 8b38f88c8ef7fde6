import { httpProvider } from '../http/provider.js';
import { toLocalSmsTemplates } from '../shared/templates.js';
import { VONAGE_REST_URL, vonageSmsConfigSchema } from './config.js';
import { vonageVendor } from './request.js';

/** Vonage (Nexmo) SMS API over plain HTTP, with Logto's `connector-vonage-sms` config. */
export const vonageSmsProvider = httpProvider({ id: 'vonage-sms', channels: ['sms'], configSchema: vonageSmsConfigSchema }, {
  baseUrl: (config) => config.endpoint ?? VONAGE_REST_URL,
  templates: (config) => toLocalSmsTemplates(config.templates),
  vendor: vonageVendor,
});
