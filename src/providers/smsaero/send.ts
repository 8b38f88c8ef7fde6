import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import type { HttpClient } from '../http/client.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import { toMsisdn } from '../shared/sms-text/msisdn.js';
import type { SmsAeroConfig } from './config.js';
import { classifySmsAeroError } from './errors.js';
import { parseJson, basicAuth } from '../http/json.js';

const PROVIDER = 'smsaero';

export type SmsAeroRequest = { number: string; sign: string; text: string };

/** Logto's body: `number` (digits, no `+`), `sign` (sender name), `text`. */
export const toSmsAeroRequest = (message: OutgoingMessage, config: SmsAeroConfig): SmsAeroRequest => {
  if (message.content.kind !== 'sms') {
    throw permanent({ provider: PROVIDER, code: 'template_not_supported', message: 'smsaero sends rendered SMS text only' });
  }
  return { number: toMsisdn(message.to), sign: config.senderName, text: message.content.text };
};

/** `{"success": true, "data": {"id": 686325, "status": 8, …}, "message": null}` */
const successSchema = z.object({
  success: z.literal(true),
  data: z.object({ id: z.union([z.number(), z.string()]).optional() }).loose().nullish(),
});

/** The request headers every send of a connector shares (HTTP Basic `email:apiKey`); built once, in `create()`. */
export const smsAeroHeaders = (config: SmsAeroConfig): Readonly<Record<string, string>> => ({
  'content-type': 'application/json',
  accept: 'application/json',
  authorization: basicAuth(config.email, config.apiKey),
});

/** `POST {endpoint}/v2/sms/send` with HTTP Basic `email:apiKey` (`headers` from `smsAeroHeaders`). */
export const sendSmsAero = async (
  http: HttpClient,
  headers: Readonly<Record<string, string>>,
  config: SmsAeroConfig,
  message: OutgoingMessage,
  { signal }: SendContext,
): Promise<SendResult> => {
  const res = await http.request({
    method: 'POST',
    path: '/v2/sms/send',
    headers,
    body: JSON.stringify(toSmsAeroRequest(message, config)),
    signal,
  });
  if (res.status < 200 || res.status >= 300) throw classifySmsAeroError(res);
  const parsed = parseJson(res.body);
  const ok = successSchema.safeParse(parsed);
  if (!ok.success) throw classifySmsAeroError(res);
  const id = ok.data.data?.id;
  return id === undefined ? {} : { providerMessageId: String(id) };
};
