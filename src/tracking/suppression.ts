import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { suppressionKey } from '../limits/producer-limits.js';
import type { ReceiptReaction } from './intake.js';

export type SuppressionDeps = { redis: Redis | Cluster; prefix: string; queue: string; seconds: number; logger: Logger };

/**
 * `limits.suppressBouncedSeconds`: a hard bounce or a complaint marks the address (by its keyed
 * hash, never in plain text); producers refuse email to it while the mark lasts (429, `suppressed`).
 */
export const createSuppression = ({ redis, prefix, queue, seconds, logger }: SuppressionDeps): ReceiptReaction => async (id, record, receipt) => {
  const bounced = (receipt.status === 'undelivered' && receipt.permanent === true) || receipt.status === 'complained';
  if (record.channel !== 'email' || !bounced || !record.recipientHash) return;
  await redis.set(suppressionKey(prefix, queue, record.recipientHash), '1', 'EX', seconds);
  logger.info({ jobId: id, status: receipt.status, seconds }, 'address suppressed after a hard bounce or complaint');
};
