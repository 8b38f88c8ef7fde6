import { Worker } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/load.js';
import { keySlot } from '../../src/producer/durability.js';
import { createProducer, isDurabilityError, type Producer, type SendInput } from '../../src/producer/index.js';
import { startRedisServer, type LocalRedis } from '../../src/redis/local-server.js';
import { startClusterNode, startClusterReplica, startReplica, type SpawnedRedis } from '../helpers/replica.js';
import { countJobs, openQueue, post, startIngest, testConfig, unique, type Ingest } from '../ingest/support/harness.js';
import { rejection } from '../helpers/rejection.js';

const binary = inject('redisServerBinary');
const email = (to = 'ana@example.com'): SendInput => ({ channel: 'email', to, type: 'SignIn', payload: { code: '123456' } });
const body = { to: 'ana@example.com', type: 'SignIn', payload: { code: '123456' } };

/** The config with `redis.durability` set, as the CLI would load it. */
const withDurability = (loaded: LoadedConfig, replicas: number, timeoutMs: number): LoadedConfig => ({
  ...loaded,
  config: { ...loaded.config, redis: { ...loaded.config.redis, durability: { replicas, timeoutMs } } },
});

describe.skipIf(!binary)('durable enqueue with WAIT (own primary and replica)', () => {
  let primary: LocalRedis;
  let replica: SpawnedRedis | undefined;
  let admin: Redis;
  let loaded: LoadedConfig;
  let queue: ReturnType<typeof openQueue>;
  const producers: Producer[] = [];
  const producer = (replicas: number, timeoutMs: number) => {
    const p = createProducer({ connection: primary.url, queue: loaded.config.queue.name, prefix: loaded.config.redis.prefix, durability: { replicas, timeoutMs } });
    producers.push(p);
    return p;
  };

  beforeAll(async () => {
    primary = await startRedisServer({ binary });
    admin = new Redis(primary.url);
    loaded = testConfig({ redisUrl: primary.url });
    queue = openQueue(loaded, admin);
  });
  afterAll(async () => {
    await Promise.allSettled(producers.map((p) => p.close()));
    await queue?.close();
    admin?.disconnect();
    await replica?.stop();
    await primary?.stop();
  });

  it('replicas: 1 without a replica: DurabilityError within timeoutMs; the job may be stored, and the retry with its key is safe', async () => {
    const p = producer(1, 300);
    const started = Date.now();
    const error = await rejection(p.send({ ...email(), idempotencyKey: 'no-replica' }));
    const took = Date.now() - started;
    expect(isDurabilityError(error)).toBe(true);
    expect((error as Error).message).toMatch(/may be stored.*same idempotencyKey is safe/);
    expect((error as Error).message).not.toContain('ana@');
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(1000);
    expect(await countJobs(queue)).toBe(1); // stored on the primary, not confirmed
    // Retried while the replica is still missing: not acknowledged either (and still one job).
    expect(isDurabilityError(await rejection(p.send({ ...email(), idempotencyKey: 'no-replica' })))).toBe(true);
    expect(await countJobs(queue)).toBe(1);
  });

  it('replicas: 1 with a replica: send resolves, and the replica holds the job', async () => {
    replica = await startReplica(binary, primary.port);
    const p = producer(1, 1000); // the most WAIT gets: replicas answer slowly on a busy test machine
    const { id, duplicate } = await p.send(email('bob@example.com'));
    expect(duplicate).toBe(false);
    const reader = new Redis(replica.url);
    try {
      expect(await reader.exists(queue.toKey(id))).toBe(1);
    } finally {
      reader.disconnect();
    }
    // The earlier unconfirmed message, retried with its key: one job.
    expect((await p.send({ ...email(), idempotencyKey: 'no-replica' })).duplicate).toBe(true);
    expect(await countJobs(queue)).toBe(2);
  });

  it('timeoutMs is clipped to 1000 ms, so WAIT ends within the connection and ingest deadlines', async () => {
    const p = producer(2, 60_000); // one replica only
    const started = Date.now();
    expect(isDurabilityError(await rejection(p.send(email('carol@example.com'))))).toBe(true);
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it('the ingest answers 503 {"error":"unavailable"} within 2 s when too few replicas confirm, 200 when enough do', async () => {
    const ingests: Ingest[] = [];
    try {
      const short = await startIngest(withDurability(loaded, 2, 500));
      ingests.push(short);
      const refused = await post(`${short.url}/v1/email`, body);
      expect(refused.status).toBe(503);
      expect(refused.body).toEqual({ error: 'unavailable' });
      expect(refused.ms).toBeLessThan(2000);
      const enough = await startIngest(withDurability(loaded, 1, 60_000));
      ingests.push(enough);
      expect((await post(`${enough.url}/v1/email`, body)).status).toBe(200);
    } finally {
      await Promise.allSettled(ingests.map((i) => i.close()));
    }
  });
});

describe.skipIf(!binary)('durable enqueue on Redis Cluster: WAIT on the master of the queue\'s slot', () => {
  let master: SpawnedRedis;
  let replica: SpawnedRedis | undefined;
  let producer: Producer;
  const queueName = unique('q');
  const prefix = `{${unique('c')}}`;

  beforeAll(async () => {
    master = await startClusterNode(binary);
    replica = await startClusterReplica(binary, master);
    producer = createProducer({ connection: { cluster: [master.url] }, queue: queueName, prefix, durability: { replicas: 1, timeoutMs: 1000 } });
  });
  afterAll(async () => {
    await producer?.close();
    await replica?.stop();
    await master?.stop();
  });

  it('computes slots as the cluster does', async () => {
    const admin = new Redis(master.url);
    try {
      for (const key of ['{otp}:otp:id', 'plain-key', 'foo{{bar}}zap', 'foo{}{bar}', '{}foo']) expect(keySlot(key)).toBe(Number(await admin.call('CLUSTER', 'KEYSLOT', key)));
    } finally {
      admin.disconnect();
    }
  });

  it('waitFor resolves from the event stream on Cluster too', async () => {
    const { id } = await producer.send(email('wait@example.com'));
    const connection = new Cluster([{ host: '127.0.0.1', port: master.port }], { redisOptions: { maxRetriesPerRequest: null } });
    const worker = new Worker(queueName, async () => ({ outcome: 'delivered' }), { connection, prefix, autorun: false });
    try {
      const waiting = producer.waitFor(id, { timeoutMs: 10_000 });
      expect(await producer.waitFor(id, { timeoutMs: 0 })).toBe('pending');
      void worker.run();
      expect(await waiting).toBe('delivered');
    } finally {
      await worker.close();
      connection.disconnect();
    }
  });

  it('resolves with the replica in sync; DurabilityError once it is gone', async () => {
    expect((await producer.send(email())).duplicate).toBe(false);
    await replica?.stop();
    replica = undefined;
    expect(isDurabilityError(await rejection(producer.send(email('bob@example.com'))))).toBe(true);
  });
});
