import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { producerOptionsFromConfig } from '../../src/cli/runtime.js';
import { createProducer, isWaitCapacityError, type Producer, type SendInput } from '../../src/producer/index.js';
import { startRedisServer, type LocalRedis } from '../../src/redis/local-server.js';
import { eventually } from '../helpers/pipeline.js';
import { startWorker, testConfig, unique } from '../ingest/support/harness.js';

const binary = inject('redisServerBinary');
const signIn = (i: number): SendInput => ({ channel: 'email', to: `w${i}@example.com`, type: 'SignIn', payload: { code: '123456' } });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls per command since the server started, from INFO commandstats (MONITOR-free). */
const commandCalls = async (admin: Redis): Promise<Map<string, number>> => {
  const info = await admin.info('commandstats');
  return new Map([...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1] ?? '', Number(m[2])]));
};
/** Commands other than the test's own INFO and CLIENT, and the event subscription's blocking XREAD. */
const busyCalls = async (admin: Redis): Promise<number> => {
  let total = 0;
  for (const [name, calls] of await commandCalls(admin)) if (!['info', 'client|list', 'xread'].includes(name)) total += calls;
  return total;
};

/** Settles like `promise`, or with 'still waiting' after `ms`: a hang shows as a value, not a test timeout. */
const within = <T>(promise: Promise<T>, ms: number): Promise<T | 'still waiting'> =>
  Promise.race([promise, pause(ms).then(() => 'still waiting' as const)]);

describe.skipIf(!binary)('waitFor on events (own redis-server)', () => {
  let server: LocalRedis;
  let admin: Redis;
  let loaded: ReturnType<typeof testConfig>;
  let producer: Producer;

  beforeAll(async () => {
    server = await startRedisServer({ binary });
    admin = new Redis(server.url);
    loaded = testConfig({ redisUrl: server.url });
    producer = createProducer(producerOptionsFromConfig(loaded));
  });
  afterAll(async () => {
    await producer?.close();
    admin?.disconnect();
    await server?.stop();
  });

  it('50 concurrent waits: Redis is not polled while they wait, one subscription, all resolve from events', async () => {
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => producer.send(signIn(i)).then((r) => r.id)));
    const started = Date.now();
    const waits = Promise.all(ids.map((id) => producer.waitFor(id, { timeoutMs: 20_000 })));
    // Once every waiter has read its outcome once, Redis goes quiet.
    await eventually(async () => {
      const before = await busyCalls(admin);
      await pause(200);
      return (await busyCalls(admin)) - before <= 1;
    }, 5000);
    const before = await busyCalls(admin);
    await pause(1000);
    expect((await busyCalls(admin)) - before).toBeLessThanOrEqual(1);
    const blocking = String(await admin.call('CLIENT', 'LIST')).split('\n').filter((line) => / cmd=xread /.test(line));
    expect(blocking).toHaveLength(1);

    const worker = await startWorker(loaded);
    try {
      expect(await waits).toEqual(ids.map(() => 'delivered'));
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await worker.close();
    }
  });

  it('an outcome that landed before the wait began is read at once', async () => {
    const worker = await startWorker(loaded);
    try {
      const { id } = await producer.send(signIn(99));
      await eventually(async () => (await producer.waitFor(id, { timeoutMs: 0 })) === 'delivered');
      const started = Date.now();
      expect(await producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await worker.close();
    }
  });

  it('never hangs on a frozen Redis (SIGSTOP), even on a caller connection without command timeout', async () => {
    const pid = Number(/^process_id:(\d+)/m.exec(await admin.info('server'))?.[1]);
    expect(pid).toBeGreaterThan(0);
    const caller = new Redis(server.url); // ioredis defaults: no command timeout, offline queue on
    caller.on('error', () => {});
    const own = createProducer({ ...producerOptionsFromConfig(loaded), connection: caller });
    try {
      const { id } = await own.send(signIn(100));
      expect(await own.waitFor(id, { timeoutMs: 50 })).toBe('pending'); // opens the subscription
      process.kill(pid, 'SIGSTOP');
      try {
        const started = Date.now();
        const settled = await within(own.waitFor(id, { timeoutMs: 500 }).catch((e: Error) => e.name), 6000);
        expect(settled).not.toBe('still waiting');
        expect(Date.now() - started).toBeLessThan(4000);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
    } finally {
      await own.close();
      caller.disconnect();
    }
  });
});

describe('maxWaiters bounds concurrent waits', () => {
  it('reserveWait and waitFor refuse past the cap; a released place is free again', async () => {
    const loaded = testConfig({ redisUrl: inject('redisUrl') });
    const producer = createProducer({ ...producerOptionsFromConfig(loaded), maxWaiters: 2 });
    try {
      const { id } = await producer.send(signIn(1));
      const first = producer.reserveWait();
      const waiting = producer.waitFor(id, { timeoutMs: 300 });
      expect(first).toBeDefined();
      expect(producer.reserveWait()).toBeUndefined();
      const error = await producer.waitFor(id, { timeoutMs: 10 }).catch((e: unknown) => e);
      expect(isWaitCapacityError(error)).toBe(true);
      first?.release();
      first?.release(); // twice is harmless
      expect(await producer.waitFor(id, { timeoutMs: 10 })).toBe('pending');
      expect(await waiting).toBe('pending');
      const held = producer.reserveWait();
      expect(await producer.waitFor(id, { timeoutMs: 10, ...(held && { slot: held }) })).toBe('pending'); // uses and frees its place
      expect([producer.reserveWait(), producer.reserveWait(), producer.reserveWait()].filter(Boolean)).toHaveLength(2);
    } finally {
      await producer.close();
    }
  });

  it('close ends waits in flight as pending', async () => {
    const loaded = testConfig({ redisUrl: inject('redisUrl') });
    const producer = createProducer({ ...producerOptionsFromConfig(loaded), queue: unique('q') });
    const { id } = await producer.send(signIn(2));
    const waiting = producer.waitFor(id, { timeoutMs: 20_000 });
    await eventually(async () => (await producer.waitFor(id, { timeoutMs: 1 })) === 'pending');
    const started = Date.now();
    await producer.close();
    expect(await waiting).toBe('pending');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
