import type { Telemetry } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { openMessageQueues, type MessageQueues } from './queues.js';
import { shardIndexOf, shardLayout, shardOf, shardRefOfId, type Shard } from './shards.js';

/** One shard's message and dead-letter queues. */
export type ShardQueues = MessageQueues & { shard: Shard };

/**
 * SPEC §10: the queues of every shard of the configured layout, on one connection; the
 * configured (unsharded) name and prefix when `count` is 1.
 */
export type ShardedQueues = {
  readonly all: readonly ShardQueues[];
  /** The shard a recipient routes to, by its keyed hash (asked for only when there are several shards). */
  forRecipient(recipientHash: () => Promise<string>): Promise<ShardQueues>;
  /**
   * The shard a message id names: one of `all`, or (an id sent under another shard count, while the
   * old queues drain) that layout's shard, opened on first use and kept (at most `MAX_FOREIGN`).
   */
  forId(id: string): ShardQueues;
  close(): Promise<void>;
};

/** Queues of other layouts kept open for ids that name them; the oldest is closed past this. */
const MAX_FOREIGN = 64;

export type ShardedQueuesOptions = {
  name: string;
  prefix: string;
  count: number;
  /** Open only these shards (a worker's `--shards`) in `all`; others open when an id or recipient needs one. @default every shard */
  only?: readonly number[] | undefined;
  telemetry?: Telemetry | undefined;
};

export const openShardedQueues = (connection: Redis | Cluster, { name, prefix, count, only, telemetry }: ShardedQueuesOptions): ShardedQueues => {
  const open = (shard: Shard): ShardQueues => ({ ...openMessageQueues(shard.name, connection, shard.prefix, telemetry), shard });
  const picked = only ? new Set(only) : undefined;
  const all = shardLayout({ name, prefix }, count)
    .filter((s) => !picked || picked.has(s.index))
    .map(open);
  const byIndex = new Map(all.map((q) => [q.shard.index, q]));
  const foreign = new Map<string, ShardQueues>();
  const foreignShard = (index: number, layout: number): ShardQueues => {
    const key = `${index}/${layout}`;
    const known = foreign.get(key);
    if (known) return known;
    const opened = open(shardOf({ name, prefix }, { index, count: layout }));
    foreign.set(key, opened);
    if (foreign.size > MAX_FOREIGN) {
      const [oldest] = foreign;
      if (oldest) {
        foreign.delete(oldest[0]);
        void oldest[1].close().catch(() => undefined);
      }
    }
    return opened;
  };
  const shard = (index: number, layout: number) => (layout === count && byIndex.get(index)) || foreignShard(index, layout);
  return {
    all,
    forRecipient: async (hash) => shard(count === 1 ? 0 : shardIndexOf(await hash(), count), count),
    forId(id) {
      const { index, count: layout } = shardRefOfId(id);
      return shard(index, layout);
    },
    async close() {
      await Promise.all([...all, ...foreign.values()].map((q) => q.close()));
      foreign.clear();
    },
  };
};
