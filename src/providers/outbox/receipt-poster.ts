import type { Logger } from 'pino';
import { request } from 'undici';
import type { z } from 'zod';
import type { OutboxReceipts, outboxReceiptBodySchema } from './receipts.js';

/** Each receipt post gets this long. */
const POST_TIMEOUT_MS = 2000;

export type ReceiptPoster = {
  /** Posts the receipt of `providerMessageId` to `receiptUrl` after the configured delay. */
  schedule(receiptUrl: string, providerMessageId: string): void;
  /** Cancels receipts not yet posted, and waits for posts in flight. */
  close(): Promise<void>;
};

/** The outbox's own receipts, posted to the ingest like a vendor's (fire and forget; failures logged at debug). */
export const createReceiptPoster = (receipts: OutboxReceipts, logger: Logger, random: () => number = Math.random): ReceiptPoster => {
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  const post = async (receiptUrl: string, body: z.infer<typeof outboxReceiptBodySchema>): Promise<void> => {
    const url = new URL(receiptUrl);
    url.searchParams.set('token', receipts.token);
    try {
      const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), headersTimeout: POST_TIMEOUT_MS, bodyTimeout: POST_TIMEOUT_MS, signal: AbortSignal.timeout(POST_TIMEOUT_MS) });
      await res.body.dump();
      if (res.statusCode !== 200) logger.debug({ status: res.statusCode }, 'outbox receipt refused');
    } catch (error) {
      logger.debug({ err: { message: (error as Error).message } }, 'outbox receipt not posted');
    }
  };
  return {
    schedule(receiptUrl, providerMessageId) {
      const status = random() < receipts.undeliveredShare ? 'undelivered' : 'delivered';
      const timer = setTimeout(() => {
        timers.delete(timer);
        const sent = post(receiptUrl, { providerMessageId, status, at: Date.now() }).finally(() => inFlight.delete(sent));
        inFlight.add(sent);
      }, receipts.delayMs);
      timer.unref();
      timers.add(timer);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
};
