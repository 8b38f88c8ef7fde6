import { createPublicKey } from 'node:crypto';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { z } from 'zod';
import { FORGED, MALFORMED, readJson, vendorTime, withinWindow } from '../../receipts/kit.js';
import { defineReceipts, type Receipt, type ReceiptRequest, type ReceiptVerdict } from '../../receipts/types.js';
import type { SendgridEmailConfig } from './config.js';

/** A signed batch older or newer than this is refused: SendGrid signs each POST (retries too) when it sends it. */
const WINDOW_SECONDS = 300;

const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/** Whether `value` is base64 DER (SPKI) of a P-256 public key: the only kind SendGrid signs with. */
const isP256PublicKey = (value: string): boolean => {
  try {
    const key = createPublicKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
};

/**
 * The connector's `receipts` block: the Event Webhook's verification key (SendGrid: the webhook's
 * "Signature Verification" public key, base64 DER, as the console or
 * `GET /v3/user/webhooks/event/settings/signed` shows it).
 */
export const sendgridReceiptsSchema = z.strictObject({
  publicKey: z.string().trim().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64 without line breaks').refine(isP256PublicKey, 'not a base64 DER P-256 public key'),
});

type Outcome = Pick<Receipt, 'status' | 'permanent'>;

/**
 * `event` (with `type` for `bounce`) → receipt. `bounce` without a `type` is the classic hard
 * bounce. processed, open, click, unsubscribe, group_* say nothing about delivery: no receipt.
 */
export const SENDGRID_EVENT_STATUS: ReadonlyMap<string, Outcome> = new Map<string, Outcome>([
  ['delivered', { status: 'delivered' }],
  ['bounce', { status: 'undelivered', permanent: true }],
  ['bounce:bounce', { status: 'undelivered', permanent: true }],
  ['bounce:blocked', { status: 'undelivered', permanent: false }],
  ['dropped', { status: 'undelivered', permanent: true }],
  ['deferred', { status: 'deferred' }],
  ['spamreport', { status: 'complained' }],
]);

/** The status a SendGrid event means, or undefined when it is not about delivery. */
export const sendgridOutcome = (event: string, type?: string): Outcome | undefined =>
  (event === 'bounce' && type !== undefined ? SENDGRID_EVENT_STATUS.get(`bounce:${type}`) : undefined) ?? SENDGRID_EVENT_STATUS.get(event);

/**
 * The `X-Message-Id` the send returned, from `sg_message_id` (`<x-message-id>.filter…`). Today's
 * ids have no dots; the older ones in SendGrid's sample events do (`14c5d75ce93.dfd.64b469`), so
 * the id ends where `.filter` starts, else at the first dot.
 */
export const sendgridMessageId = (sgMessageId: string): string => {
  const filter = sgMessageId.indexOf('.filter');
  return filter > 0 ? sgMessageId.slice(0, filter) : (sgMessageId.split('.')[0] ?? sgMessageId);
};

const eventSchema = z.looseObject({
  event: z.string().max(64),
  sg_message_id: z.string().min(1).max(512).optional().catch(undefined),
  timestamp: z.number().optional().catch(undefined),
  type: z.string().max(32).optional().catch(undefined),
  status: z.string().optional().catch(undefined),
});

/** A batch: a JSON array of events, each at least an object with an `event` name. */
const batchSchema = z.array(eventSchema).max(10_000);

type SendgridEvent = z.infer<typeof eventSchema>;

/** The enhanced status code (`5.1.1`) of a bounce or a deferral; never the free-text `reason`. */
const codeOf = (event: SendgridEvent): string | undefined =>
  event.status !== undefined && /^[245]\.\d{1,3}\.\d{1,3}$/.test(event.status) ? event.status : undefined;

const toReceipt = (event: SendgridEvent): Receipt[] => {
  const outcome = sendgridOutcome(event.event, event.type);
  // A delivery event without an id cannot be matched; the rest of the batch still counts.
  if (outcome === undefined || event.sg_message_id === undefined) return [];
  const code = outcome.status === 'delivered' ? undefined : codeOf(event);
  const at = vendorTime(event.timestamp);
  return [{ providerMessageId: sendgridMessageId(event.sg_message_id), ...outcome, ...(code === undefined ? {} : { code }), ...(at === undefined ? {} : { at }) }];
};

/**
 * SendGrid signs `timestamp + raw body` with ECDSA P-256 (SHA-256): checked with SendGrid's own
 * `@sendgrid/eventwebhook` before the body is read. The window is checked first (it is cheap); a
 * signature the library cannot even decode is forged like a wrong one.
 */
export const sendgridEmailReceipts = defineReceipts<SendgridEmailConfig, typeof sendgridReceiptsSchema>({
  schema: sendgridReceiptsSchema,
  create({ publicKey }) {
    const webhook = new EventWebhook();
    const key = webhook.convertPublicKeyToECDSA(publicKey);
    const signedBySendgrid = (request: ReceiptRequest): boolean => {
      const signature = request.headers[SIGNATURE_HEADER];
      const timestamp = request.headers[TIMESTAMP_HEADER];
      if (signature === undefined || timestamp === undefined || !/^\d{1,12}$/.test(timestamp) || signature.length > 256) return false;
      if (!withinWindow(Number(timestamp), request.now, WINDOW_SECONDS)) return false;
      try {
        return webhook.verifySignature(key, request.rawBody, signature, timestamp);
      } catch {
        return false;
      }
    };
    const verify = async (request: ReceiptRequest): Promise<ReceiptVerdict> => {
      if (!signedBySendgrid(request)) return FORGED;
      const events = readJson(request, batchSchema);
      return events === undefined ? MALFORMED : { ok: true, receipts: events.flatMap(toReceipt) };
    };
    return { verify };
  },
});
