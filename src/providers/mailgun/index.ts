import { httpProvider } from '../http/provider.js';
import type { ProviderDefinition } from '../types.js';
import { MAILGUN_API_URL, mailgunConfigSchema, toMailgunTemplates } from './config.js';
import { mailgunReceipts } from './receipts.js';
import { mailgunVendor } from './request.js';

/** Mailgun messages API, as Logto's `connector-mailgun` sends it. */
export const mailgunProvider: ProviderDefinition<typeof mailgunConfigSchema> = {
  ...httpProvider({ id: 'mailgun', channels: ['email'], configSchema: mailgunConfigSchema }, {
    baseUrl: (config) => config.endpoint ?? MAILGUN_API_URL,
    templates: (config) => toMailgunTemplates(config.deliveries),
    vendor: mailgunVendor,
  }),
  /** Mailgun's webhooks are per domain (no per-message callback): nothing to set on the send. */
  receipts: mailgunReceipts,
};
