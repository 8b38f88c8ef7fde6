import { z } from 'zod';
import { defineReceipts } from '../../receipts/types.js';
import { FORGED, hasToken, MALFORMED, readJson } from '../../receipts/kit.js';
import type { OutboxConfig } from './config.js';

/**
 * The outbox's receipts block: it posts its own receipts to the ingest (`ingest.publicUrl`), so the
 * demo and the tests show the whole path. `?token=` verifies them, as for vendors that sign nothing.
 */
export const outboxReceiptsSchema = z.strictObject({
  token: z.string().min(16, 'at least 16 characters'),
  /** How long after the send its receipt is posted. @default 500 */
  delayMs: z.number().int().min(0).max(60_000).default(500),
  /** The share of sends whose receipt says `undelivered` (0 to 1). @default 0 */
  undeliveredShare: z.number().min(0).max(1).default(0),
});
export type OutboxReceipts = z.infer<typeof outboxReceiptsSchema>;

/** What the outbox posts. */
export const outboxReceiptBodySchema = z.strictObject({
  providerMessageId: z.string().min(1).max(256),
  status: z.enum(['delivered', 'undelivered', 'complained', 'deferred']),
  at: z.number().int().positive().optional(),
});

export const outboxReceipts = defineReceipts<OutboxConfig, typeof outboxReceiptsSchema>({
  schema: outboxReceiptsSchema,
  create: (receipts) => ({
    verify(request) {
      if (!hasToken(request, receipts.token)) return Promise.resolve(FORGED);
      const body = readJson(request, outboxReceiptBodySchema);
      if (!body) return Promise.resolve(MALFORMED);
      return Promise.resolve({ ok: true, receipts: [{ providerMessageId: body.providerMessageId, status: body.status, ...(body.at && { at: body.at }) }] });
    },
  }),
});
