import { Gauge, type Registry } from 'prom-client';
import type { Queue } from 'bullmq';

/** How long a scrape waits for the queue gauges' Redis reads, in total. */
export const QUEUE_GAUGES_TIMEOUT_MS = 1000;

export type QueueState = {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  oldestWaitingAgeSeconds: number;
  deadLetters: number;
};

/** Every queue gauge's value, read from Redis in one go. "waiting" counts the wait list and prioritized jobs. */
export const readQueueState = async (queue: Queue, deadLetters: Queue): Promise<QueueState> => {
  const [counts, oldestWaiting, nextPrioritized, dead] = await Promise.all([
    queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed'),
    queue.getJobs(['wait'], 0, 0, true),
    queue.getJobs(['prioritized'], 0, 0, true),
    deadLetters.count(),
  ]);
  const stamps = [...oldestWaiting, ...nextPrioritized].map((j) => j.timestamp).filter((t) => t > 0);
  return {
    waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
    oldestWaitingAgeSeconds: stamps.length ? Math.max(0, (Date.now() - Math.min(...stamps)) / 1000) : 0,
    deadLetters: dead,
  };
};

export type SnapshotReader<T> = {
  /** Reads within the time limit: the fresh value, or undefined (timeout or error; the last value stays in `last`). */
  refresh(): Promise<T | undefined>;
  last(): T | undefined;
};

/**
 * Time-boxes a read that may hang (Redis down: the worker's BullMQ connection retries forever).
 * Calls that overlap share one attempt, so one scrape costs one read; a read that outlived its
 * time limit is awaited again by the next scrape instead of being issued a second time, so a hung
 * Redis never piles up reads.
 */
export const createSnapshotReader = <T>(read: () => Promise<T>, timeoutMs: number): SnapshotReader<T> => {
  let last: T | undefined;
  let inFlight: Promise<T> | undefined;
  let attempt: Promise<T | undefined> | undefined;
  return {
    last: () => last,
    refresh() {
      if (attempt) return attempt;
      if (!inFlight) {
        const started = read();
        inFlight = started;
        const settled = () => {
          if (inFlight === started) inFlight = undefined;
        };
        started.then(settled, settled);
      }
      let timer: NodeJS.Timeout | undefined;
      const current = Promise.race([
        inFlight.then(
          (value) => {
            last = value;
            return value;
          },
          () => undefined,
        ),
        new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs))),
      ]).finally(() => {
        clearTimeout(timer);
        attempt = undefined;
      });
      attempt = current;
      return current;
    },
  };
};

/** A queue and its dead letters: one shard's (SPEC §10), or the single queue. */
export type QueuePair = { queue: Queue; deadLetters: Queue };

/**
 * Queue gauges, read from Redis at scrape time: `otp_queue_jobs`, `otp_queue_oldest_waiting_age_seconds`
 * and `otp_dead_letter_jobs`, one series per queue (shard) named by the `queue` label. A scrape
 * waits at most `timeoutMs` for them: while Redis does not answer, the last values read are served
 * and `otp_queue_gauges_stale` is 1, so /metrics (and `otp_provider_up` with it) keeps answering
 * during a Redis outage.
 */
export const registerQueueGauges = (registry: Registry, pairs: readonly QueuePair[], timeoutMs = QUEUE_GAUGES_TIMEOUT_MS): void => {
  const reader = createSnapshotReader(() => Promise.all(pairs.map(async (p) => ({ ...p, state: await readQueueState(p.queue, p.deadLetters) }))), timeoutMs);
  new Gauge({
    name: 'otp_queue_jobs',
    help: 'Jobs in the queue by state.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      for (const { queue, state } of (await reader.refresh()) ?? []) {
        this.set({ queue: queue.name, state: 'waiting' }, state.waiting);
        this.set({ queue: queue.name, state: 'active' }, state.active);
        this.set({ queue: queue.name, state: 'delayed' }, state.delayed);
        this.set({ queue: queue.name, state: 'failed' }, state.failed);
      }
    },
  });
  new Gauge({
    name: 'otp_queue_oldest_waiting_age_seconds',
    help: 'Age of the oldest job waiting to be taken (0 when none).',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      for (const { queue, state } of (await reader.refresh()) ?? []) this.set({ queue: queue.name }, state.oldestWaitingAgeSeconds);
    },
  });
  new Gauge({
    name: 'otp_dead_letter_jobs',
    help: 'Messages in the dead-letter queue.',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      for (const { deadLetters, state } of (await reader.refresh()) ?? []) this.set({ queue: deadLetters.name }, state.deadLetters);
    },
  });
  new Gauge({
    name: 'otp_queue_gauges_stale',
    help: '1 while the queue gauges show the last values read, because Redis did not answer within the scrape time limit; 0 when fresh.',
    registers: [registry],
    async collect() {
      this.set((await reader.refresh()) ? 0 : 1);
    },
  });
};
