import { z } from 'zod';
import { acceptReply, isSuccessStatus } from '../http/accept.js';
import type { HttpClient } from '../http/client.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import type { MailgunConfig } from './config.js';
import { classifyMailgunError } from './errors.js';
import { buildMailgunForm } from './request.js';
import { basicAuth } from '../http/json.js';

/** Mailgun's success body: `{id: "<…@domain>", message: "Queued. Thank you."}` (errors come with 4xx/5xx). */
const successSchema = z.object({ id: z.string().min(1) });

/** What every send of a connector shares; built once, in `create()`. */
export type MailgunTarget = { path: string; headers: Readonly<Record<string, string>> };

/** `/v3/{domain}/messages` and HTTP Basic `api:{apiKey}`. */
export const mailgunTarget = (config: MailgunConfig): MailgunTarget => ({
  path: `/v3/${encodeURIComponent(config.domain)}/messages`,
  headers: {
    authorization: basicAuth('api', config.apiKey),
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  },
});

/** `POST /v3/{domain}/messages`, form-encoded, HTTP Basic `api:{apiKey}`. */
export const sendMailgunEmail = async (
  http: HttpClient,
  target: MailgunTarget,
  config: MailgunConfig,
  message: OutgoingMessage,
  ctx: SendContext,
): Promise<SendResult> => {
  const res = await http.request({
    method: 'POST',
    path: target.path,
    headers: target.headers,
    body: buildMailgunForm(config, message).toString(),
    signal: ctx.signal,
  });
  if (!isSuccessStatus(res.status)) throw classifyMailgunError(res);
  return acceptReply(res, successSchema, (body) => ({ providerMessageId: body.id }));
};
