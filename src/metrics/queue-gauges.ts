import { Gauge, type Registry } from 'prom-client';
import type { Queue } from 'bullmq';

/**
 * Queue gauges, read from Redis at scrape time: `otp_queue_jobs`, `otp_queue_oldest_waiting_age_seconds`
 * and `otp_dead_letter_jobs`. "waiting" counts both the wait list and prioritized jobs.
 */
export const registerQueueGauges = (registry: Registry, queue: Queue, deadLetters: Queue): void => {
  new Gauge({
    name: 'otp_queue_jobs',
    help: 'Jobs in the queue by state.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      const counts = await queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed');
      this.set({ queue: queue.name, state: 'waiting' }, (counts.wait ?? 0) + (counts.prioritized ?? 0));
      this.set({ queue: queue.name, state: 'active' }, counts.active ?? 0);
      this.set({ queue: queue.name, state: 'delayed' }, counts.delayed ?? 0);
      this.set({ queue: queue.name, state: 'failed' }, counts.failed ?? 0);
    },
  });
  new Gauge({
    name: 'otp_queue_oldest_waiting_age_seconds',
    help: 'Age of the oldest job waiting to be taken (0 when none).',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      const [oldestWaiting, nextPrioritized] = await Promise.all([
        queue.getJobs(['wait'], 0, 0, true),
        queue.getJobs(['prioritized'], 0, 0, true),
      ]);
      const stamps = [...oldestWaiting, ...nextPrioritized].map((j) => j.timestamp).filter((t) => t > 0);
      this.set({ queue: queue.name }, stamps.length ? Math.max(0, (Date.now() - Math.min(...stamps)) / 1000) : 0);
    },
  });
  new Gauge({
    name: 'otp_dead_letter_jobs',
    help: 'Messages in the dead-letter queue.',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.set({ queue: deadLetters.name }, await deadLetters.count());
    },
  });
};
