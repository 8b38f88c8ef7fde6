import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateKey } from '../../src/crypto/key-ring.js';
import { jobDataSchema } from '../../src/messages/job-data.js';
import { freePort } from '../../src/redis/local-server.js';
import { createProducer, isRateLimitedError, isValidationError, type Producer, type SendInput } from '../../src/producer/index.js';
import { countJobs, openQueue, startWorker, testConfig, unique } from '../ingest/support/harness.js';
import { rejection } from '../helpers/rejection.js';

const base: SendInput = { channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '123456' } };

describe('producer library', () => {
  const redisUrl = inject('redisUrl');
  const redis = new Redis(redisUrl);
  const loaded = testConfig({ redisUrl });
  const { name, ttlSeconds } = loaded.config.queue;
  const prefix = loaded.config.redis.prefix;
  const registry = new Registry();
  const queue = openQueue(loaded, redis);
  let producer: Producer;

  beforeAll(() => {
    producer = createProducer({ connection: redisUrl, queue: name, prefix, registry, ttlSeconds: 42 });
  });
  afterAll(async () => {
    await producer.close();
    await queue.close();
    redis.disconnect();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['bad email', { to: 'ana@' }, 'to'],
    ['two emails', { to: 'ana@example.com, bob@example.com' }, 'to'],
    ['empty to', { to: '  ' }, 'to'],
    ['phone without +', { channel: 'sms', to: '14155550123' }, 'to'],
    ['invalid phone', { channel: 'sms', to: '+1 555 0000' }, 'to'],
    ['bad channel', { channel: 'fax' }, 'channel'],
    ['bad type', { type: 'signin' }, 'type'],
    ['payload not an object', { payload: [] }, 'payload'],
    ['payload too large', { payload: { code: '1', blob: 'x'.repeat(9000) } }, 'payload'],
    ['bad ip', { ip: '999.1.1.1' }, 'ip'],
    ['empty idempotency key', { idempotencyKey: '' }, 'idempotencyKey'],
    ['expiresAt in the past', { expiresAt: Date.now() - 1 }, 'expiresAt'],
    ['expiresAt not an integer', { expiresAt: 1.5 }, 'expiresAt'],
  ])('a validation error names the field: %s; nothing is enqueued', async (_what, change, field) => {
    const before = await countJobs(queue);
    const error = await rejection(producer.send({ ...base, ...change }));
    expect(isValidationError(error)).toBe(true);
    expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(field);
    expect(String((error as Error).message)).not.toContain('ana@');
    expect(await countJobs(queue)).toBe(before);
  });

  it('an unknown key is a validation error that names it', async () => {
    const error = await rejection(producer.send({ ...base, cc: 'x' } as SendInput));
    expect(isValidationError(error)).toBe(true);
    expect((error as Error).message).toContain('"cc"');
  });

  it('enqueues a valid job: phone in E.164, expiresAt = now + ttlSeconds', async () => {
    const before = Date.now();
    const { id, duplicate } = await producer.send({ ...base, channel: 'sms', to: '+1 415 555 0123' });
    expect(duplicate).toBe(false);
    const data = jobDataSchema.parse((await queue.getJob(id))?.data);
    expect(data.body?.to).toBe('+14155550123');
    expect(data.expiresAt).toBeGreaterThanOrEqual(before + 42_000);
    expect(data.expiresAt).toBeLessThanOrEqual(Date.now() + 42_000);
    expect(ttlSeconds).toBe(600); // the config's own default is not what the producer used
  });

  it('keeps an explicit expiresAt', async () => {
    const expiresAt = Date.now() + 90_000;
    const { id } = await producer.send({ ...base, expiresAt });
    expect((await queue.getJob(id))?.data.expiresAt).toBe(expiresAt);
  });

  it('the same idempotency key enqueues once: duplicate: true and the same id', async () => {
    const before = await countJobs(queue);
    const first = await producer.send({ ...base, idempotencyKey: 'req-42' });
    const second = await producer.send({ ...base, to: ' Ana@Example.COM ', payload: { code: '654321' }, idempotencyKey: 'req-42' });
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ id: first.id, duplicate: true });
    expect(await countJobs(queue)).toBe(before + 1);
  });

  it('waitFor resolves pending at the timeout when no worker runs', async () => {
    const { id } = await producer.send(base);
    const started = Date.now();
    expect(await producer.waitFor(id, { timeoutMs: 300 })).toBe('pending');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await producer.waitFor('no-such-id', { timeoutMs: 0 })).toBe('pending');
  });

  it('counts otp_messages_enqueued_total into the passed registry, duplicates excluded', async () => {
    const value = async () => {
      const metric = (await registry.getSingleMetric('otp_messages_enqueued_total')?.get())?.values ?? [];
      return metric.find((v) => v.labels.channel === 'sms' && v.labels.type === 'MfaVerification')?.value ?? 0;
    };
    const before = await value();
    await producer.send({ ...base, channel: 'sms', to: '+14155550123', type: 'MfaVerification', idempotencyKey: 'm-1' });
    await producer.send({ ...base, channel: 'sms', to: '+14155550123', type: 'MfaVerification', idempotencyKey: 'm-1' });
    await producer.send({ ...base, channel: 'sms', to: '+14155550123', type: 'MfaVerification' });
    expect(await value()).toBe(before + 2);
  });
});

describe('producer library with limits, keys and a worker', () => {
  const redisUrl = inject('redisUrl');
  const keys = { current: 'k1', keys: { k1: generateKey() } };
  const loaded = testConfig({ redisUrl, security: { encryptionKeys: keys } });
  const options = { connection: redisUrl, queue: loaded.config.queue.name, prefix: loaded.config.redis.prefix, encryptionKeys: keys };
  const redis = new Redis(redisUrl);
  const queue = openQueue(loaded, redis);
  let producer: Producer;
  let worker: Awaited<ReturnType<typeof startWorker>>;

  beforeAll(async () => {
    producer = createProducer({ ...options, limits: { perRecipient: { max: 1, windowSeconds: 60 } } });
    worker = await startWorker(loaded);
  });
  afterAll(async () => {
    await Promise.allSettled([producer.close(), worker.close()]);
    await queue.close();
    redis.disconnect();
  });

  it('seals recipient and payload; waitFor sees delivered', async () => {
    const { id } = await producer.send({ ...base, to: 'sealed@example.com' });
    const data = jobDataSchema.parse((await queue.getJob(id))?.data);
    expect(data.body).toBeUndefined();
    expect(data.sealed).not.toContain('sealed@');
    expect(await producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
  });

  it('a retry with the same key after delivery is still a duplicate, and spends no limit budget', async () => {
    const first = await producer.send({ ...base, to: 'once@example.com', idempotencyKey: 'deliver-once' });
    expect(await producer.waitFor(first.id, { timeoutMs: 10_000 })).toBe('delivered');
    const retry = await producer.send({ ...base, to: 'once@example.com', idempotencyKey: 'deliver-once' });
    expect(retry).toEqual({ id: first.id, duplicate: true });
  });

  it('throws RateLimitedError with retryAfterMs over the limit; nothing is enqueued', async () => {
    const to = `${unique('rl')}@example.com`;
    await producer.send({ ...base, to });
    const before = await countJobs(queue);
    const error = await rejection(producer.send({ ...base, to }));
    expect(isRateLimitedError(error)).toBe(true);
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(50_000);
    expect(await countJobs(queue)).toBe(before);
  });
});

describe('producer library without Redis', () => {
  it('fails fast (no hang) when Redis is unreachable, and closes', async () => {
    const producer = createProducer({ connection: `redis://127.0.0.1:${await freePort()}`, queue: unique('q'), prefix: `{${unique('p')}}` });
    const started = Date.now();
    const error = await rejection(producer.send(base));
    expect((error as Error).name).toBe('RedisUnavailableError');
    expect(Date.now() - started).toBeLessThan(2000);
    await producer.close();
  });
});
