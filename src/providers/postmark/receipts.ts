import { z } from 'zod';
import { safeEqualAny } from '../../crypto/compare.js';
import { FORGED, MALFORMED, readJson, vendorTime } from '../../receipts/kit.js';
import { defineReceipts, type Receipt, type ReceiptRequest, type ReceiptVerdict } from '../../receipts/types.js';
import type { PostmarkConfig } from './config.js';

/** At least 16 characters: it is the only thing standing between a stranger and the message states. */
const authorizationValue = z.string().min(16, 'at least 16 characters');

/**
 * The connector's `receipts` block. Postmark signs nothing: the webhook URL carries basic-auth
 * credentials (`https://user:pass@host/…`, sent as `Authorization: Basic …`) or the webhook sets a
 * custom `Authorization` header. `authorization` is the accepted header value, or several
 * (rotation). Required: without it anyone could post receipts.
 */
export const postmarkReceiptsSchema = z.strictObject({
  authorization: z.union([authorizationValue, z.array(authorizationValue).min(1).max(8)]),
});

type Outcome = Pick<Receipt, 'status' | 'permanent'>;

const HARD: Outcome = { status: 'undelivered', permanent: true };
/** Postmark has stopped trying, but the address may work later. */
const SOFT: Outcome = { status: 'undelivered', permanent: false };
/** Postmark is still trying (delayed, temporary DNS failure). */
const LATER: Outcome = { status: 'deferred' };

/**
 * Bounce `Type` (with its `TypeCode`) → receipt, after Postmark's bounce-type table (Bounce API
 * reference; "How to fix soft bounces": a SoftBounce means Postmark ceased trying). Types that are
 * not about this delivery (Unsubscribe, Subscribe, AutoResponder, AddressChange, OpenRelayTest,
 * ChallengeVerification, Unconfirmed, InboundError, VirusNotification, Unknown) yield no receipt.
 */
export const POSTMARK_BOUNCE_TYPES: ReadonlyArray<readonly [type: string, typeCode: number, outcome: Outcome]> = [
  ['HardBounce', 1, HARD],
  ['Transient', 2, LATER],
  ['DnsError', 256, LATER],
  ['SpamNotification', 512, SOFT],
  ['SoftBounce', 4096, SOFT],
  ['BadEmailAddress', 100000, HARD],
  ['SpamComplaint', 100001, { status: 'complained' }],
  ['ManuallyDeactivated', 100002, HARD],
  ['Blocked', 100006, SOFT],
  ['SMTPApiError', 100007, SOFT],
  ['DMARCPolicy', 100009, SOFT],
  ['TemplateRenderingFailed', 100010, SOFT],
];

const BY_TYPE = new Map(POSTMARK_BOUNCE_TYPES.map(([type, , outcome]) => [type, outcome]));
const BY_CODE = new Map(POSTMARK_BOUNCE_TYPES.map(([, code, outcome]) => [code, outcome]));

/** The status a Postmark record means, or undefined when it is not about delivery (Open, Click, SubscriptionChange, …). */
export const postmarkOutcome = (recordType: string, type?: string, typeCode?: number): Outcome | undefined => {
  if (recordType === 'Delivery') return { status: 'delivered' };
  if (recordType === 'SpamComplaint') return { status: 'complained' };
  if (recordType !== 'Bounce') return undefined;
  return (type === undefined ? undefined : BY_TYPE.get(type)) ?? (typeCode === undefined ? undefined : BY_CODE.get(typeCode));
};

const recordSchema = z.looseObject({
  RecordType: z.string().max(64),
  MessageID: z.string().min(1).max(256).optional(),
  Type: z.string().max(64).optional().catch(undefined),
  TypeCode: z.int().optional().catch(undefined),
  DeliveredAt: z.string().max(64).optional().catch(undefined),
  BouncedAt: z.string().max(64).optional().catch(undefined),
});

type PostmarkRecord = z.infer<typeof recordSchema>;

/** The bounce `Type` when it is a plain token (`HardBounce`), else its `TypeCode`. */
const codeOf = (record: PostmarkRecord): string | undefined => {
  if (record.Type !== undefined && /^[A-Za-z]{1,40}$/.test(record.Type)) return record.Type;
  return record.TypeCode === undefined ? undefined : String(record.TypeCode);
};

const toReceipts = (record: PostmarkRecord): Receipt[] | undefined => {
  const outcome = postmarkOutcome(record.RecordType, record.Type, record.TypeCode);
  if (outcome === undefined) return [];
  if (record.MessageID === undefined) return undefined;
  const code = record.RecordType === 'Delivery' ? undefined : codeOf(record);
  const at = vendorTime(record.RecordType === 'Delivery' ? record.DeliveredAt : record.BouncedAt);
  return [{ providerMessageId: record.MessageID, ...outcome, ...(code === undefined ? {} : { code }), ...(at === undefined ? {} : { at }) }];
};

/**
 * Postmark's Delivery, Bounce and SpamComplaint webhooks, one JSON record per POST. The
 * `Authorization` header is checked (constant time, against every accepted value) before the body
 * is read. Postmark sends neither a timestamp nor a one-time token, so replays cannot be refused;
 * they are harmless (the latest final status stands).
 */
export const postmarkReceipts = defineReceipts<PostmarkConfig, typeof postmarkReceiptsSchema>({
  schema: postmarkReceiptsSchema,
  create({ authorization }) {
    const accepted = typeof authorization === 'string' ? [authorization] : authorization;
    const verify = async (request: ReceiptRequest): Promise<ReceiptVerdict> => {
      if (!safeEqualAny(request.headers.authorization, accepted)) return FORGED;
      const record = readJson(request, recordSchema);
      const receipts = record === undefined ? undefined : toReceipts(record);
      return receipts === undefined ? MALFORMED : { ok: true, receipts };
    };
    return { verify };
  },
});
