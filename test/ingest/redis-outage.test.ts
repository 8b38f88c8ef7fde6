import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRedisServer, type LocalRedis } from '../../src/redis/local-server.js';
import { countJobs, openQueue, pollUntil, post, removeDir, startIngest, tempDir, testConfig, type Ingest } from './support/harness.js';

const binary = inject('redisServerBinary');
const signIn = { to: 'ana@example.com', type: 'SignIn', payload: { code: '123456' } };

/** These tests stop and restart their own redis-server, so they need the binary. */
describe.skipIf(!binary)('503 when Redis is unreachable (own redis-server)', () => {
  let dir: string;
  let server: LocalRedis;
  let port: number;
  let ingest: Ingest;
  let loaded: ReturnType<typeof testConfig>;

  const start = async () => {
    server = await startRedisServer({ binary, port, dir, appendOnly: true });
  };
  const ready = () => pollUntil(async () => ((await fetch(`${ingest.url}/readyz`)).status === 200 ? true : undefined), 15_000, 'readyz 200');
  const withQueue = async <T>(use: (queue: ReturnType<typeof openQueue>) => Promise<T>): Promise<T> => {
    const redis = new Redis(server.url);
    const queue = openQueue(loaded, redis);
    try {
      return await use(queue);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  };

  beforeAll(async () => {
    dir = await tempDir();
    server = await startRedisServer({ binary, dir, appendOnly: true });
    port = server.port;
    loaded = testConfig({ redisUrl: server.url });
    ingest = await startIngest(loaded);
  });
  afterAll(async () => {
    await ingest?.close();
    await server?.stop();
    await removeDir(dir);
  });

  it('answers 503 {"error":"unavailable"} within 2 s while Redis is down, and stores nothing for it', async () => {
    const ok = await post(`${ingest.url}/v1/email`, signIn, { 'idempotency-key': 'before' });
    expect(ok.status).toBe(200);
    await server.stop();

    for (const key of ['down-1', 'down-2']) {
      const res = await post(`${ingest.url}/v1/email`, signIn, { 'idempotency-key': key });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: 'unavailable' });
      expect(res.ms).toBeLessThan(2000);
    }
    expect((await fetch(`${ingest.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${ingest.url}/healthz`)).status).toBe(200);

    await start();
    await ready();
    await withQueue(async (queue) => {
      expect(await countJobs(queue)).toBe(1);
      expect(await queue.getJob((ok.body as { id: string }).id)).toBeDefined();
    });
    // The client retries with the same key: enqueued now, and only once.
    const retry = await post(`${ingest.url}/v1/email`, signIn, { 'idempotency-key': 'down-1' });
    const again = await post(`${ingest.url}/v1/email`, signIn, { 'idempotency-key': 'down-1' });
    expect(retry.status).toBe(200);
    expect(again.body).toEqual(retry.body);
    await withQueue(async (queue) => expect(await countJobs(queue)).toBe(2));
  });

  it('requests racing a Redis shutdown: every 200 survives the restart, every 503 retried with its key enqueues once', async () => {
    await withQueue(async (queue) => queue.obliterate({ force: true }));
    const keys = Array.from({ length: 40 }, (_, i) => `race-${i}`);
    const send = (key: string) => post(`${ingest.url}/v1/email`, { ...signIn, to: `${key}@example.com` }, { 'idempotency-key': key });
    const answers = keys.map((key, i) => new Promise((r) => setTimeout(r, i)).then(() => send(key)));
    const stopped = new Promise((r) => setTimeout(r, 15)).then(() => server.stop());
    const results = await Promise.all(answers);
    await stopped;
    for (const res of results) {
      expect([200, 503]).toContain(res.status);
      expect(res.ms).toBeLessThan(2000);
    }

    await start();
    await ready();
    const accepted = results.filter((r) => r.status === 200).map((r) => (r.body as { id: string }).id);
    await withQueue(async (queue) => {
      for (const id of accepted) expect(await queue.getJob(id), id).toBeDefined();
    });
    const retried = await Promise.all(keys.map(send));
    for (const [i, res] of retried.entries()) {
      expect(res.status).toBe(200);
      if (results[i]?.status === 200) expect(res.body).toEqual(results[i]?.body);
    }
    await withQueue(async (queue) => expect(await countJobs(queue)).toBe(keys.length));
  });

  it('?wait: once enqueued the answer is 200; losing Redis while waiting leaves the outcome pending', async () => {
    await withQueue(async (queue) => queue.obliterate({ force: true }));
    const answer = post(`${ingest.url}/v1/email?wait=2`, signIn, { 'idempotency-key': 'wait-then-down' });
    await pollUntil(() => withQueue(async (queue) => ((await countJobs(queue)) > 0 ? true : undefined)), 2000, 'the job in Redis');
    await server.stop();
    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.any(String), outcome: 'pending' });
    await start();
    await ready();
  });

  it('answers 503 within 2 s while Redis hangs, and a retry with the same key enqueues at most once', async () => {
    const admin = new Redis(server.url);
    try {
      await admin.call('CLIENT', 'PAUSE', '2500', 'ALL');
      const res = await post(`${ingest.url}/v1/email`, signIn, { 'idempotency-key': 'hang' });
      expect(res.status).toBe(503);
      expect(res.ms).toBeLessThan(2000);
      await ready();
      const first = await post(`${ingest.url}/v1/email`, signIn, { 'idempotency-key': 'hang' });
      const second = await post(`${ingest.url}/v1/email`, signIn, { 'idempotency-key': 'hang' });
      expect(first.status).toBe(200);
      expect(second.body).toEqual(first.body);
    } finally {
      admin.disconnect();
    }
  });
});
