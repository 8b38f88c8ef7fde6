import { Worker, type Job, type Processor, type Telemetry } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { QueueConfig } from '../config/schema.js';
import { addDeadLetter } from '../messages/dead-letter.js';
import type { ShardQueues } from '../messages/sharded-queues.js';
import { isDeadLettered } from './processor.js';
import { backoffStrategy } from './retry-later.js';

/**
 * SPEC §10: the process's `concurrency`, shared out over the shards it consumes: each gets an equal
 * share (the first `total mod n` one more), at least one. A busy shard cannot take the slots of
 * the others, so none starves; with recipients spread by a hash, the shards' loads are even.
 */
export const shareConcurrency = (total: number, shards: number): number[] =>
  Array.from({ length: shards }, (_, i) => Math.max(1, Math.floor(total / shards) + (i < total % shards ? 1 : 0)));

export type ShardWorkerOptions = {
  queue: QueueConfig;
  connection: Redis | Cluster;
  processor: Processor;
  logger: Logger;
  telemetry: Telemetry | undefined;
};

/** One BullMQ worker per shard, each with its share of the concurrency. */
export const startShardWorkers = (shards: readonly ShardQueues[], options: ShardWorkerOptions): Worker[] => {
  const shares = shareConcurrency(options.queue.concurrency, shards.length);
  return shards.map((shard, i) => startWorker(shard, shares[i] ?? 1, options));
};

const startWorker = ({ shard, deadLetters }: ShardQueues, concurrency: number, { queue, connection, processor, logger, telemetry }: ShardWorkerOptions): Worker => {
  const worker = new Worker(shard.name, processor, {
    connection,
    prefix: shard.prefix,
    concurrency,
    autorun: true,
    maxStalledCount: 5,
    lockDuration: queue.lockDurationMs,
    stalledInterval: Math.max(500, Math.floor(queue.lockDurationMs / 2)),
    // A retry's delay travels on the error the processor threw (RetryLater).
    settings: { backoffStrategy: backoffStrategy(queue.backoff) },
    ...(telemetry && { telemetry }),
  });
  worker.on('error', (error) => logger.error({ err: { message: error.message }, queue: shard.name }, 'worker error'));
  // Jobs failed outside the pipeline (stalled too often, lock lost) still end in the dead-letter queue.
  worker.on('failed', (job: Job | undefined, error: Error) => {
    if (!job || isDeadLettered(error) || !job.finishedOn) return;
    addDeadLetter(deadLetters, job, { reason: 'failed_outside_pipeline', detail: error.message.slice(0, 200), attempts: job.attemptsMade }).catch((e: Error) =>
      logger.error({ err: { message: e.message }, jobId: job.id }, 'could not dead-letter failed job'),
    );
  });
  return worker;
};
