import { Queue, type Telemetry } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { deadLetterQueueName } from './job-data.js';

/** The message queue and its dead-letter queue, on one connection. */
export type MessageQueues = { queue: Queue; deadLetters: Queue; close(): Promise<void> };

/** `telemetry` (bullmq-otel, when tracing is on) traces each add: a job carries its producer's trace to the worker. */
export const openMessageQueues = (name: string, connection: Redis | Cluster, prefix: string, telemetry?: Telemetry): MessageQueues => {
  const queue = new Queue(name, { connection, prefix, ...(telemetry && { telemetry }) });
  const deadLetters = new Queue(deadLetterQueueName(name), { connection, prefix, ...(telemetry && { telemetry }) });
  // Connection errors surface on the calls that hit them; unheard, BullMQ would print them.
  for (const q of [queue, deadLetters]) q.on('error', () => {});
  return {
    queue,
    deadLetters,
    async close() {
      await Promise.all([queue.close(), deadLetters.close()]);
    },
  };
};
