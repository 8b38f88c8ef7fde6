import { permanent } from '../../errors/delivery-error.js';
import type { OutgoingMessage } from '../types.js';
import type { SendgridEmailConfig } from './config.js';

type Address = { email: string; name?: string };

/** The v3 Mail Send body (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send). */
export type MailSendBody = {
  personalizations: [{ to: [Address] }];
  from: Address;
  reply_to?: Address;
  subject: string;
  content: Array<{ type: 'text/plain' | 'text/html'; value: string }>;
};

/**
 * Builds the Mail Send body for one rendered email. SendGrid requires `text/plain` before
 * `text/html` in `content`; plain mail has only the first.
 */
export const buildMailSendBody = (config: SendgridEmailConfig, message: OutgoingMessage): MailSendBody => {
  const { content } = message;
  if (content.kind !== 'email') {
    throw permanent({ provider: 'sendgrid-email', code: 'template_not_supported', message: 'sendgrid-email sends rendered email only' });
  }
  return {
    personalizations: [{ to: [{ email: message.to }] }],
    from: config.fromName === undefined ? { email: config.fromEmail } : { email: config.fromEmail, name: config.fromName },
    ...(content.replyTo === undefined ? {} : { reply_to: { email: content.replyTo } }),
    subject: content.subject,
    content: [
      { type: 'text/plain', value: content.text },
      ...(content.html === undefined ? [] : [{ type: 'text/html' as const, value: content.html }]),
    ],
  };
};
