import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { open } from '../../src/crypto/envelope.js';
import { generateKey, parseKeyRing } from '../../src/crypto/key-ring.js';
import { createProducer } from '../../src/producer/index.js';
import { startPipeline, type Pipeline } from '../helpers/pipeline.js';
import { createScriptedProvider } from '../helpers/scripted-provider.js';

const opened: Pipeline[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.close()));
});

/** Every value of every key under the prefix, whatever its type, as text. */
const dumpPrefix = async (redis: Redis, prefix: string): Promise<string> => {
  const keys = await redis.keys(`${prefix}*`);
  const parts: string[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    if (type === 'string') parts.push(String(await redis.get(key)));
    else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
    else if (type === 'zset') parts.push(JSON.stringify(await redis.call('ZRANGE', key, '0', '-1', 'WITHSCORES')));
    else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    parts.push(key);
  }
  return parts.join('\n');
};

describe('encryption at rest', () => {
  it('leaves no code and no recipient anywhere in Redis: jobs, dead letters, events, limits', async () => {
    const keys = { current: 'k2', keys: { k1: generateKey(), k2: generateKey() } };
    const flaky = createScriptedProvider('scripted', ['ok']);
    const p = await startPipeline({
      providers: [flaky.definition],
      config: {
        security: { encryptionKeys: keys },
        limits: { perRecipient: { max: 100, windowSeconds: 60 } },
        email: { active: 'x', connectors: { x: { provider: 'scripted', config: {} } } },
      },
    });
    opened.push(p);
    const recipients = ['secret.person@example.com', 'other.person@example.org'];
    const codes = ['918273', '564738', '192837'];
    const delivered = await Promise.all(
      codes.slice(0, 2).map(async (code, i) => (await p.producer.send({ channel: 'email', to: recipients[i] ?? '', type: 'SignIn', payload: { code, user: { name: 'Zelda Q' } }, ip: '203.0.113.77', idempotencyKey: `k-${code}` })).id),
    );
    for (const id of delivered) expect(await p.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    flaky.script([{ fail: 'permanent', code: 'bad' }]);
    const dead = await p.producer.send({ channel: 'sms', to: '+14155550199', type: 'MfaVerification', payload: { code: codes[2] } });
    // sms goes to the outbox (plain file, dev only); the dead path is exercised on email:
    const deadEmail = await p.producer.send({ channel: 'email', to: 'dead.letter@example.net', type: 'SignIn', payload: { code: '102938' } });
    expect(await p.producer.waitFor(deadEmail.id, { timeoutMs: 10_000 })).toBe('dead');
    expect(await p.producer.waitFor(dead.id, { timeoutMs: 10_000 })).toBe('delivered');

    const redis = new Redis(inject('redisUrl'));
    try {
      const dump = await dumpPrefix(redis, p.loaded.config.redis.prefix);
      expect(dump.length).toBeGreaterThan(1000);
      for (const secret of [...recipients, 'dead.letter@example.net', '4155550199', ...codes, '102938', 'Zelda', '203.0.113.77']) {
        expect(dump, secret).not.toContain(secret);
      }
      // The limit key (it keys the recipient hashes of the counters) is there only sealed.
      const { prefix } = p.loaded.config.redis;
      const { gen = '', 'sealed:k2': sealedLimitKey = '' } = await redis.hgetall(`${prefix}:${p.loaded.config.queue.name}:limit-key`);
      const limitKey = Buffer.from(open(parseKeyRing(keys), sealedLimitKey, { id: `limit-key:${gen}`, channel: '-', type: '-', expiresAt: 0 }), 'base64url');
      expect(limitKey).toHaveLength(32);
      for (const form of [limitKey.toString('base64url'), limitKey.toString('base64'), limitKey.toString('hex')]) expect(dump).not.toContain(form);
    } finally {
      redis.disconnect();
    }
  });

  it('dead-letters a job sealed with an unknown key id, and keeps delivering', async () => {
    const p = await startPipeline({ config: { security: { encryptionKeys: { current: 'new', keys: { new: generateKey() } } } } });
    opened.push(p);
    const old = createProducer({ connection: inject('redisUrl'), prefix: p.loaded.config.redis.prefix, encryptionKeys: { current: 'gone', keys: { gone: generateKey() } } });
    try {
      const { id } = await old.send({ channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '123456' } });
      expect(await p.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('dead');
      const good = await p.producer.send({ channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '654321' } });
      expect(await p.producer.waitFor(good.id, { timeoutMs: 10_000 })).toBe('delivered');
      expect(p.logs.some((l) => l.includes('"reason":"unknown_key"'))).toBe(true);
    } finally {
      await old.close();
    }
  });

  it('never writes a code to the logs, even at debug level, and masks recipients', async () => {
    const flaky = createScriptedProvider('scripted', [{ fail: 'retryable' }, 'ok']);
    const p = await startPipeline({ providers: [flaky.definition], config: { email: { active: 'x', connectors: { x: { provider: 'scripted', config: {} } } } } });
    opened.push(p);
    const { id } = await p.producer.send({ channel: 'email', to: 'log.check@example.com', type: 'SignIn', payload: { code: '847362' } });
    expect(await p.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    const logs = p.logs.join('\n');
    expect(logs).toContain('message delivered');
    expect(logs).toContain('l***@example.com');
    expect(logs).not.toContain('847362');
    expect(logs).not.toContain('log.check@example.com');
  });
});
