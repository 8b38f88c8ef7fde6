import { httpProvider } from '../http/provider.js';
import { toLocalSmsTemplates } from '../shared/templates.js';
import { VONAGE_REST_URL, vonageSmsConfigSchema } from './config.js';
import { vonageSmsReceipts } from './receipts.js';
import { vonageVendor } from './request.js';
/**
 * Vonage (Nexmo) SMS API over plain HTTP, with Logto's `connector-vonage-sms` config; each send
 * names its receipt URL (`callback`) when receipts are on. Signed delivery receipts: receipts.ts.
 */
export const vonageSmsProvider = httpProvider(
  { id: 'vonage-sms', channels: ['sms'], configSchema: vonageSmsConfigSchema, receipts: vonageSmsReceipts },
  {
    baseUrl: (config) => config.endpoint ?? VONAGE_REST_URL,
    templates: (config) => toLocalSmsTemplates(config.templates),
    vendor: (config) => vonageVendor(config),
  },
);
