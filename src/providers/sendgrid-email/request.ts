import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import { replyReader } from '../http/accept.js';
import type { HttpVendor } from '../http/provider.js';
import type { OutgoingMessage } from '../types.js';
import type { SendgridEmailConfig } from './config.js';
import { classifySendgridError } from './errors.js';

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

/** SendGrid answers 202 with an empty body and the id in `X-Message-Id` (errors come with 4xx/5xx). */
const readSendgridReply = replyReader({
  failure: classifySendgridError,
  accepted: z.looseObject({ 'x-message-id': z.string().min(1) }),
  result: (headers) => ({ providerMessageId: headers['x-message-id'] }),
  part: 'headers',
});

/** `POST /v3/mail/send` with `Bearer {apiKey}` (headers built once); a 2xx without `X-Message-Id` is unexpected. */
export const sendgridVendor = (config: SendgridEmailConfig): HttpVendor => {
  const headers = { authorization: `Bearer ${config.apiKey}`, 'content-type': 'application/json', accept: 'application/json' };
  return {
    request: (message) => ({ path: '/v3/mail/send', headers, body: JSON.stringify(buildMailSendBody(config, message)) }),
    reply: readSendgridReply,
  };
};
