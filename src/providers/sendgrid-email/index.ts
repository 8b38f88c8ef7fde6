import { httpProvider } from '../http/provider.js';
import type { ProviderDefinition } from '../types.js';
import { toLocalEmailTemplates } from '../shared/templates.js';
import { SENDGRID_API_URL, sendgridEmailConfigSchema } from './config.js';
import { sendgridEmailReceipts } from './receipts.js';
import { sendgridVendor } from './request.js';

/** SendGrid v3 Mail Send, as Logto's `connector-sendgrid-email` sends it. */
export const sendgridEmailProvider: ProviderDefinition<typeof sendgridEmailConfigSchema> = {
  ...httpProvider({ id: 'sendgrid-email', channels: ['email'], configSchema: sendgridEmailConfigSchema }, {
    baseUrl: (config) => config.endpoint ?? SENDGRID_API_URL,
    templates: (config) => toLocalEmailTemplates(config.templates),
    vendor: sendgridVendor,
  }),
  /** The Event Webhook is per account (no per-message callback): nothing to set on the send. */
  receipts: sendgridEmailReceipts,
};
