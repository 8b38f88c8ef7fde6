import { httpProvider } from '../http/provider.js';
import { MAILGUN_API_URL, mailgunConfigSchema, toMailgunTemplates } from './config.js';
import { mailgunVendor } from './request.js';

/** Mailgun messages API, as Logto's `connector-mailgun` sends it. */
export const mailgunProvider = httpProvider({ id: 'mailgun', channels: ['email'], configSchema: mailgunConfigSchema }, {
  baseUrl: (config) => config.endpoint ?? MAILGUN_API_URL,
  templates: (config) => toMailgunTemplates(config.deliveries),
  vendor: mailgunVendor,
});
