import { createHttpClient } from '../http/client.js';
import { defineProvider } from '../types.js';
import { MAILGUN_API_URL, mailgunConfigSchema } from './config.js';
import { mailgunTarget, sendMailgunEmail } from './send.js';
import { toMailgunTemplates } from './templates.js';

/** Mailgun messages API, as Logto's `connector-mailgun` sends it. */
export const mailgunProvider = defineProvider({
  id: 'mailgun',
  channels: ['email'],
  configSchema: mailgunConfigSchema,
  create(config, { channel }) {
    const http = createHttpClient({
      baseUrl: config.endpoint ?? MAILGUN_API_URL,
      provider: 'mailgun',
      timeoutMs: config.timeoutMs,
    });
    const target = mailgunTarget(config);
    return {
      id: 'mailgun',
      channel,
      templates: toMailgunTemplates(config.deliveries),
      acceptsRenderedContent: true,
      send: (message, ctx) => sendMailgunEmail(http, target, config, message, ctx),
      close: () => http.close(),
    };
  },
});
