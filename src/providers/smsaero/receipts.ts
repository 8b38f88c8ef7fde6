import { z } from 'zod';
import { FORGED, hasToken, MALFORMED, readForm, tokenReceiptsSchema, vendorTime } from '../../receipts/kit.js';
import { defineReceipts, type Receipt, type ReceiptRequest, type ReceiptStatus, type ReceiptVerdict } from '../../receipts/types.js';
import type { SmsAeroConfig } from './config.js';

/** The connector's `receipts` block: SMS Aero signs nothing, so the callback URL carries `?token=`. */
export const smsAeroReceiptsSchema = tokenReceiptsSchema;
export type SmsAeroReceipts = z.infer<typeof smsAeroReceiptsSchema>;

/**
 * v2 message `status` (a number) → our status: 1 delivered, 2 not delivered, 6 rejected by the
 * operator; 3 handed to the operator and 4 awaiting its status are on the way. 0 (queued) and
 * 8 (moderation) happen before sending: no receipt.
 */
export const SMSAERO_STATUSES: ReadonlyMap<number, ReceiptStatus> = new Map([
  [1, 'delivered'],
  [2, 'undelivered'],
  [6, 'undelivered'],
  [3, 'deferred'],
  [4, 'deferred'],
]);

const digits = (max: number) => z.union([z.int().nonnegative(), z.string().regex(new RegExp(`^\\d{1,${max}}$`))]);

/** The message object SMS Aero's v2 API returns (`sms/status`); only these fields are read. */
const messageSchema = z.looseObject({
  id: digits(20).transform(String),
  status: digits(3).transform(Number),
  dateAnswer: digits(12).optional().catch(undefined),
});

/** A JSON message object, an array of them, or the same fields form-encoded. */
const readMessages = (request: ReceiptRequest): unknown[] | undefined => {
  const text = request.rawBody.toString('utf8').trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return text === '' ? undefined : [readForm(request)];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as unknown[]) : [value];
  } catch {
    return undefined;
  }
};

const toReceipt = (message: z.infer<typeof messageSchema>): Receipt[] => {
  const status = SMSAERO_STATUSES.get(message.status);
  if (status === undefined) return [];
  const at = status === 'deferred' ? undefined : vendorTime(message.dateAnswer);
  const code = status === 'undelivered' ? { code: String(message.status) } : {};
  return [{ providerMessageId: message.id, status, ...code, ...(at === undefined ? {} : { at }) }];
};

/**
 * The per-message `callbackUrl` of a send: `ctx.receiptUrl` with the block's `?token=`, which the
 * receipt must bring back.
 */
export const smsAeroCallbackUrl = (receiptUrl: string | undefined, receipts: SmsAeroReceipts | undefined): string | undefined => {
  if (receiptUrl === undefined || receipts === undefined) return undefined;
  const url = new URL(receiptUrl);
  url.searchParams.set('token', receipts.token);
  return url.toString();
};

/** SMS Aero status callbacks: `?token=` first (constant time), then the body. */
export const smsAeroReceipts = defineReceipts<SmsAeroConfig, typeof smsAeroReceiptsSchema>({
  schema: smsAeroReceiptsSchema,
  create({ token }) {
    return {
      verify: async (request: ReceiptRequest): Promise<ReceiptVerdict> => {
        if (!hasToken(request, token)) return FORGED;
        const parsed = z.array(messageSchema).min(1).max(100).safeParse(readMessages(request));
        return parsed.success ? { ok: true, receipts: parsed.data.flatMap(toReceipt) } : MALFORMED;
      },
    };
  },
});
