import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import { acceptReply, isSuccessStatus } from '../http/accept.js';
import type { HttpClient } from '../http/client.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import { toMsisdn } from '../shared/sms-text/msisdn.js';
import type { SmsAeroConfig } from './config.js';
import { classifySmsAeroError } from './errors.js';
import { basicAuth } from '../http/json.js';

const PROVIDER = 'smsaero';

export type SmsAeroRequest = { number: string; sign: string; text: string };

/** Logto's body: `number` (digits, no `+`), `sign` (sender name), `text`. */
export const toSmsAeroRequest = (message: OutgoingMessage, config: SmsAeroConfig): SmsAeroRequest => {
  if (message.content.kind !== 'sms') {
    throw permanent({ provider: PROVIDER, code: 'template_not_supported', message: 'smsaero sends rendered SMS text only' });
  }
  return { number: toMsisdn(message.to), sign: config.senderName, text: message.content.text };
};

/**
 * A 2xx answer we recognise: `{"success": true, "data": {"id": 686325, "status": 8, …}, "message": null}`,
 * or a refusal (`success: false`, or an old gate's `{result: "reject" | "no credits"}`).
 */
const answerSchema = z.union([
  z.object({ success: z.literal(true), data: z.object({ id: z.union([z.number(), z.string().min(1)]) }) }).transform((b) => ({ id: String(b.data.id) })),
  z.union([z.object({ success: z.literal(false) }), z.object({ result: z.string() })]).transform(() => ({ refused: true as const })),
]);

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
  if (!isSuccessStatus(res.status)) throw classifySmsAeroError(res);
  return acceptReply(res, answerSchema, (answer) => {
    if ('refused' in answer) throw classifySmsAeroError(res);
    return { providerMessageId: answer.id };
  });
};
