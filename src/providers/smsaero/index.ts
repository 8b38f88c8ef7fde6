import { createHttpClient } from '../http/client.js';
import { toLocalSmsTemplates } from '../shared/templates.js';
import { defineProvider } from '../types.js';
import { SMSAERO_GATE_URL, smsAeroConfigSchema } from './config.js';
import { sendSmsAero, smsAeroHeaders } from './send.js';

/** SMS Aero (smsaero.ru) v2 API, with Logto's `connector-smsaero` config. */
export const smsaeroProvider = defineProvider({
  id: 'smsaero',
  channels: ['sms'],
  configSchema: smsAeroConfigSchema,
  create(config, { channel }) {
    const http = createHttpClient({ baseUrl: config.endpoint ?? SMSAERO_GATE_URL, provider: 'smsaero', timeoutMs: config.timeoutMs });
    const headers = smsAeroHeaders(config);
    return {
      id: 'smsaero',
      channel,
      templates: toLocalSmsTemplates(config.templates),
      acceptsRenderedContent: true,
      send: (message, ctx) => sendSmsAero(http, headers, config, message, ctx),
      close: () => http.close(),
    };
  },
});
