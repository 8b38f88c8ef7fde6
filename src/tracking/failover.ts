import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { failoverJobId, jobDataSchema, messageJobOptions } from '../messages/job-data.js';
import type { Channel } from '../messages/types.js';
import type { ReceiptMetrics } from '../metrics/receipt-metrics.js';
import type { ReceiptReaction } from './intake.js';
import type { ReceiptStore } from './store.js';

/** A connector of a channel's chain, by name and provider id, in chain order. */
export type ChainLink = { name: string; provider: string };

export type FailoverDeps = {
  /** The queue message `id` lives in (its shard's, SPEC §10). */
  queueOf: (id: string) => Queue;
  store: ReceiptStore;
  /** Per channel, the chain (active first) and whether `receiptFailover` is on. */
  channels: Partial<Record<Channel, { chain: readonly ChainLink[]; enabled: boolean }>>;
  metrics: ReceiptMetrics;
  logger: Logger;
  /** Completed jobs are kept this long past their expiry (the producer's retention margin). */
  keepMarginSeconds: number;
};

/** The connector to resend through: the next one after `failed` in the chain, else the first other one. */
export const nextLink = (chain: readonly ChainLink[], failed: string): ChainLink | undefined => {
  const at = chain.findIndex((c) => c.name === failed);
  return [...chain.slice(at + 1), ...chain.slice(0, Math.max(0, at))].find((c) => c.name !== failed);
};

/**
 * SPEC §8 `receiptFailover`: an `undelivered` receipt while the code is live → one resend of the
 * message through the next connector. Once only (a flag on the receipt record, and BullMQ adds a
 * job id once); never after expiresAt (the resend carries the message's expiry, and the worker
 * checks it before sending). The resend is the original job's data, sealed body and all.
 */
export const createFailover = (deps: FailoverDeps): ReceiptReaction => async (id, record, receipt) => {
  const channel = deps.channels[record.channel];
  if (!channel?.enabled || receipt.status !== 'undelivered' || record.failover) return;
  const now = Date.now();
  if (now >= record.expiresAt) return;
  const next = nextLink(channel.chain, record.connector);
  if (!next) return;
  const queue = deps.queueOf(id);
  const original = await queue.getJob(id);
  const data = jobDataSchema.safeParse(original?.data);
  if (!original || !data.success || data.data.failover) {
    deps.logger.warn({ jobId: id }, 'undelivered receipt: the message is no longer in the queue; no failover');
    return;
  }
  if (!(await deps.store.claimFailover(id, next.name))) return;
  const keepSeconds = Math.ceil((record.expiresAt - now) / 1000) + deps.keepMarginSeconds;
  await queue.add(original.name, { ...data.data, failover: { from: record.connector } }, messageJobOptions(failoverJobId(id), data.data.type, keepSeconds));
  deps.metrics.failovers.inc({ channel: record.channel, from: record.provider, to: next.provider });
  deps.logger.info({ jobId: id, from: record.connector, to: next.name }, 'undelivered receipt: resending once through the next connector');
};
