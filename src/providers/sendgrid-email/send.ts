import type { HttpClient } from '../http/client.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import type { SendgridEmailConfig } from './config.js';
import { classifySendgridError } from './errors.js';
import { buildMailSendBody } from './request.js';

/** The request headers every send of a connector shares (`Bearer {apiKey}`); built once, in `create()`. */
export const sendgridHeaders = (config: SendgridEmailConfig): Readonly<Record<string, string>> => ({
  authorization: `Bearer ${config.apiKey}`,
  'content-type': 'application/json',
  accept: 'application/json',
});

/** `POST /v3/mail/send`; SendGrid answers 202 with an empty body and the id in `X-Message-Id`. */
export const sendSendgridEmail = async (
  http: HttpClient,
  headers: Readonly<Record<string, string>>,
  config: SendgridEmailConfig,
  message: OutgoingMessage,
  ctx: SendContext,
): Promise<SendResult> => {
  const res = await http.request({
    method: 'POST',
    path: '/v3/mail/send',
    headers,
    body: JSON.stringify(buildMailSendBody(config, message)),
    signal: ctx.signal,
  });
  if (res.status < 200 || res.status >= 300) throw classifySendgridError(res);
  const id = res.headers['x-message-id'];
  return { providerMessageId: Array.isArray(id) ? id[0] : id };
};
