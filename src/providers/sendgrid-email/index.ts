import { createHttpClient } from '../http/client.js';
import { toLocalEmailTemplates } from '../shared/templates.js';
import { defineProvider } from '../types.js';
import { SENDGRID_API_URL, sendgridEmailConfigSchema } from './config.js';
import { sendSendgridEmail, sendgridHeaders } from './send.js';

/** SendGrid v3 Mail Send, as Logto's `connector-sendgrid-email` sends it. */
export const sendgridEmailProvider = defineProvider({
  id: 'sendgrid-email',
  channels: ['email'],
  configSchema: sendgridEmailConfigSchema,
  create(config, { channel }) {
    const http = createHttpClient({
      baseUrl: config.endpoint ?? SENDGRID_API_URL,
      provider: 'sendgrid-email',
      timeoutMs: config.timeoutMs,
    });
    const headers = sendgridHeaders(config);
    return {
      id: 'sendgrid-email',
      channel,
      templates: toLocalEmailTemplates(config.templates),
      acceptsRenderedContent: true,
      send: (message, ctx) => sendSendgridEmail(http, headers, config, message, ctx),
      close: () => http.close(),
    };
  },
});
