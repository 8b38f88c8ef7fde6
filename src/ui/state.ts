import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { deadLetterSchema } from '../messages/dead-letter.js';
import type { Channel } from '../messages/types.js';
import { readQueueState } from '../metrics/queue-gauges.js';
import { connectorKey } from '../worker/connectors.js';

/** One queue's jobs by state ("waiting" counts the wait list and prioritized jobs, as the gauges do). */
export type QueueView = { name: string; waiting: number; active: number; delayed: number; failed: number; oldestWaitingAgeSeconds: number };

/** Dead letters with one reason and provider: how many, and when the oldest failed. */
export type DeadGroup = { reason: string; provider: string | null; count: number; oldestFailedAt: number };

export type DeadLettersView = {
  queue: string;
  total: number;
  /** Letters grouped (the oldest `MAX_LETTERS`); fewer than `total` when capped, or when some are unreadable. */
  grouped: number;
  groups: DeadGroup[];
};

/** A connector of the config as every worker sees it in Redis (the keys connector-health.ts writes). */
export type ConnectorView = { channel: Channel; name: string; provider: string; role: 'active' | 'fallback'; open: boolean; pausedForMs: number };

export type UiState = { readAt: number; queues: QueueView[]; deadLetters: DeadLettersView[]; connectors: ConnectorView[] };

/** A connector as the config names it, in chain order (the first of a channel is the active one). */
export type ChainEntry = { channel: Channel; name: string; provider: string };

/** What the view reads: the message queues (one now; one per shard once `queue.shards` exists), their dead letters, the chains. */
export type UiSources = {
  redis: Redis | Cluster;
  prefix: string;
  queues: readonly { queue: Queue; deadLetters: Queue }[];
  chains: () => Record<Channel, readonly ChainEntry[]>;
};

/** Dead letters grouped per page view at most (oldest first); a larger queue is summarised from its oldest. */
export const MAX_LETTERS = 5000;

/** Only what a group needs: `original` (the message, sealed or not) is never read into the view. */
const letterFacts = deadLetterSchema.pick({ reason: true, provider: true, failedAt: true });

export const groupLetters = (letters: readonly { reason: string; provider?: string | undefined; failedAt: number }[]): DeadGroup[] => {
  const groups = new Map<string, DeadGroup>();
  for (const { reason, provider, failedAt } of letters) {
    const key = `${reason}\u0000${provider ?? ''}`;
    const group = groups.get(key) ?? { reason, provider: provider ?? null, count: 0, oldestFailedAt: failedAt };
    group.count += 1;
    group.oldestFailedAt = Math.min(group.oldestFailedAt, failedAt);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.oldestFailedAt - b.oldestFailedAt);
};

const readDeadLetters = async (deadLetters: Queue): Promise<DeadLettersView> => {
  const [total, jobs] = await Promise.all([deadLetters.count(), deadLetters.getJobs(['wait', 'prioritized', 'delayed'], 0, MAX_LETTERS - 1, true)]);
  const letters = jobs.flatMap((job) => {
    const facts = letterFacts.safeParse(job?.data);
    return facts.success ? [facts.data] : [];
  });
  return { queue: deadLetters.name, total, grouped: letters.length, groups: groupLetters(letters) };
};

const readConnectors = async ({ redis, prefix, chains }: UiSources): Promise<ConnectorView[]> => {
  const all = Object.values(chains()).flatMap((chain) => chain.map((c, i) => ({ ...c, role: i === 0 ? ('active' as const) : ('fallback' as const) })));
  const states = await Promise.all(all.map((c) => Promise.all([redis.exists(connectorKey(prefix, c, 'open')), redis.pttl(connectorKey(prefix, c, 'pause'))])));
  return all.map((c, i) => {
    const [open, pausePttl] = states[i] ?? [0, -2];
    return { ...c, open: open === 1, pausedForMs: Math.max(0, pausePttl) };
  });
};

/** Everything the page shows, read from Redis now. Holds no recipient, no code, no message body. */
export const readUiState = async (sources: UiSources): Promise<UiState> => {
  const [queues, deadLetters, connectors] = await Promise.all([
    Promise.all(sources.queues.map(async ({ queue, deadLetters: dead }) => ({ name: queue.name, ...(await readQueueState(queue, dead)) }))),
    Promise.all(sources.queues.map(({ deadLetters: dead }) => readDeadLetters(dead))),
    readConnectors(sources),
  ]);
  return { readAt: Date.now(), queues: queues.map(({ deadLetters: _count, ...q }) => q), deadLetters, connectors };
};
