import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateKey } from '../../src/crypto/key-ring.js';
import { post, scanKeys, startIngest, testConfig, type Ingest } from '../ingest/support/harness.js';

const message = (to: string) => ({ to, type: 'SignIn', payload: { code: '123456' } });

describe('per-recipient limit shared by two ingest instances on one Redis', () => {
  const redis = new Redis(inject('redisUrl'));
  const loaded = testConfig({
    redisUrl: inject('redisUrl'),
    limits: { perRecipient: { max: 3, windowSeconds: 600 } },
    security: { encryptionKeys: { current: 'k1', keys: { k1: generateKey() } } },
  });
  const prefix = loaded.config.redis.prefix;
  let a: Ingest;
  let b: Ingest;

  beforeAll(async () => {
    [a, b] = await Promise.all([startIngest(loaded), startIngest(loaded)]);
  });
  afterAll(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    redis.disconnect();
  });

  it('refuses the (max+1)-th message across both instances', async () => {
    const statuses: number[] = [];
    for (const ingest of [a, b, a, b]) statuses.push((await post(`${ingest.url}/v1/email`, message('shared@example.com'))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await post(`${a.url}/v1/email`, message('shared@example.com'))).status).toBe(429);
  });

  it('counts concurrent requests exactly (one atomic script): max accepted, the rest refused', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => post(`${(i % 2 ? a : b).url}/v1/email`, message('burst@example.com'))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    expect(results.filter((r) => r.status === 429)).toHaveLength(9);
  });

  it('normalises email recipients: case and surrounding spaces count as one', async () => {
    const forms = ['Ana@Example.com', 'ana@example.com', ' ANA@EXAMPLE.COM ', 'ana@Example.COM'];
    const statuses = [];
    for (const to of forms) statuses.push((await post(`${a.url}/v1/email`, message(to))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('normalises phone recipients: spaces, E.164 and Logto digits count as one', async () => {
    const forms = ['+1 415 555 0123', '+14155550123', '14155550123', '+1 (415) 555-0123'];
    const statuses = [];
    for (const to of forms) statuses.push((await post(`${b.url}/v1/sms`, message(to))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // The email and SMS windows are separate.
    expect((await post(`${b.url}/v1/email`, message('+14155550123@example.com'))).status).toBe(200);
  });

  it('keeps no recipient in plain text in Redis: limit keys are keyed hashes, and with encryption keys nothing else holds it either', async () => {
    const limitKeys = await scanKeys(redis, `${prefix}:*:limit:*`);
    expect(limitKeys.length).toBeGreaterThanOrEqual(4);
    const dump: string[] = [];
    for (const key of await scanKeys(redis, `${prefix}:*`)) {
      const type = await redis.type(key);
      const values =
        type === 'string' ? [await redis.get(key)]
          : type === 'hash' ? Object.entries(await redis.hgetall(key)).flat()
            : type === 'zset' ? await redis.zrange(key, '0', '-1')
              : type === 'list' ? await redis.lrange(key, '0', '-1')
                : type === 'set' ? await redis.smembers(key)
                  : type === 'stream' ? (await redis.xrange(key, '-', '+')).flatMap(([, fields]) => fields)
                    : [];
      dump.push(key, ...values.map(String));
    }
    const text = dump.join('\n').toLowerCase();
    for (const needle of ['shared@example.com', 'burst@example.com', 'ana@example.com', '4155550123', '123456']) expect(text).not.toContain(needle);
  });
});
