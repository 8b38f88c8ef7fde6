import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createProducer } from '../../src/producer/index.js';
import { freePort } from '../../src/redis/local-server.js';
import { spawnCli, writeConfig, type Spawned } from '../helpers/cli.js';
import { startStandIn, type StandIn } from '../helpers/http-stand-in.js';
import { eventually } from '../helpers/pipeline.js';
import { startStoppableRedis, type StoppableRedis } from './support/stoppable-redis.js';

const binary = inject('redisServerBinary');
const GRACE_SECONDS = 3;

/**
 * SIGTERM while Redis is gone: every step of the close sequence talks to Redis (BullMQ's close,
 * completing the jobs in flight, QUIT), so without deadlines the worker never exits. It must exit
 * within the grace period plus a few seconds whatever Redis does.
 */
describe.skipIf(!binary)('worker shutdown while Redis is down (own redis-server)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  });

  /** A worker with jobs in flight: the vendor stand-in holds every request until the test ends. */
  const workerWithJobsInFlight = async (): Promise<{ redis: StoppableRedis; worker: Spawned; standIn: StandIn }> => {
    const dir = await mkdtemp(join(tmpdir(), 'otp-shutdown-down-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const redis = await startStoppableRedis(binary);
    cleanups.push(() => redis.stop());
    const held: (() => void)[] = [];
    const standIn = await startStandIn(() => new Promise((resolve) => held.push(() => resolve({ status: 200, body: {} }))));
    cleanups.push(async () => {
      for (const release of held) release();
      await standIn.close();
    });
    const prefix = `{d-${randomUUID().slice(0, 8)}}`;
    const metricsPort = await freePort();
    const file = await writeConfig(join(dir, 'worker.json'), {
      redis: { url: redis.url, prefix },
      queue: { concurrency: 4, attempts: 3, shutdownGraceSeconds: GRACE_SECONDS, lockDurationMs: 2000 },
      sms: { active: 'hook', connectors: { hook: { provider: 'http-sms', config: { endpoint: `${standIn.url}/sms`, timeoutMs: 60_000 } } } },
      metrics: { port: metricsPort, host: '127.0.0.1' },
      log: { level: 'info' },
    });
    const worker = spawnCli(['worker', '--config', file]);
    cleanups.push(async () => {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await worker.exited;
    });
    await eventually(async () => (await fetch(`http://127.0.0.1:${metricsPort}/readyz`).catch(() => undefined))?.status === 200, 15_000);
    const producer = createProducer({ connection: redis.url, prefix });
    try {
      await Promise.all([1, 2, 3].map((i) => producer.send({ channel: 'sms', to: '+14155550123', type: 'SignIn', payload: { code: String(100000 + i) } })));
    } finally {
      await producer.close();
    }
    await eventually(() => standIn.requests.length >= 3, 15_000);
    return { redis, worker, standIn };
  };

  /** SIGTERM, then the time until the process is gone (null: still running after the limit). */
  const terminate = async (worker: Spawned, limitMs: number): Promise<{ ms: number | undefined; code: number | null | undefined }> => {
    const started = Date.now();
    worker.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([worker.exited, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), limitMs)))]);
    clearTimeout(timer);
    return { ms: code === undefined ? undefined : Date.now() - started, code };
  };

  const limitMs = (GRACE_SECONDS + 5) * 1000;

  it('Redis frozen (SIGSTOP: connections hang): exits within the grace period + 5 s', async () => {
    const { redis, worker } = await workerWithJobsInFlight();
    redis.freeze();
    const { ms, code } = await terminate(worker, limitMs + 5000);
    expect(ms, `still running ${limitMs + 5000} ms after SIGTERM:\n${worker.output().slice(-2000)}`).toBeDefined();
    expect(ms).toBeLessThan(limitMs);
    expect(code).toBe(0);
    expect(worker.output()).toContain('shutting down');
  }, 60_000);

  it('Redis killed (connections refused): exits within the grace period + 5 s', async () => {
    const { redis, worker } = await workerWithJobsInFlight();
    await redis.kill();
    const { ms, code } = await terminate(worker, limitMs + 5000);
    expect(ms, `still running ${limitMs + 5000} ms after SIGTERM:\n${worker.output().slice(-2000)}`).toBeDefined();
    expect(ms).toBeLessThan(limitMs);
    expect(code).toBe(0);
  }, 60_000);
});
