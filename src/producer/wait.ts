import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { clampTimerMs } from '../abort/timer.js';
import { withDeadline } from '../abort/with-deadline.js';
import { WaitCapacityError } from '../errors/capacity-error.js';
import type { Outcome } from '../messages/job-data.js';
import { openOutcomeEvents, type OutcomeEvents } from './events.js';
import { readOutcome } from './outcome.js';

/** One of a producer's `maxWaiters` places for `waitFor`. Releasing twice is harmless. */
export type WaitSlot = { release(): void };

export type WaitOptions = {
  /** @default 5000 */
  timeoutMs?: number;
  /** @deprecated Ignored: outcomes arrive as events, nothing is polled. */
  intervalMs?: number;
  /** A place taken before with `producer.reserveWait()`; `waitFor` uses it and releases it when done. */
  slot?: WaitSlot;
};

/** Longest one Redis call made while waiting may take: a wait never hangs on a dead connection. */
const CALL_DEADLINE_MS = 1500;

export type OutcomeWaiter = {
  reserve(): WaitSlot | undefined;
  waitFor(id: string, options?: WaitOptions): Promise<Outcome>;
  /** Ends the waits in flight (`pending`) and closes the event subscription. */
  close(): Promise<void>;
};

export type OutcomeWaiterDeps = {
  connection: Redis | Cluster;
  /** The queue (and its dead letters) a message id lives in: one per shard (SPEC §10). */
  queuesOf: (id: string) => { queue: Queue; deadLetters: Queue };
  maxWaiters: number;
  /** Settles once `connection` can take commands (bounded), rejects when Redis is unreachable. */
  ready: () => Promise<void>;
};

/**
 * `waitFor` without polling: one QueueEvents subscription per queue (shard), opened on its first
 * wait, tells each waiter its job's outcome. A waiter watches first and then reads the outcome once (it
 * may have landed before), and reads once more at its timeout; `pending` if still not final.
 */
export const createOutcomeWaiter = ({ connection, queuesOf, maxWaiters, ready }: OutcomeWaiterDeps): OutcomeWaiter => {
  const held = new WeakSet<WaitSlot>();
  let taken = 0;
  const reserve = (): WaitSlot | undefined => {
    if (taken >= maxWaiters) return undefined;
    taken += 1;
    const slot: WaitSlot = {
      release() {
        if (held.delete(slot)) taken -= 1;
      },
    };
    held.add(slot);
    return slot;
  };

  let closed = false;
  const subscriptions = new Map<string, Promise<OutcomeEvents>>();
  const subscribe = (queue: Queue): Promise<OutcomeEvents> => {
    if (closed) return Promise.reject(new Error('producer is closed'));
    const known = subscriptions.get(queue.name);
    if (known) return known;
    const opened = openOutcomeEvents(queue, connection, queue.opts.prefix ?? 'bull').catch((error: unknown) => {
      subscriptions.delete(queue.name); // the next wait tries again
      throw error;
    });
    subscriptions.set(queue.name, opened);
    return opened;
  };
  const read = (id: string) => {
    const { queue, deadLetters } = queuesOf(id);
    return withDeadline(readOutcome(queue, deadLetters, id), CALL_DEADLINE_MS);
  };
  /** `undefined` = the time is up; an outcome = announced (or `pending` on close). */
  const inFlight = new Set<(outcome: Outcome | undefined) => void>();

  const wait = async (id: string, timeoutMs: number): Promise<Outcome> => {
    if (!(timeoutMs > 0)) return read(id);
    const started = Date.now();
    const events = await withDeadline(subscribe(queuesOf(id).queue), CALL_DEADLINE_MS);
    let settle: (outcome: Outcome | undefined) => void = () => {};
    const settled = new Promise<Outcome | undefined>((resolve) => (settle = resolve));
    const unwatch = events.watch(id, settle);
    inFlight.add(settle);
    const timer = setTimeout(() => settle(undefined), clampTimerMs(timeoutMs - (Date.now() - started)));
    try {
      const now = await read(id);
      if (now !== 'pending') return now;
      return (await settled) ?? (await read(id));
    } finally {
      clearTimeout(timer);
      unwatch();
      inFlight.delete(settle);
    }
  };

  return {
    reserve,
    async waitFor(id, { timeoutMs = 5000, slot } = {}) {
      const place = slot && held.has(slot) ? slot : reserve();
      if (!place) throw new WaitCapacityError(maxWaiters);
      try {
        await ready();
        return await wait(id, timeoutMs);
      } finally {
        place.release();
      }
    },
    async close() {
      closed = true;
      for (const settle of inFlight) settle('pending');
      const open = [...subscriptions.values()];
      subscriptions.clear();
      await Promise.all(open.map((s) => s.then((events) => events.close()).catch(() => {})));
    },
  };
};
