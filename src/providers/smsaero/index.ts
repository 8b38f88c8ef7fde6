import { createHttpClient } from '../http/client.js';
import { toLocalSmsTemplates } from '../shared/templates.js';
import { defineProvider } from '../types.js';
import { SMSAERO_GATE_URL, smsAeroConfigSchema } from './config.js';
import { smsAeroReceipts, smsAeroReceiptsSchema } from './receipts.js';
import { smsAeroVendor } from './request.js';

/**
 * SMS Aero (smsaero.ru) v2 API, with Logto's `connector-smsaero` config. Built like
 * `httpProvider`, except that each send passes its `ctx.receiptUrl` on (`callbackUrl`).
 */
export const smsaeroProvider = defineProvider({
  id: 'smsaero',
  channels: ['sms'],
  configSchema: smsAeroConfigSchema,
  create(config, deps) {
    const receipts = deps.receipts === undefined ? undefined : smsAeroReceiptsSchema.parse(deps.receipts);
    const http = createHttpClient({ baseUrl: config.endpoint ?? SMSAERO_GATE_URL, provider: 'smsaero', timeoutMs: config.timeoutMs });
    const vendor = smsAeroVendor(config, receipts);
    return {
      templates: toLocalSmsTemplates(config.templates),
      acceptsRenderedContent: true,
      send: async (message, { signal, receiptUrl }) => vendor.reply(await http.request({ method: 'POST', ...vendor.request(message, receiptUrl), signal })),
      close: () => http.close(),
    };
  },
  /** Status callbacks to the per-message `callbackUrl`, which carries the block's `?token=`. */
  receipts: smsAeroReceipts,
});
