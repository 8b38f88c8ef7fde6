import { QueueEvents, type Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Outcome } from '../messages/job-data.js';
import { outcomeOfResult } from './outcome.js';

/** Final outcomes as the queue's event stream announces them, for whoever watches a job id. */
export type OutcomeEvents = {
  /** Calls `listener` once job `id` completes or fails. Returns the unsubscribe. */
  watch(id: string, listener: (outcome: Outcome) => void): () => void;
  close(): Promise<void>;
};

/**
 * A lazy copy of `connection` fit for BullMQ's blocking XREAD: no command timeout, no retry limit
 * (BullMQ refuses a blocking connection with one), commands kept while reconnecting. BullMQ
 * duplicates it once more for the QueueEvents and owns (connects and closes) that copy.
 */
const blockingCopy = (connection: Redis | Cluster): Redis | Cluster => {
  const blocking = { maxRetriesPerRequest: null, commandTimeout: undefined, enableOfflineQueue: true, lazyConnect: true } as const;
  if (connection.isCluster) {
    const cluster = connection as Cluster;
    return cluster.duplicate(undefined, { lazyConnect: true, enableOfflineQueue: true, redisOptions: { ...cluster.options.redisOptions, ...blocking } });
  }
  return (connection as Redis).duplicate(blocking);
};

/**
 * One QueueEvents subscription for `queue`, on a connection of its own. It starts after the newest
 * event in the stream at the time of the call, so nothing that happens from then on is missed,
 * however long the blocking connection takes to come up. Rejects when `connection` cannot read
 * the stream (Redis down).
 */
export const openOutcomeEvents = async (queue: Queue, connection: Redis | Cluster, prefix: string): Promise<OutcomeEvents> => {
  const newest = await connection.xrevrange(queue.toKey('events'), '+', '-', 'COUNT', 1);
  const copy = blockingCopy(connection);
  const events = new QueueEvents(queue.name, { connection: copy, prefix, lastEventId: newest[0]?.[0] ?? '0-0' });
  copy.disconnect(); // never connected: BullMQ made its own duplicate in the constructor
  events.on('error', () => {}); // the blocking connection reconnects by itself; waits are bounded by their timers

  const listeners = new Map<string, Set<(outcome: Outcome) => void>>();
  const announce = (jobId: string | undefined, outcome: Outcome) => {
    for (const listener of (jobId && listeners.get(jobId)) || []) listener(outcome);
  };
  events.on('completed', ({ jobId, returnvalue }) => announce(jobId, outcomeOfResult(returnvalue)));
  events.on('failed', ({ jobId }) => announce(jobId, 'dead'));
  return {
    watch(id, listener) {
      const set = listeners.get(id) ?? new Set();
      set.add(listener);
      listeners.set(id, set);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(id) === set) listeners.delete(id);
      };
    },
    close: () => events.close(),
  };
};
