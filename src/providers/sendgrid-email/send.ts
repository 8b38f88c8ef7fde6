import { z } from 'zod';
import { acceptReply, isSuccessStatus } from '../http/accept.js';
import type { HttpClient } from '../http/client.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import type { SendgridEmailConfig } from './config.js';
import { classifySendgridError } from './errors.js';
import { buildMailSendBody } from './request.js';

/** SendGrid answers 202 with an empty body and the id in `X-Message-Id` (errors come with 4xx/5xx). */
const acceptedHeadersSchema = z.looseObject({ 'x-message-id': z.string().min(1) });

/** The request headers every send of a connector shares (`Bearer {apiKey}`); built once, in `create()`. */
export const sendgridHeaders = (config: SendgridEmailConfig): Readonly<Record<string, string>> => ({
  authorization: `Bearer ${config.apiKey}`,
  'content-type': 'application/json',
  accept: 'application/json',
});

/** `POST /v3/mail/send`; a 2xx without `X-Message-Id` is unexpected. */
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
  if (!isSuccessStatus(res.status)) throw classifySendgridError(res);
  return acceptReply(res, acceptedHeadersSchema, (headers) => ({ providerMessageId: headers['x-message-id'] }), 'headers');
};
