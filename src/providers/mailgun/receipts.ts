import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { safeEqual } from '../../crypto/compare.js';
import { FORGED, MALFORMED, readJson, vendorTime, withinWindow } from '../../receipts/kit.js';
import { defineReceipts, type Receipt, type ReceiptRequest, type ReceiptVerdict } from '../../receipts/types.js';
import type { MailgunConfig } from './config.js';

/** Mailgun's own advice is to bound replays: a signed request older or newer than this is refused. */
const WINDOW_SECONDS = 300;
/** A token is claimed for the whole span in which its timestamp is accepted (± the window). */
const TOKEN_TTL_SECONDS = 2 * WINDOW_SECONDS;

/**
 * The connector's `receipts` block: the domain's HTTP webhook signing key (Mailgun: Sending →
 * Webhooks → "HTTP webhook signing key"; not the API key).
 */
export const mailgunReceiptsSchema = z.strictObject({
  signingKey: z.string().min(16, 'at least 16 characters'),
});

type Outcome = Pick<Receipt, 'status' | 'permanent'>;

/**
 * `event` (with `severity` for `failed`) → receipt. Anything else (accepted, opened, clicked,
 * unsubscribed, stored) says nothing about delivery and yields no receipt.
 */
export const MAILGUN_EVENT_STATUS: ReadonlyMap<string, Outcome> = new Map<string, Outcome>([
  ['delivered', { status: 'delivered' }],
  ['failed:permanent', { status: 'undelivered', permanent: true }],
  ['failed:temporary', { status: 'deferred' }],
  ['complained', { status: 'complained' }],
]);

/** The status a Mailgun event means, or undefined when it is not about delivery. */
export const mailgunOutcome = (event: string, severity?: string): Outcome | undefined =>
  MAILGUN_EVENT_STATUS.get(event === 'failed' ? `failed:${severity ?? ''}` : event);

/** Only the `signature` part is read before the HMAC is checked. */
const signedSchema = z.looseObject({
  signature: z.looseObject({
    timestamp: z.union([z.string().regex(/^\d{1,12}$/), z.int().nonnegative()]).transform(String),
    token: z.string().min(1).max(256),
    signature: z.string().regex(/^[0-9a-fA-F]{64}$/),
  }),
});

const eventSchema = z.looseObject({
  'event-data': z.looseObject({
    event: z.string().min(1).max(64),
    timestamp: z.number().optional(),
    severity: z.string().max(32).optional(),
    reason: z.string().optional(),
    message: z.looseObject({ headers: z.looseObject({ 'message-id': z.string().min(1).max(998).optional() }).optional() }).optional(),
    'delivery-status': z.looseObject({ code: z.unknown().optional() }).optional(),
  }),
});

type MailgunEvent = z.infer<typeof eventSchema>['event-data'];

/** Mailgun's id as the send returned it (`<…@domain>`); the event's `message-id` header has no brackets. */
export const mailgunMessageId = (headerValue: string): string => `<${headerValue.trim().replace(/^<|>$/g, '')}>`;

/** The SMTP (or Mailgun's own 6xx) code, else Mailgun's short `reason` token (`suppress-bounce`). */
const codeOf = (event: MailgunEvent): string | undefined => {
  const code = event['delivery-status']?.code;
  if (typeof code === 'number' && Number.isInteger(code)) return String(code);
  return event.reason !== undefined && /^[a-z][a-z0-9-]{0,39}$/.test(event.reason) ? event.reason : undefined;
};

const toReceipts = (event: MailgunEvent): Receipt[] | undefined => {
  const outcome = mailgunOutcome(event.event, event.severity);
  if (outcome === undefined) return [];
  const id = event.message?.headers?.['message-id'];
  if (id === undefined) return undefined;
  const code = outcome.status === 'delivered' ? undefined : codeOf(event);
  const at = vendorTime(event.timestamp);
  return [{ providerMessageId: mailgunMessageId(id), ...outcome, ...(code === undefined ? {} : { code }), ...(at === undefined ? {} : { at }) }];
};

const hmacHex = (key: string, data: string): string => createHmac('sha256', key).update(data, 'utf8').digest('hex');

/**
 * Mailgun signs `timestamp + token` (not the body) with the signing key: the body must be read to
 * find the signature, but nothing else in it is trusted until the HMAC, the window and the
 * once-only token have all passed.
 */
export const mailgunReceipts = defineReceipts<MailgunConfig, typeof mailgunReceiptsSchema>({
  schema: mailgunReceiptsSchema,
  create({ signingKey }, _config, tools) {
    const verify = async (request: ReceiptRequest): Promise<ReceiptVerdict> => {
      const signed = readJson(request, signedSchema);
      if (signed === undefined) return FORGED;
      const { timestamp, token, signature } = signed.signature;
      if (!safeEqual(signature.toLowerCase(), hmacHex(signingKey, timestamp + token))) return FORGED;
      if (!withinWindow(Number(timestamp), request.now, WINDOW_SECONDS)) return FORGED;
      if (!(await tools.claimOnce(`mailgun:${token}`, TOKEN_TTL_SECONDS))) return FORGED;
      const parsed = eventSchema.safeParse(signed);
      const receipts = parsed.success ? toReceipts(parsed.data['event-data']) : undefined;
      return receipts === undefined ? MALFORMED : { ok: true, receipts };
    };
    return { verify };
  },
});
