import { defineConfig } from 'vitest/config';

/** Files that start their own processes or Redis servers and measure time: run one at a time, after the rest. */
const HEAVY = ['test/chaos/short.test.ts', 'test/ingest/redis-outage.test.ts', 'test/pipeline/shutdown.test.ts', 'test/deploy/prometheus-scrape.test.ts', 'test/pipeline/failover.test.ts', 'test/pipeline/shutdown-redis-down.test.ts', 'test/pipeline/hot-path-timeout.test.ts', 'test/ops/metrics-redis-down.test.ts', 'test/ops/tracing.test.ts', 'test/ops/reload.test.ts'];

const shared = {
  globalSetup: ['test/helpers/redis-global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'main', include: ['test/**/*.test.ts'], exclude: HEAVY, fileParallelism: true, maxWorkers: 2 } },
      { test: { ...shared, name: 'heavy', include: HEAVY, fileParallelism: false, maxWorkers: 1 } },
    ],
  },
});
