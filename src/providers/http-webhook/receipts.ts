import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { FORGED, MALFORMED, readJson, vendorTime } from '../../receipts/kit.js';
import { defineReceipts, RECEIPT_STATUSES, type Receipt, type ReceiptRequest, type ReceiptStatus, type ReceiptVerdict } from '../../receipts/types.js';
import type { HttpWebhookConfig } from './config.js';
import { SIGNING_SECRET_PATTERN } from './signature.js';

/** The connector's `receipts` block. */
export const httpWebhookReceiptsSchema = z.strictObject({
  /** Standard Webhooks secret the receiving service signs receipts with. @default the connector config's `signingSecret` */
  signingSecret: z.string().regex(SIGNING_SECRET_PATTERN, 'must be whsec_ followed by a base64 key').optional(),
});

/** The service sends our statuses as they are; any other `status` (`queued`, `opened`) is not returned. */
export const HTTP_RECEIPT_STATUSES: ReadonlyMap<string, ReceiptStatus> = new Map(RECEIPT_STATUSES.map((status) => [status, status]));

/** A `webhook-id` is refused the second time within this long: twice the library's 5-minute tolerance either way. */
const ONCE_TTL_SECONDS = 600;

const idField = z.string().min(1).max(200);

/**
 * `{id, status, providerMessageId?, at?}`: `id` is our message id (the send's `webhook-id`);
 * `providerMessageId`, when the service answered the send with one, is that id.
 */
const receiptBodySchema = z.object({
  id: idField,
  status: z.string(),
  providerMessageId: idField.optional(),
  at: z.union([z.string(), z.number()]).optional(),
});

const toReceipts = (body: z.infer<typeof receiptBodySchema>): Receipt[] => {
  const status = HTTP_RECEIPT_STATUSES.get(body.status);
  if (status === undefined) return [];
  const at = vendorTime(body.at);
  return [{ providerMessageId: body.providerMessageId ?? body.id, status, ...(at === undefined ? {} : { at }) }];
};

/** Whether the Standard Webhooks headers sign these exact bytes within the library's tolerance (missing headers: no). */
const signed = (webhook: Webhook, request: ReceiptRequest): boolean => {
  const { headers } = request;
  try {
    webhook.verify(request.rawBody.toString('utf8'), {
      'webhook-id': headers['webhook-id'] ?? '',
      'webhook-timestamp': headers['webhook-timestamp'] ?? '',
      'webhook-signature': headers['webhook-signature'] ?? '',
    }, { jsonParse: false });
    return true;
  } catch {
    return false;
  }
};

/**
 * Receipts from the service behind `http-email` / `http-sms`, signed the way the connector signs
 * its sends (Standard Webhooks, `standardwebhooks`); each `webhook-id` is taken once.
 */
export const httpWebhookReceipts = defineReceipts<HttpWebhookConfig, typeof httpWebhookReceiptsSchema>({
  schema: httpWebhookReceiptsSchema,
  create(receipts, config, tools) {
    const secret = receipts.signingSecret ?? config.signingSecret;
    if (secret === undefined) {
      tools.logger.error('http receipts need a signingSecret (in the receipts block or the connector config): every receipt is refused');
      return { verify: async (): Promise<ReceiptVerdict> => FORGED };
    }
    const webhook = new Webhook(secret);
    return {
      async verify(request): Promise<ReceiptVerdict> {
        if (!signed(webhook, request)) return FORGED;
        if (!(await tools.claimOnce(`standard-webhooks:${request.headers['webhook-id'] ?? ''}`, ONCE_TTL_SECONDS))) return FORGED;
        const body = readJson(request, receiptBodySchema);
        return body === undefined ? MALFORMED : { ok: true, receipts: toReceipts(body) };
      },
    };
  },
});
