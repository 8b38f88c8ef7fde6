import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { circuitBreakerSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/log/logger.js';
import { createWorkerMetrics } from '../../src/metrics/metrics.js';
import type { Provider } from '../../src/providers/types.js';
import { closeRedis, COMMAND_TIMEOUT_MS, createRedis, duplicateForRole, ensureReady } from '../../src/redis/connection.js';
import { createConnectorHealth } from '../../src/worker/connector-health.js';
import type { Connector } from '../../src/worker/connectors.js';
import { createRateGate } from '../../src/worker/rate-gate.js';
import { createSentMarker } from '../../src/worker/sent-marker.js';
import { startStoppableRedis, type StoppableRedis } from './support/stoppable-redis.js';

const binary = inject('redisServerBinary');
/** The command timeout plus scheduling slack on a busy 2-core machine. */
const LIMIT_MS = COMMAND_TIMEOUT_MS + 500;

/** How a call ended, and when: 'pending' if it had not settled within `waitMs`. */
const outcome = async (call: () => Promise<unknown>, waitMs: number): Promise<{ result: 'resolved' | 'rejected' | 'pending'; ms: number }> => {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    call().then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    new Promise<'pending'>((r) => (timer = setTimeout(() => r('pending'), waitMs))),
  ]);
  clearTimeout(timer);
  return { result, ms: Date.now() - started };
};

const connector = { name: 'hook', channel: 'sms', provider: { id: 'http-sms' } as Provider, rateLimit: { max: 100, perSeconds: 1 }, breaker: circuitBreakerSchema.parse({}) } satisfies Connector;

/** The worker's hot-path parts (sent marker, rate gate, circuit breaker) on one connection. */
const hotPath = (redis: Redis | Cluster, prefix: string) => {
  const health = createConnectorHealth({
    redis,
    prefix,
    connectors: { email: [], sms: [connector] },
    metrics: createWorkerMetrics(new Registry()),
    logger: createLogger('silent'),
    refreshMs: 60_000,
  });
  const calls: Record<string, () => Promise<unknown>> = {
    'sentMarker.markSent': () => createSentMarker(redis, prefix).markSent(randomUUID(), 'http-sms', 60_000),
    'sentMarker.wasSent': () => createSentMarker(redis, prefix).wasSent(randomUUID()),
    'rateGate.acquire': () => createRateGate(redis, prefix).acquire(connector),
    'breaker failure': () => health.failure(connector),
    'vendor pause': () => health.pause(connector, 1000),
  };
  return { calls, close: () => health.close() };
};

/**
 * A frozen Redis (SIGSTOP: the connection stays up, nothing answers) must fail the worker's
 * hot-path commands within the command timeout, not leave them waiting while job locks lapse.
 */
describe.skipIf(!binary)("the worker's hot-path commands while Redis hangs (own redis-server)", () => {
  let redis: StoppableRedis;
  const opened: (Redis | Cluster)[] = [];
  const open = async (connection: Redis | Cluster) => {
    opened.push(connection);
    await ensureReady(connection, 5000);
    return connection;
  };

  beforeAll(async () => {
    redis = await startStoppableRedis(binary);
  });
  afterAll(async () => {
    redis?.thaw();
    await Promise.all(opened.map((c) => closeRedis(c)));
    await redis?.stop();
  });

  it('on the commands connection (the runtime\'s, and the one the worker opens itself): each call rejects within ~1.5 s', async () => {
    const prefix = `{h-${randomUUID().slice(0, 8)}}`;
    const fromSpec = await open(createRedis(redis.url, 'commands'));
    const duplicated = await open(duplicateForRole(await open(createRedis(redis.url, 'worker')), 'commands'));
    const parts = [hotPath(fromSpec, prefix), hotPath(duplicated, prefix)];
    // Warm up (scripts loaded, connections ready) while Redis answers.
    for (const { calls } of parts) for (const call of Object.values(calls)) await call();
    redis.freeze();
    try {
      const results = await Promise.all(
        parts.flatMap(({ calls }, i) => Object.entries(calls).map(async ([name, call]) => ({ name: `${i ? 'duplicated' : 'createRedis'}: ${name}`, ...(await outcome(call, 5000)) }))),
      );
      for (const r of results) {
        expect(r.result, r.name).toBe('rejected');
        expect(r.ms, r.name).toBeLessThan(LIMIT_MS);
      }
    } finally {
      redis.thaw();
      for (const p of parts) p.close();
    }
    // And they work again once Redis answers.
    for (const { calls } of parts) await calls['sentMarker.markSent']?.();
  });

  it('control: on the BullMQ worker connection (where these calls ran before) they are still pending after 3 s', async () => {
    const prefix = `{h-${randomUUID().slice(0, 8)}}`;
    const worker = await open(createRedis(redis.url, 'worker'));
    const { calls, close } = hotPath(worker, prefix);
    await calls['sentMarker.markSent']?.();
    redis.freeze();
    try {
      const markSent = calls['sentMarker.markSent'];
      expect((await outcome(() => markSent?.() ?? Promise.resolve(), 3000)).result).toBe('pending');
    } finally {
      redis.thaw();
      close();
    }
  });
});
