import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import { awaitingKey } from './store.js';

export type SweeperDeps = {
  redis: Redis | Cluster;
  prefix: string;
  /** `otp_receipts_missing_total`. */
  missing: Counter<'channel' | 'provider'>;
  logger: Logger;
  /** @default 30000 */
  intervalMs?: number;
  /** Most sends looked at per sweep. @default 500 */
  batch?: number;
};

/**
 * Counts the sends whose receipt window ended without a final receipt. Every worker sweeps; a
 * send is counted by the one whose ZREM removed it, so once fleet-wide.
 */
export const createReceiptSweeper = ({ redis, prefix, missing, logger, intervalMs = 30_000, batch = 500 }: SweeperDeps) => {
  const key = awaitingKey(prefix);
  const sweep = async (now: number = Date.now()): Promise<number> => {
    const due = await redis.zrangebyscore(key, '-inf', now, 'LIMIT', 0, batch);
    if (due.length === 0) return 0;
    const removed = (await due.reduce((multi, member) => multi.zrem(key, member), redis.multi()).exec()) ?? [];
    let counted = 0;
    due.forEach((member, i) => {
      const [channel, provider] = member.split('|');
      if (removed[i]?.[1] !== 1 || !channel || !provider) return;
      missing.inc({ channel, provider });
      counted += 1;
    });
    return counted;
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    sweep,
    start() {
      timer ??= setInterval(() => void sweep().catch((error: Error) => logger.warn({ err: { message: error.message } }, 'receipt sweep failed; will retry')), intervalMs);
      timer.unref();
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
};
