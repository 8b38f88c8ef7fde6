import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRegistry, startWorkerRuntime } from '../../src/cli/runtime.js';
import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import { freePort } from '../../src/redis/local-server.js';
import { eventually } from '../helpers/pipeline.js';
import { startStoppableRedis, type StoppableRedis } from '../pipeline/support/stoppable-redis.js';

const binary = inject('redisServerBinary');

const scrape = async (url: string): Promise<{ ms: number; status: number; text: string }> => {
  const started = Date.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { ms: Date.now() - started, status: res.status, text: await res.text() };
};

/** `name{labels} value` lines of one metric, as numbers keyed by the label part. */
const series = (text: string, name: string): Record<string, number> =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .map((l) => [l.slice(name.length, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]),
  );

/**
 * The worker's /metrics while Redis hangs: the queue gauges read Redis at scrape time on BullMQ's
 * connection, which waits forever. On-call needs `otp_provider_up` exactly then.
 */
describe.skipIf(!binary)('worker /metrics while Redis hangs (own redis-server)', () => {
  let redis: StoppableRedis;
  let dir: string;
  let runtime: Awaited<ReturnType<typeof startWorkerRuntime>> | undefined;
  let url: string;

  beforeAll(async () => {
    redis = await startStoppableRedis(binary);
    dir = await mkdtemp(join(tmpdir(), 'otp-metrics-down-'));
    const port = await freePort();
    const outbox = { provider: 'outbox', config: { path: join(dir, 'outbox.jsonl') } };
    const loaded = parseConfig(
      {
        redis: { url: redis.url, prefix: `{m-${randomUUID().slice(0, 8)}}` },
        queue: { shutdownGraceSeconds: 1 },
        email: { active: 'main', connectors: { main: outbox } },
        sms: { active: 'main', connectors: { main: outbox } },
        metrics: { port, host: '127.0.0.1' },
        log: { level: 'silent' },
      },
      createProviderRegistry(),
      {},
    );
    runtime = await startWorkerRuntime(loaded, createLogger('silent'), createRegistry());
    url = `http://127.0.0.1:${port}/metrics`;
  });
  afterAll(async () => {
    redis?.thaw();
    await runtime?.close();
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers within 2 s with otp_provider_up and the last queue values, marked otp_queue_gauges_stale 1; fresh again once Redis answers', async () => {
    let before = { ms: 0, status: 0, text: '' };
    await eventually(async () => {
      before = await scrape(url);
      return series(before.text, 'otp_queue_gauges_stale')[''] === 0;
    }, 15_000);
    expect(series(before.text, 'otp_queue_jobs')['{queue="otp",state="waiting"}']).toBe(0);

    redis.freeze();
    try {
      // Twice: a read still hanging from the first scrape must not hold the second one either.
      for (const attempt of [1, 2]) {
        const during = await scrape(url);
        expect(during.status, `scrape ${attempt}`).toBe(200);
        expect(during.ms, `scrape ${attempt}`).toBeLessThan(2000);
        expect(series(during.text, 'otp_provider_up')).toEqual({ '{channel="email",provider="outbox"}': 1, '{channel="sms",provider="outbox"}': 1 });
        expect(series(during.text, 'otp_queue_gauges_stale')).toEqual({ '': 1 });
        expect(series(during.text, 'otp_queue_jobs')).toEqual(series(before.text, 'otp_queue_jobs'));
        expect(series(during.text, 'otp_dead_letter_jobs')).toEqual(series(before.text, 'otp_dead_letter_jobs'));
      }
    } finally {
      redis.thaw();
    }
    await eventually(async () => series((await scrape(url)).text, 'otp_queue_gauges_stale')[''] === 0, 15_000);
  });
});
