import twilio from 'twilio';
import { z } from 'zod';
import { FORGED, MALFORMED, readForm } from '../../receipts/kit.js';
import { defineReceipts, type Receipt, type ReceiptRequest, type ReceiptStatus, type ReceiptVerdict } from '../../receipts/types.js';
import type { TwilioSmsConfig } from './config.js';

/** `receipts: {}`: Twilio signs with the account's auth token, which the connector's config already has. */
export const twilioSmsReceiptsSchema = z.strictObject({});

/**
 * Status callback `MessageStatus` → our status. `sent` means the nearest carrier took it (not
 * final: a `delivered` or `undelivered` may follow). queued, accepted, scheduled, sending, …
 * happen before the carrier and yield no receipt.
 */
export const TWILIO_MESSAGE_STATUSES: ReadonlyMap<string, ReceiptStatus> = new Map([
  ['delivered', 'delivered'],
  ['read', 'delivered'],
  ['undelivered', 'undelivered'],
  ['failed', 'undelivered'],
  ['canceled', 'undelivered'],
  ['sent', 'deferred'],
]);

/** Read only once the signature holds. `ErrorCode` is Twilio's numeric error (30003, …). */
const callbackSchema = z.looseObject({
  MessageSid: z.string().regex(/^[A-Za-z0-9]{2,64}$/),
  MessageStatus: z.string().min(1).max(32),
  ErrorCode: z.string().regex(/^\d{1,6}$/).optional().catch(undefined),
});

/**
 * Twilio's own check (`X-Twilio-Signature`: HMAC-SHA1 over the URL it called + the sorted form
 * parameters). It throws on a URL it cannot parse: that is no valid signature either.
 */
const isSignedByTwilio = (authToken: string, signature: string | undefined, url: string, params: Record<string, string>): boolean => {
  if (signature === undefined || signature === '') return false;
  try {
    return twilio.validateRequest(authToken, signature, url, params);
  } catch {
    return false;
  }
};

const toReceipts = (form: z.infer<typeof callbackSchema>): Receipt[] => {
  const status = TWILIO_MESSAGE_STATUSES.get(form.MessageStatus);
  if (status === undefined) return [];
  const code = status === 'delivered' || form.ErrorCode === undefined || form.ErrorCode === '0' ? {} : { code: form.ErrorCode };
  // No event time: RawDlrDoneDate has minutes and no time zone, so the time of receipt stands.
  return [{ providerMessageId: form.MessageSid, status, ...code }];
};

/** Twilio status callbacks (form-encoded), verified with the connector's `authToken` over `request.url`. */
export const twilioSmsReceipts = defineReceipts<TwilioSmsConfig, typeof twilioSmsReceiptsSchema>({
  schema: twilioSmsReceiptsSchema,
  create(_receipts, config) {
    return {
      verify: async (request: ReceiptRequest): Promise<ReceiptVerdict> => {
        const form = readForm(request);
        if (!isSignedByTwilio(config.authToken, request.headers['x-twilio-signature'], request.url, form)) return FORGED;
        const parsed = callbackSchema.safeParse(form);
        return parsed.success ? { ok: true, receipts: toReceipts(parsed.data) } : MALFORMED;
      },
    };
  },
});
