import { Queue } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { shardLayout, type Shard } from '../../src/messages/shards.js';
import type { BenchRedis } from './redis.js';

const connect = (redis: BenchRedis): Redis | Cluster =>
  redis.cluster
    ? new Cluster(redis.urls.map((u) => { const { hostname, port } = new URL(u); return { host: hostname, port: Number(port) }; }), { redisOptions: { maxRetriesPerRequest: 3 } })
    : new Redis(redis.urls[0] ?? '', { maxRetriesPerRequest: 3 });

/** A producer-side BullMQ Queue on the bench Redis (standalone or cluster), closed with its connection. */
export const openQueue = (redis: BenchRedis, name: string, prefix: string): Queue & { closeAll(): Promise<void> } => {
  const connection = connect(redis);
  const queue = new Queue(name, { connection, prefix });
  queue.on('error', () => {});
  return Object.assign(queue, {
    async closeAll() {
      await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  });
};

/** Runs `fill` on the bench's queue (`otp` under `{otp}`), opened for it and closed after. */
export const withQueue = async (redis: BenchRedis, fill: (queue: Queue) => Promise<unknown>): Promise<void> => {
  const queue = openQueue(redis, 'otp', '{otp}');
  try {
    await fill(queue);
  } finally {
    await queue.closeAll();
  }
};

/**
 * SPEC §10: the producer-side queues of every shard of `shardLayout(base, count)` (queue name
 * `<name>-<i>of<N>`, prefix `{<tag>-<i>of<N>-<salt>}`; the configured ones when `count` is 1), on
 * one connection.
 */
export const openShardQueues = (redis: BenchRedis, base: { name: string; prefix: string }, count: number) => {
  const connection = connect(redis);
  const shards: Shard[] = shardLayout(base, count);
  const queues = shards.map((shard) => {
    const queue = new Queue(shard.name, { connection, prefix: shard.prefix });
    queue.on('error', () => {});
    return queue;
  });
  return {
    shards,
    queues,
    async closeAll() {
      await Promise.all(queues.map((q) => q.close()));
      await connection.quit().catch(() => connection.disconnect());
    },
  };
};
