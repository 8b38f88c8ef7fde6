import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { safeEqual } from '../../crypto/compare.js';
import { FORGED, MALFORMED, readForm, vendorTime, withinWindow } from '../../receipts/kit.js';
import { defineReceipts, type Receipt, type ReceiptRequest, type ReceiptStatus, type ReceiptVerdict } from '../../receipts/types.js';
import type { VonageSmsConfig } from './config.js';

/** A signed DLR whose `timestamp` is further than this from now is refused (a replay bound). */
const WINDOW_SECONDS = 300;
/** A nonce is claimed for the whole span in which its timestamp is accepted. */
const NONCE_TTL_SECONDS = 2 * WINDOW_SECONDS;

/** The dashboard's "Signature method" names, as Vonage's SDKs spell them. */
export const VONAGE_SIGNATURE_METHODS = ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'] as const;
export type VonageSignatureMethod = (typeof VONAGE_SIGNATURE_METHODS)[number];

/**
 * The connector's `receipts` block: the account's signature secret (Dashboard → API Settings) and
 * the signature method chosen there. Signed webhooks must be switched on by Vonage support.
 */
export const vonageSmsReceiptsSchema = z.strictObject({
  signatureSecret: z.string().min(16, 'at least 16 characters'),
  /** @default md5hash, Vonage's default ("MD5 hash") */
  signatureMethod: z.enum(VONAGE_SIGNATURE_METHODS).default('md5hash'),
});

/**
 * DLR `status` → our status. `accepted` and `buffered` are on the way; `unknown` says nothing
 * (no DLR from the carrier: no further receipt is promised), so it yields none, like any other.
 */
export const VONAGE_DLR_STATUSES: ReadonlyMap<string, ReceiptStatus> = new Map([
  ['delivered', 'delivered'],
  ['failed', 'undelivered'],
  ['rejected', 'undelivered'],
  ['expired', 'undelivered'],
  ['accepted', 'deferred'],
  ['buffered', 'deferred'],
]);

/**
 * Vonage's SMS signature: `&name=value` for every parameter but `sig`, sorted by name, with `&`
 * and `=` in values replaced by `_`; then MD5 of that + the secret, or an HMAC keyed by it. Hex.
 */
export const vonageSignature = (params: Readonly<Record<string, string>>, secret: string, method: VonageSignatureMethod): string => {
  const base = Object.keys(params)
    .filter((name) => name !== 'sig')
    .sort()
    .map((name) => `&${name}=${(params[name] ?? '').replace(/[&=]/g, '_')}`)
    .join('');
  if (method === 'md5hash') return createHash('md5').update(base + secret, 'utf8').digest('hex');
  return createHmac(method, secret).update(base, 'utf8').digest('hex');
};

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const jsonParamsSchema = z.record(z.string(), scalar);

/** The DLR's parameters: a JSON body (POST-JSON), a form body (POST), or the query (GET). */
const readParams = (request: ReceiptRequest): Record<string, string> | undefined => {
  if (request.rawBody.length === 0) return { ...request.query };
  const text = request.rawBody.toString('utf8');
  if (!text.trimStart().startsWith('{')) return readForm(request);
  try {
    const parsed = jsonParamsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const dlrSchema = z.looseObject({
  messageId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  status: z.string().min(1).max(32),
  'err-code': z.string().regex(/^\d{1,4}$/).optional().catch(undefined),
  'message-timestamp': z.string().max(40).optional(),
});

/** `message-timestamp` is UTC (`2020-01-01 12:00:00`, sometimes with ` +0000`), not local time. */
const utcTime = (value: string | undefined): number | undefined => {
  const match = value === undefined ? null : /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\s*\+0000)?$/.exec(value);
  return match ? vendorTime(`${match[1]}T${match[2]}Z`) : vendorTime(value);
};

const toReceipts = (dlr: z.infer<typeof dlrSchema>): Receipt[] => {
  const status = VONAGE_DLR_STATUSES.get(dlr.status);
  if (status === undefined) return [];
  const errCode = dlr['err-code'];
  const code = status === 'delivered' || errCode === undefined || errCode === '0' ? {} : { code: errCode };
  const at = utcTime(dlr['message-timestamp']);
  return [{ providerMessageId: dlr.messageId, status, ...code, ...(at === undefined ? {} : { at }) }];
};

/**
 * Vonage SMS API delivery receipts, signed with the account's signature secret. The parameters
 * must be read to find `sig`; nothing else in them is trusted until the signature, the timestamp
 * window and the once-only nonce have passed.
 */
export const vonageSmsReceipts = defineReceipts<VonageSmsConfig, typeof vonageSmsReceiptsSchema>({
  schema: vonageSmsReceiptsSchema,
  create({ signatureSecret, signatureMethod }, _config, tools) {
    const verify = async (request: ReceiptRequest): Promise<ReceiptVerdict> => {
      const params = readParams(request);
      if (params === undefined || !safeEqual(params.sig?.toLowerCase(), vonageSignature(params, signatureSecret, signatureMethod))) return FORGED;
      if (!/^\d{1,12}$/.test(params.timestamp ?? '') || !withinWindow(Number(params.timestamp), request.now, WINDOW_SECONDS)) return FORGED;
      if (params.nonce !== undefined && !(await tools.claimOnce(`vonage-sms:${params.nonce}`, NONCE_TTL_SECONDS))) return FORGED;
      const parsed = dlrSchema.safeParse(params);
      return parsed.success ? { ok: true, receipts: toReceipts(parsed.data) } : MALFORMED;
    };
    return { verify };
  },
});
