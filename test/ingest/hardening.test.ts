import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { producerOptionsFromConfig } from '../../src/cli/runtime.js';
import { generateKey } from '../../src/crypto/key-ring.js';
import { createIngestServer } from '../../src/ingest/server.js';
import { createProducer } from '../../src/producer/index.js';
import { eventually } from '../helpers/pipeline.js';
import { countJobs, openQueue, post, testConfig, unique, useIngest } from './support/harness.js';

const HOUR = 3_600_000;
const signIn = (to = 'ana@example.com') => ({ to, type: 'SignIn', payload: { code: '123456' } });
type Issues = { error: string; issues: { path: string; message: string }[] };

describe('X-Expires-At is capped at queue.maxTtlSeconds (default one day)', () => {
  const loaded = testConfig({ redisUrl: inject('redisUrl') });
  const ingest = useIngest(loaded);
  const { queue } = ingest;

  it('30 days ahead, or the docs\' old 2030 example: 400 on X-Expires-At, nothing enqueued', async () => {
    for (const value of [String(Date.now() + 30 * 24 * HOUR), new Date(Date.now() + 30 * 24 * HOUR).toISOString(), '2030-01-01T00:00:00Z']) {
      const before = await countJobs(queue);
      const res = await post(`${ingest.url}/v1/email`, signIn(), { 'x-expires-at': value });
      expect(res.status, value).toBe(400);
      expect((res.body as Issues).issues.map((i) => i.path)).toEqual(['X-Expires-At']);
      expect(await countJobs(queue)).toBe(before);
    }
  });

  it('23 hours ahead is accepted and kept', async () => {
    const expiresAt = Date.now() + 23 * HOUR;
    const res = await post(`${ingest.url}/v1/sms`, signIn('+14155550123'), { 'x-expires-at': new Date(expiresAt).toISOString() });
    expect(res.status).toBe(200);
    const job = await queue.getJob((res.body as { id: string }).id);
    expect(Math.abs((job?.data as { expiresAt: number }).expiresAt - expiresAt)).toBeLessThan(1000);
  });
});

describe.each([
  ['plain', undefined],
  ['encrypted', { encryptionKeys: { current: 'k1', keys: { k1: generateKey() } } }],
])('Idempotency-Key reused on another message (%s): 409', (_what, security) => {
  const loaded = testConfig({ redisUrl: inject('redisUrl'), ...(security && { security }) });
  const ingest = useIngest(loaded);
  const { queue } = ingest;

  it.each([
    ['email', '/v1/email', signIn('ana@example.com'), signIn('Ana@Example.com'), signIn('eve@example.com')],
    ['sms', '/v1/sms', signIn('14155550123'), signIn('+1 415 555 0123'), signIn('+14155550199')],
    ['another type', '/v1/email', signIn(), { ...signIn(), payload: { code: '9' } }, { ...signIn(), type: 'Register' }],
  ])('%s: the same message is a duplicate; another body is 409 {"error":"idempotency_key_reused"} with nothing enqueued', async (_case, path, first, same, other) => {
    const headers = { 'idempotency-key': unique('key') };
    const original = await post(`${ingest.url}${path}`, first, headers);
    expect(original.status).toBe(200);
    const before = await countJobs(queue);
    expect((await post(`${ingest.url}${path}`, same, headers)).body).toEqual(original.body);
    const reused = await post(`${ingest.url}${path}`, other, headers);
    expect(reused.status).toBe(409);
    expect(reused.body).toEqual({ error: 'idempotency_key_reused' });
    expect(await countJobs(queue)).toBe(before);
  });

  it('the same key on the other channel is 409 too', async () => {
    const headers = { 'idempotency-key': unique('key') };
    expect((await post(`${ingest.url}/v1/email`, signIn(), headers)).status).toBe(200);
    expect((await post(`${ingest.url}/v1/sms`, signIn('+14155550123'), headers)).status).toBe(409);
  });
});

describe('?wait is bounded by maxWaiters: 503 before anything is enqueued', () => {
  const loaded = testConfig({ redisUrl: inject('redisUrl') });
  const redis = new Redis(inject('redisUrl'));
  const queue = openQueue(loaded, redis);
  const producer = createProducer({ ...producerOptionsFromConfig(loaded), maxWaiters: 2 });
  const app = createIngestServer({ producer, registry: new Registry(), ready: async () => true, authorization: undefined, bodyLimitBytes: 16_384 });
  let url: string;
  beforeAll(async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await producer.close();
    await queue.close();
    redis.disconnect();
  });

  it('two waits hold both places (no worker runs); a third ?wait is 503 with Retry-After: 1; without ?wait it is 200', async () => {
    const waiting = [post(`${url}/v1/email?wait=3`, signIn('a@example.com')), post(`${url}/v1/email?wait=3`, signIn('b@example.com'))];
    const full = () => {
      const slot = producer.reserveWait();
      slot?.release();
      return slot === undefined;
    };
    await eventually(async () => full() && (await countJobs(queue)) === 2);
    const refused = await post(`${url}/v1/email?wait=1`, signIn('c@example.com'), { 'idempotency-key': 'refused' });
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ error: 'unavailable' });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await countJobs(queue)).toBe(2);
    expect((await post(`${url}/v1/email`, signIn('d@example.com'))).status).toBe(200);
    for (const res of await Promise.all(waiting)) expect(res.body).toEqual({ id: expect.any(String), outcome: 'pending' });
    // The places are free again.
    const again = await post(`${url}/v1/email?wait=0`, signIn('c@example.com'), { 'idempotency-key': 'refused' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: expect.any(String), outcome: 'pending' });
  });
});
