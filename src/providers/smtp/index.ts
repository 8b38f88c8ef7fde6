import { createTransport } from 'nodemailer';
import { permanent } from '../../errors/delivery-error.js';
import { toLocalEmailTemplates } from '../shared/templates.js';
import { defineProvider } from '../types.js';
import { smtpConfigSchema } from './config.js';
import { classifySmtpError } from './errors.js';

/**
 * SMTP through one pooled nodemailer transport per connector (Logto builds one per message).
 * Logto's config fields are nodemailer's options, passed through unchanged.
 */
export const smtpProvider = defineProvider({
  id: 'smtp',
  channels: ['email'],
  configSchema: smtpConfigSchema,
  create(config, { channel }) {
    const { fromEmail, replyTo, templates, customHeaders, maxConnections, maxMessages, ...transportOptions } = config;
    const transport = createTransport({ ...transportOptions, pool: true, maxConnections, maxMessages });
    return {
      id: 'smtp',
      channel,
      templates: toLocalEmailTemplates(templates, 'text/plain'),
      acceptsRenderedContent: true,
      async send(message, { signal }) {
        const { content } = message;
        if (content.kind !== 'email') {
          throw permanent({ provider: 'smtp', code: 'template_not_supported', message: 'SMTP sends rendered email only' });
        }
        signal.throwIfAborted();
        try {
          const info = await transport.sendMail({
            from: fromEmail,
            to: message.to,
            subject: content.subject,
            text: content.text,
            ...(content.html !== undefined && { html: content.html }),
            ...((content.replyTo ?? replyTo) && { replyTo: content.replyTo ?? replyTo }),
            ...(customHeaders && { headers: customHeaders }),
          });
          return { providerMessageId: info.messageId };
        } catch (error) {
          throw classifySmtpError(error);
        }
      },
      async close() {
        transport.close();
      },
    };
  },
});
