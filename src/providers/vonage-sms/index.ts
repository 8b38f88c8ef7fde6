import { createHttpClient } from '../http/client.js';
import { toLocalSmsTemplates } from '../shared/templates.js';
import { defineProvider } from '../types.js';
import { VONAGE_REST_URL, vonageSmsConfigSchema } from './config.js';
import { vonageSmsReceipts } from './receipts.js';
import { vonageVendor } from './request.js';

/**
 * Vonage (Nexmo) SMS API over plain HTTP, with Logto's `connector-vonage-sms` config. Built like
 * `httpProvider`, except that each send passes its `ctx.receiptUrl` on (Vonage's `callback`).
 */
export const vonageSmsProvider = defineProvider({
  id: 'vonage-sms',
  channels: ['sms'],
  configSchema: vonageSmsConfigSchema,
  create(config) {
    const http = createHttpClient({ baseUrl: config.endpoint ?? VONAGE_REST_URL, provider: 'vonage-sms', timeoutMs: config.timeoutMs });
    const vendor = vonageVendor(config);
    return {
      templates: toLocalSmsTemplates(config.templates),
      acceptsRenderedContent: true,
      send: async (message, { signal, receiptUrl }) => vendor.reply(await http.request({ method: 'POST', ...vendor.request(message, receiptUrl), signal })),
      close: () => http.close(),
    };
  },
  /** Signed delivery receipts (`sig`, with the block's signature secret). */
  receipts: vonageSmsReceipts,
});
