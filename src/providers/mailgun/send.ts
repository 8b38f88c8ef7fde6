import { z } from 'zod';
import type { HttpClient } from '../http/client.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import type { MailgunConfig } from './config.js';
import { classifyMailgunError } from './errors.js';
import { buildMailgunForm } from './request.js';
import { basicAuth } from '../http/json.js';

/** Mailgun's success body: `{id: "<…@domain>", message: "Queued. Thank you."}`. */
const successSchema = z.looseObject({ id: z.string().optional() });

const parseId = (body: string): string | undefined => {
  try {
    const parsed = successSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.id : undefined;
  } catch {
    return undefined;
  }
};

/** `POST /v3/{domain}/messages`, form-encoded, HTTP Basic `api:{apiKey}`. */
export const sendMailgunEmail = async (
  http: HttpClient,
  config: MailgunConfig,
  message: OutgoingMessage,
  ctx: SendContext,
): Promise<SendResult> => {
  const res = await http.request({
    method: 'POST',
    path: `/v3/${encodeURIComponent(config.domain)}/messages`,
    headers: {
      authorization: basicAuth('api', config.apiKey),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: buildMailgunForm(config, message).toString(),
    signal: ctx.signal,
  });
  if (res.status < 200 || res.status >= 300) throw classifyMailgunError(res);
  return { providerMessageId: parseId(res.body) };
};
