import { httpProvider } from '../http/provider.js';
import { toLocalSmsTemplates } from '../shared/templates.js';
import { SMSAERO_GATE_URL, smsAeroConfigSchema } from './config.js';
import { smsAeroVendor } from './request.js';

/** SMS Aero (smsaero.ru) v2 API, with Logto's `connector-smsaero` config. */
export const smsaeroProvider = httpProvider({ id: 'smsaero', channels: ['sms'], configSchema: smsAeroConfigSchema }, {
  baseUrl: (config) => config.endpoint ?? SMSAERO_GATE_URL,
  templates: (config) => toLocalSmsTemplates(config.templates),
  vendor: smsAeroVendor,
});
