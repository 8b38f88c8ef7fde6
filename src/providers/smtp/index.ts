import { createTransport } from 'nodemailer';
import { createDeadline } from '../../abort/deadline.js';
import { toLocalEmailTemplates } from '../shared/templates.js';
import { defineProvider } from '../types.js';
import { smtpConfigSchema } from './config.js';
import { classifySmtpFailure } from './errors.js';
import { buildMail } from './request.js';
import { transportOptions } from './transport.js';

/**
 * SMTP through one pooled nodemailer transport per connector (Logto builds one per message).
 * Logto's config fields are nodemailer's options, passed through unchanged (our defaults differ).
 *
 * Every send carries an abort signal (the worker's, bounded by `timeoutMs`) into nodemailer: an
 * abort drops a message still waiting in the pool queue, and closes the connection carrying one in
 * flight, so a server stalling its reply can never have it answered after the deadline.
 */
export const smtpProvider = defineProvider({
  id: 'smtp',
  channels: ['email'],
  configSchema: smtpConfigSchema,
  create(config) {
    const transport = createTransport(transportOptions(config));
    return {
      templates: toLocalEmailTemplates(config.templates, 'text/plain'),
      acceptsRenderedContent: true,
      async send(message, { signal }) {
        const mail = buildMail(config, message);
        const deadline = createDeadline(config.timeoutMs, signal);
        try {
          const info = await transport.sendMail({ ...mail, signal: deadline.signal });
          return { providerMessageId: info.messageId };
        } catch (error) {
          throw classifySmtpFailure(error, { timedOut: deadline.timedOut(), aborted: signal.aborted });
        } finally {
          deadline.dispose();
        }
      },
      async close() {
        transport.close();
      },
    };
  },
});
