import { jwtVerify } from 'jose';
import { z } from 'zod';
import { FORGED, hasToken, MALFORMED, readJson, vendorTime } from '../../receipts/kit.js';
import { defineReceipts, type Receipt, type ReceiptRequest, type ReceiptStatus, type ReceiptVerdict } from '../../receipts/types.js';
import type { GatewayApiSmsConfig } from './config.js';

/**
 * The connector's `receipts` block, one of two: `secret`, the webhook's "authentication token"
 * (GatewayAPI then signs each notification as an HS256 JWT in `X-Gwapi-Signature`), or `token`,
 * for a webhook URL that carries `?token=` and no JWT.
 */
export const gatewayApiSmsReceiptsSchema = z
  .strictObject({
    /** At least 16 characters: one captured JWT lets anyone try short secrets offline. */
    secret: z.string().min(16, 'at least 16 characters').optional(),
    token: z.string().min(16, 'at least 16 characters').optional(),
  })
  .refine((block) => (block.secret === undefined) !== (block.token === undefined), 'set either secret (signed webhook) or token, not both');

export type GatewayApiSmsReceipts = z.infer<typeof gatewayApiSmsReceiptsSchema>;

/**
 * Status notification `status` → our status. ENROUTE, BUFFERED and ACCEPTED (the network took it
 * on the handset's behalf) are not final; SCHEDULED and UNKNOWN happen before sending: no receipt.
 */
export const GATEWAYAPI_STATUSES: ReadonlyMap<string, ReceiptStatus> = new Map([
  ['DELIVERED', 'delivered'],
  ['UNDELIVERABLE', 'undelivered'],
  ['REJECTED', 'undelivered'],
  ['EXPIRED', 'undelivered'],
  ['DELETED', 'undelivered'],
  ['SKIPPED', 'undelivered'],
  ['ENROUTE', 'deferred'],
  ['BUFFERED', 'deferred'],
  ['ACCEPTED', 'deferred'],
]);

/** One notification: `id` is the message id the send returned; `code` GatewayAPI's hex error code. */
const notificationSchema = z.looseObject({
  id: z.union([z.int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform(String),
  status: z.string().min(1).max(32),
  time: z.number().nonnegative().optional().catch(undefined),
  code: z.string().regex(/^[A-Za-z0-9]{1,16}$/).optional().catch(undefined),
});

type Notification = z.infer<typeof notificationSchema>;

const toReceipts = (notification: Notification): Receipt[] => {
  const status = GATEWAYAPI_STATUSES.get(notification.status);
  if (status === undefined) return [];
  const code = status === 'delivered' ? undefined : (notification.code ?? (status === 'undelivered' ? notification.status : undefined));
  const at = vendorTime(notification.time);
  return [{ providerMessageId: notification.id, status, ...(code === undefined ? {} : { code }), ...(at === undefined ? {} : { at }) }];
};

/** A JWT longer than this is no GatewayAPI notification: it is not even parsed. */
const MAX_JWT_CHARS = 8192;

/** The JWT's claims when it is HS256 with the secret, else undefined. The claims are the notification. */
const verifiedClaims = async (jwt: string | undefined, key: Uint8Array): Promise<unknown> => {
  if (jwt === undefined || jwt.length > MAX_JWT_CHARS) return undefined;
  try {
    return (await jwtVerify(jwt, key, { algorithms: ['HS256'] })).payload;
  } catch {
    return undefined;
  }
};

const verdictOf = (notification: unknown): ReceiptVerdict => {
  const parsed = notificationSchema.safeParse(notification);
  return parsed.success ? { ok: true, receipts: toReceipts(parsed.data) } : MALFORMED;
};

/**
 * The per-message `callback_url` for a send: only with `token` (the URL then carries it). A signed
 * webhook's JWT secret belongs to the webhook configured in GatewayAPI, which the default route uses.
 */
export const gatewayApiCallbackUrl = (receiptUrl: string | undefined, receipts: GatewayApiSmsReceipts | undefined): string | undefined => {
  if (receiptUrl === undefined || receipts?.token === undefined) return undefined;
  const url = new URL(receiptUrl);
  url.searchParams.set('token', receipts.token);
  return url.toString();
};

/**
 * GatewayAPI status notifications. Signed: the JWT in `X-Gwapi-Signature` carries the whole
 * notification, so its claims are read, never the unsigned body. Token: `?token=`, then the body.
 */
export const gatewayApiSmsReceipts = defineReceipts<GatewayApiSmsConfig, typeof gatewayApiSmsReceiptsSchema>({
  schema: gatewayApiSmsReceiptsSchema,
  create({ secret, token }) {
    const key = secret === undefined ? undefined : new TextEncoder().encode(secret);
    const verify = async (request: ReceiptRequest): Promise<ReceiptVerdict> => {
      if (key !== undefined) {
        const claims = await verifiedClaims(request.headers['x-gwapi-signature'], key);
        return claims === undefined ? FORGED : verdictOf(claims);
      }
      if (token === undefined || !hasToken(request, token)) return FORGED;
      const body = readJson(request, z.unknown());
      return body === undefined ? MALFORMED : verdictOf(body);
    };
    return { verify };
  },
});
