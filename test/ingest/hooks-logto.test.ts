import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createProducer } from '../../src/producer/index.js';
import { post, scanKeys, startIngest, testConfig, type Ingest } from './support/harness.js';
import { logtoBody, postLogto } from './support/platform-samples.js';

const conversions = async (registry: Registry, labels: Record<string, string>): Promise<number> => {
  const values = (await registry.getSingleMetric('otp_conversions_total')?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x)).reduce((a, v) => a + v.value, 0);
};
const rejected = async (registry: Registry, reason: string): Promise<number> => {
  const values = (await registry.getSingleMetric('otp_hook_rejected_total')?.get())?.values ?? [];
  return values.filter((v) => v.labels.platform === 'logto' && v.labels.reason === reason).reduce((a, v) => a + v.value, 0);
};

describe('conversions: Logto webhooks, POST /v1/verified and producer.verified', () => {
  const signingKey = 'logto-signing-key';
  const keys = { current: 'k1', keys: { k1: Buffer.alloc(32, 7).toString('base64') } };
  const loaded = testConfig({ redisUrl: inject('redisUrl'), security: { encryptionKeys: keys }, ingest: { authorization: ['Bearer t'], logto: { signingKey } } });
  const redis = new Redis(loaded.config.redis.url ?? '');
  let ingest: Ingest;
  const auth = { authorization: 'Bearer t' };
  const send = (channel: 'email' | 'sms', to: string) => post(`${ingest.url}/v1/${channel}`, { to, type: 'SignIn', payload: { code: '123456' } }, auth);

  beforeAll(async () => {
    ingest = await startIngest(loaded);
  });
  afterAll(async () => {
    await ingest?.close();
    redis.disconnect();
  });

  it('PostSignIn converts the last code sent to the user\'s phone (Logto digits), once, counted by country', async () => {
    expect((await send('sms', '+4915112345678')).status).toBe(200);
    const before = await conversions(ingest.registry, { channel: 'sms', country: 'DE' });
    const body = logtoBody('PostSignIn', { primaryEmail: 'nobody-sent@example.com', primaryPhone: '4915112345678' });
    const first = await postLogto(`${ingest.url}/v1/hooks/logto`, body, signingKey);
    expect(first).toMatchObject({ status: 200, body: { converted: 1 } });
    const again = await postLogto(`${ingest.url}/v1/hooks/logto`, body, signingKey);
    expect(again).toMatchObject({ status: 200, body: { converted: 0 } });
    expect(await conversions(ingest.registry, { channel: 'sms', country: 'DE' })).toBe(before + 1);
  });

  it('PostRegister and PostResetPassword convert an email code; keys hold no recipient in plain text', async () => {
    expect((await send('email', 'Reg@Example.com')).status).toBe(200);
    const reply = await postLogto(`${ingest.url}/v1/hooks/logto`, logtoBody('PostRegister', { primaryEmail: 'reg@example.com' }), signingKey);
    expect(reply.body).toEqual({ converted: 1 });
    const stored = await scanKeys(redis, `${loaded.config.redis.prefix}:*conversion*`);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.join(' ')).not.toMatch(/example\.com|4915112345678/i);
    for (const key of stored) expect(await redis.get(key)).not.toMatch(/example\.com|49151/i);
    expect((await send('email', 'reset@example.com')).status).toBe(200);
    expect((await postLogto(`${ingest.url}/v1/hooks/logto`, logtoBody('PostResetPassword', { primaryEmail: 'reset@example.com' }), signingKey)).body).toEqual({ converted: 1 });
  });

  it('refuses a wrong or missing logto-signature-sha-256 with 401, and other events with 400, counted', async () => {
    const [sig0, missing0, unsupported0] = [await rejected(ingest.registry, 'signature'), await rejected(ingest.registry, 'missing'), await rejected(ingest.registry, 'unsupported')];
    const body = logtoBody('PostSignIn', { primaryEmail: 'a@example.com' });
    expect((await postLogto(`${ingest.url}/v1/hooks/logto`, body, signingKey, 'ab'.repeat(32))).status).toBe(401);
    expect((await post(`${ingest.url}/v1/hooks/logto`, body)).status).toBe(401);
    expect((await postLogto(`${ingest.url}/v1/hooks/logto`, { ...body, event: 'User.Created' }, signingKey)).status).toBe(400);
    expect(await rejected(ingest.registry, 'signature')).toBe(sig0 + 1);
    expect(await rejected(ingest.registry, 'missing')).toBe(missing0 + 1);
    expect(await rejected(ingest.registry, 'unsupported')).toBe(unsupported0 + 1);
  });

  it('POST /v1/verified converts behind ingest.authorization; a bad body is a 400', async () => {
    expect((await send('sms', '+14155550140')).status).toBe(200);
    expect((await post(`${ingest.url}/v1/verified`, { channel: 'sms', to: '+14155550140' })).status).toBe(401);
    expect(await post(`${ingest.url}/v1/verified`, { channel: 'sms', to: '14155550140' }, auth)).toMatchObject({ status: 200, body: { converted: true } });
    expect(await post(`${ingest.url}/v1/verified`, { channel: 'sms', to: '+14155550140' }, auth)).toMatchObject({ status: 200, body: { converted: false } });
    expect((await post(`${ingest.url}/v1/verified`, { channel: 'fax', to: 'x' }, auth)).status).toBe(400);
    expect((await post(`${ingest.url}/v1/verified`, { channel: 'email', to: 'not-an-address' }, auth)).status).toBe(400);
  });

  it('producer.verified does the same from the library, into the registry it was given', async () => {
    const registry = new Registry();
    const producer = createProducer({ connection: loaded.config.redis.url ?? '', queue: loaded.config.queue.name, prefix: loaded.config.redis.prefix, encryptionKeys: keys, registry });
    try {
      await producer.send({ channel: 'email', to: 'lib@example.com', type: 'SignIn', payload: { code: '1' }, source: 'logto' });
      expect(await producer.verified({ channel: 'email', to: ' LIB@example.com ' })).toEqual({ converted: true });
      expect(await producer.verified({ channel: 'email', to: 'lib@example.com' })).toEqual({ converted: false });
      expect(await conversions(registry, { channel: 'email', country: 'unknown' })).toBe(1);
      const enqueued = (await registry.getSingleMetric('otp_messages_enqueued_total')?.get())?.values ?? [];
      expect(enqueued.find((v) => v.labels.source === 'logto')?.value).toBe(1);
      await expect(producer.send({ channel: 'email', to: 'lib@example.com', type: 'SignIn', source: 'elsewhere' as 'api' })).rejects.toMatchObject({ name: 'ValidationError' });
      await expect(producer.verified({ channel: 'sms', to: '12' })).rejects.toMatchObject({ name: 'ValidationError' });
    } finally {
      await producer.close();
    }
  });
});
