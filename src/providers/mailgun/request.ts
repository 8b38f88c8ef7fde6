import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import { replyReader } from '../http/accept.js';
import { basicAuth } from '../http/json.js';
import type { HttpVendor } from '../http/provider.js';
import type { OutgoingMessage } from '../types.js';
import { mailgunTemplateDeliverySchema, type MailgunConfig } from './config.js';
import { classifyMailgunError } from './errors.js';

/**
 * The form fields of `POST /v3/{domain}/messages`: rendered mail as `subject`, `html`, `text`;
 * a Mailgun template as `template` with `h:X-Mailgun-Variables` = its variables merged with the
 * payload (as Logto's connector does), plus `subject` when configured. Absent fields are left out.
 */
export const buildMailgunForm = (config: MailgunConfig, message: OutgoingMessage): URLSearchParams => {
  const { content } = message;
  const fields: Array<[string, string | undefined]> = [
    ['from', config.from],
    ['to', message.to],
  ];
  if (content.kind === 'email') {
    // Logto's deliveries may omit the subject: send none rather than an empty one.
    fields.push(['subject', content.subject || undefined], ['h:Reply-To', content.replyTo], ['html', content.html], ['text', content.text]);
  } else if (content.kind === 'remote') {
    const ref = mailgunTemplateDeliverySchema.safeParse(content.ref);
    if (!ref.success) throw permanent({ provider: 'mailgun', code: 'template_invalid', message: 'template reference has no template name', scope: 'connector' });
    const { template, variables, subject, replyTo } = ref.data;
    fields.push(
      ['subject', subject],
      ['h:Reply-To', replyTo],
      ['template', template],
      ['h:X-Mailgun-Variables', JSON.stringify({ ...variables, ...message.payload })],
    );
  } else {
    throw permanent({ provider: 'mailgun', code: 'template_not_supported', message: 'mailgun sends email only' });
  }
  return new URLSearchParams(fields.filter((f): f is [string, string] => f[1] !== undefined));
};

/** Mailgun's success body: `{id: "<…@domain>", message: "Queued. Thank you."}` (errors come with 4xx/5xx). */
const readMailgunReply = replyReader({
  failure: classifyMailgunError,
  accepted: z.object({ id: z.string().min(1) }),
  result: (body) => ({ providerMessageId: body.id }),
});

/** `POST /v3/{domain}/messages`, form-encoded, HTTP Basic `api:{apiKey}`; path and headers built once. */
export const mailgunVendor = (config: MailgunConfig): HttpVendor => {
  const path = `/v3/${encodeURIComponent(config.domain)}/messages`;
  const headers = {
    authorization: basicAuth('api', config.apiKey),
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  return {
    request: (message) => ({ path, headers, body: buildMailgunForm(config, message).toString() }),
    reply: readMailgunReply,
  };
};
