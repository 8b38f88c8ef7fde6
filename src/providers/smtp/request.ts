import type { SendMailOptions } from 'nodemailer';
import { permanent } from '../../errors/delivery-error.js';
import type { OutgoingMessage } from '../types.js';
import type { SmtpConfig } from './config.js';

/**
 * The mail for one rendered email: From, To, Subject, the text part, the HTML part when the
 * template is HTML, Reply-To (the template's, else the config's) and the config's custom headers.
 */
export const buildMail = (config: Pick<SmtpConfig, 'fromEmail' | 'replyTo' | 'customHeaders'>, message: OutgoingMessage): SendMailOptions => {
  const { content } = message;
  if (content.kind !== 'email') {
    throw permanent({ provider: 'smtp', code: 'template_not_supported', message: 'SMTP sends rendered email only' });
  }
  const replyTo = content.replyTo ?? config.replyTo;
  return {
    from: config.fromEmail,
    to: message.to,
    subject: content.subject,
    text: content.text,
    ...(content.html !== undefined && { html: content.html }),
    ...(replyTo && { replyTo }),
    ...(config.customHeaders && { headers: config.customHeaders }),
  };
};
