import type { ChildStats } from './protocol.js';
import { nowMs } from './stats.js';

/** Counts completions in a child and remembers when the first and last happened. */
export type Tracker = { done(): void; fail(): void; snapshot(gc: boolean): ChildStats };

export const createTracker = (): Tracker => {
  let completed = 0;
  let failed = 0;
  let firstAt: number | null = null;
  let lastAt: number | null = null;
  return {
    done() {
      const at = nowMs();
      completed += 1;
      firstAt ??= at;
      lastAt = at;
    },
    fail() {
      failed += 1;
    },
    snapshot(gc) {
      const { rss, heapUsed } = process.memoryUsage();
      const { user, system } = process.cpuUsage();
      return { completed, failed, firstAt, lastAt, rss, heapUsed, cpuUs: user + system, gc };
    },
  };
};
