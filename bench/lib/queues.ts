import { Queue } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import type { BenchRedis } from './redis.js';

/** A producer-side BullMQ Queue on the bench Redis (standalone or cluster), closed with its connection. */
export const openQueue = (redis: BenchRedis, name: string, prefix: string): Queue & { closeAll(): Promise<void> } => {
  const connection = redis.cluster
    ? new Cluster(redis.urls.map((u) => { const { hostname, port } = new URL(u); return { host: hostname, port: Number(port) }; }), { redisOptions: { maxRetriesPerRequest: 3 } })
    : new Redis(redis.urls[0] ?? '', { maxRetriesPerRequest: 3 });
  const queue = new Queue(name, { connection, prefix });
  queue.on('error', () => {});
  return Object.assign(queue, {
    async closeAll() {
      await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  });
};
