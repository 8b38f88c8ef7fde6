import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateKey } from '../../src/crypto/key-ring.js';
import { createProducer, isIdempotencyConflictError, isValidationError, type Producer, type SendInput } from '../../src/producer/index.js';
import { countJobs, openQueue, testConfig, unique } from '../ingest/support/harness.js';
import { rejection } from '../helpers/rejection.js';

const HOUR = 3_600_000;
const email: SendInput = { channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '123456' } };
const sms: SendInput = { channel: 'sms', to: '+14155550123', type: 'SignIn', payload: { code: '123456' } };

describe('message lifetime is capped by maxTtlSeconds', () => {
  const redisUrl = inject('redisUrl');
  const redis = new Redis(redisUrl);
  const loaded = testConfig({ redisUrl });
  const queue = openQueue(loaded, redis);
  let producer: Producer;
  beforeAll(() => {
    producer = createProducer({ connection: redisUrl, queue: loaded.config.queue.name, prefix: loaded.config.redis.prefix });
  });
  afterAll(async () => {
    await producer.close();
    await queue.close();
    redis.disconnect();
  });

  it.each([
    ['30 days ahead', 30 * 24 * HOUR],
    ['25 hours ahead', 25 * HOUR],
    ['2030-01-01', Date.parse('2030-01-01T00:00:00Z') - Date.now()],
  ])('expiresAt %s is a ValidationError on expiresAt, and nothing is enqueued', async (_what, ahead) => {
    const before = await countJobs(queue);
    const error = await rejection(producer.send({ ...email, expiresAt: Date.now() + ahead }));
    expect(isValidationError(error)).toBe(true);
    expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['expiresAt']);
    expect(await countJobs(queue)).toBe(before);
  });

  it('expiresAt 23 hours ahead is kept', async () => {
    const expiresAt = Date.now() + 23 * HOUR;
    const { id } = await producer.send({ ...email, expiresAt });
    expect((await queue.getJob(id))?.data.expiresAt).toBe(expiresAt);
  });

  it('a smaller maxTtlSeconds caps sooner; createProducer refuses ttlSeconds above it', async () => {
    const short = createProducer({ connection: redis, queue: loaded.config.queue.name, prefix: loaded.config.redis.prefix, ttlSeconds: 60, maxTtlSeconds: 120 });
    try {
      expect(isValidationError(await rejection(short.send({ ...email, expiresAt: Date.now() + 180_000 })))).toBe(true);
      expect((await short.send({ ...email, expiresAt: Date.now() + 100_000 })).duplicate).toBe(false);
    } finally {
      await short.close();
    }
    const make = (options: Record<string, unknown>) => () => createProducer({ connection: redis, queue: unique('q'), ...options });
    expect(make({ ttlSeconds: 3600, maxTtlSeconds: 600 })).toThrow(/ttlSeconds/);
    expect(make({ ttlSeconds: 86_401 })).toThrow(/ttlSeconds/);
    expect(make({ maxTtlSeconds: 31 * 86_400 })).toThrow(/maxTtlSeconds/);
    expect(make({ maxWaiters: 0 })).toThrow(/maxWaiters/);
  });
});

describe.each([
  ['plain', undefined],
  ['encrypted', { current: 'k1', keys: { k1: generateKey() } }],
])('a reused idempotency key (%s bodies)', (_what, encryptionKeys) => {
  const redisUrl = inject('redisUrl');
  const redis = new Redis(redisUrl);
  const loaded = testConfig({ redisUrl });
  const queue = openQueue(loaded, redis);
  let producer: Producer;
  beforeAll(() => {
    producer = createProducer({ connection: redisUrl, queue: loaded.config.queue.name, prefix: loaded.config.redis.prefix, ...(encryptionKeys && { encryptionKeys }) });
  });
  afterAll(async () => {
    await producer.close();
    await queue.close();
    redis.disconnect();
  });

  it.each<[string, SendInput, Partial<SendInput>]>([
    ['email: another recipient', email, { to: 'bob@example.com' }],
    ['email: another type', email, { type: 'Register' }],
    ['sms: another number', sms, { to: '+14155550199' }],
    ['sms: another type', sms, { type: 'MfaVerification' }],
    ['another channel', email, { channel: 'sms', to: '+14155550123' }],
  ])('%s: IdempotencyConflictError, nothing enqueued, no id given out', async (_case, first, change) => {
    const idempotencyKey = unique('key');
    const original = await producer.send({ ...first, idempotencyKey });
    const before = await countJobs(queue);
    const error = await rejection(producer.send({ ...first, ...change, idempotencyKey }));
    expect(isIdempotencyConflictError(error)).toBe(true);
    expect((error as Error).message).not.toContain(original.id);
    expect((error as Error).message).not.toMatch(/example\.com|\+1415/);
    expect(await countJobs(queue)).toBe(before);
  });

  it.each<[string, SendInput, Partial<SendInput>]>([
    ['email spelled differently, new payload', email, { to: ' ANA@example.com', payload: { code: '999999' } }],
    ['sms spelled differently', sms, { to: '+1 (415) 555-0123' }],
  ])('%s: still the same message, a duplicate', async (_case, first, change) => {
    const idempotencyKey = unique('key');
    const original = await producer.send({ ...first, idempotencyKey });
    expect(await producer.send({ ...first, ...change, idempotencyKey })).toEqual({ id: original.id, duplicate: true });
  });

  it('concurrent sends with one key (the add itself finds the key taken): one message, the rest duplicates or conflicts', async () => {
    const same = unique('race-same');
    const other = unique('race-other');
    const before = await countJobs(queue);
    const sames = await Promise.all(Array.from({ length: 10 }, () => producer.send({ ...sms, idempotencyKey: same })));
    expect(new Set(sames.map((r) => r.id)).size).toBe(1);
    expect(sames.filter((r) => !r.duplicate)).toHaveLength(1);
    const others = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => producer.send({ ...email, to: `r${i}@example.com`, idempotencyKey: other })));
    expect(others.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of others) if (r.status === 'rejected') expect(isIdempotencyConflictError(r.reason)).toBe(true);
    expect(await countJobs(queue)).toBe(before + 2);
  });

  it('when the earlier job is gone, the key still answers as a duplicate (as before)', async () => {
    const idempotencyKey = unique('gone');
    const original = await producer.send({ ...email, idempotencyKey });
    await redis.del(queue.toKey(original.id)); // the job hash only: the key's record stays
    expect(await producer.send({ ...email, to: 'someone-else@example.com', idempotencyKey })).toEqual({ id: original.id, duplicate: true });
  });
});

describe('a reused key on a sealed job this producer cannot open', () => {
  it('is refused (it cannot be shown to be the same message)', async () => {
    const redisUrl = inject('redisUrl');
    const loaded = testConfig({ redisUrl });
    const options = { connection: redisUrl, queue: loaded.config.queue.name, prefix: loaded.config.redis.prefix };
    const a = createProducer({ ...options, encryptionKeys: { current: 'a', keys: { a: generateKey() } } });
    const b = createProducer({ ...options, encryptionKeys: { current: 'b', keys: { b: generateKey() } } });
    try {
      await a.send({ ...email, idempotencyKey: 'k' });
      expect(isIdempotencyConflictError(await rejection(b.send({ ...email, idempotencyKey: 'k' })))).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
