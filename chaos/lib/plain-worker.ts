/**
 * The baseline for scenario (a): a plain at-least-once BullMQ worker, as one would write it without
 * otp-courier. It takes the same jobs (plain `body`, no encryption), POSTs Logto's HTTP SMS body to
 * the sink with fetch, and completes the job. No sent marker: a job whose worker died is sent again.
 * Settings match the courier's worker (concurrency, lock duration, stalled interval).
 *   PLAIN_WORKER='{"redisUrl","prefix","endpoint","concurrency","lockDurationMs"}'
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';

const options = z
  .object({ redisUrl: z.string(), prefix: z.string(), endpoint: z.url(), concurrency: z.number().int().positive(), lockDurationMs: z.number().int().positive() })
  .parse(JSON.parse(process.env.PLAIN_WORKER ?? '{}'));
const job = z.object({ type: z.string(), body: z.object({ to: z.string(), payload: z.record(z.string(), z.unknown()) }) });

const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
const worker = new Worker(
  'otp',
  async (j) => {
    const { type, body } = job.parse(j.data);
    const res = await fetch(options.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: body.to, type, payload: body.payload }),
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`sink answered ${res.status}`);
    return { outcome: 'delivered', provider: 'plain' };
  },
  {
    connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    maxStalledCount: 5,
    lockDuration: options.lockDurationMs,
    stalledInterval: Math.max(500, Math.floor(options.lockDurationMs / 2)),
    settings: { backoffStrategy: () => 100 },
  },
);
worker.on('error', () => {});
await worker.waitUntilReady();
console.log('plain worker ready');
const stop = () => void worker.close().then(() => connection.quit()).finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
