import { httpProvider } from '../http/provider.js';
import { toLocalSmsTemplates } from '../shared/templates.js';
import { SMSAERO_GATE_URL, smsAeroConfigSchema } from './config.js';
import { smsAeroReceipts, smsAeroReceiptsSchema } from './receipts.js';
import { smsAeroVendor } from './request.js';
/**
 * SMS Aero (smsaero.ru) v2 API, with Logto's `connector-smsaero` config; each send names its receipt
 * URL (`callbackUrl`, with the block's `?token=`) when receipts are on. Status callbacks: receipts.ts.
 */
export const smsaeroProvider = httpProvider(
  { id: 'smsaero', channels: ['sms'], configSchema: smsAeroConfigSchema, receipts: smsAeroReceipts },
  {
    baseUrl: (config) => config.endpoint ?? SMSAERO_GATE_URL,
    templates: (config) => toLocalSmsTemplates(config.templates),
    vendor: (config, deps) => smsAeroVendor(config, deps.receipts === undefined ? undefined : smsAeroReceiptsSchema.parse(deps.receipts)),
  },
);
