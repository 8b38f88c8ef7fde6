import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { open } from '../../src/crypto/envelope.js';
import { generateKey, parseKeyRing } from '../../src/crypto/key-ring.js';
import { createProducer, type Producer } from '../../src/producer/index.js';
import { scanKeys, unique } from '../ingest/support/harness.js';

/**
 * Per-recipient limits are counted under a keyed hash of the recipient. The hashing key is the
 * queue's limit key, stored in Redis sealed with the payload keys: adding, reordering, switching or
 * removing payload keys must not move a recipient to a fresh window.
 */
const redisUrl = inject('redisUrl');
const admin = new Redis(redisUrl);
const opened: Producer[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((p) => p.close()));
});
afterAll(() => admin.disconnect());

type Keys = { current: string; keys: Record<string, string> };
const scope = () => ({ queue: unique('q'), prefix: `{${unique('lk')}}` });
const producerFor = (where: { queue: string; prefix: string }, encryptionKeys: Keys, max = 2) => {
  const p = createProducer({ connection: redisUrl, ...where, encryptionKeys, limits: { perRecipient: { max, windowSeconds: 600 } } });
  opened.push(p);
  return p;
};
const send = (p: Producer, to = 'ana@example.com') => p.send({ channel: 'email', to, type: 'SignIn', payload: { code: '123456' } });
const outcome = (p: Producer, to?: string) =>
  send(p, to).then(
    () => 'sent',
    (error: Error) => (error.name === 'RateLimitedError' ? 'limited' : `error: ${error.message}`),
  );

describe('limit key across payload-key rotation (real Redis)', () => {
  const [a, b, c, d] = [generateKey(), generateKey(), generateKey(), generateKey()];

  it('adding a key with a lower id keeps the counters', async () => {
    const where = scope();
    const before = producerFor(where, { current: 'k5', keys: { k5: a } });
    expect([await outcome(before), await outcome(before), await outcome(before)]).toEqual(['sent', 'sent', 'limited']);
    const after = producerFor(where, { current: 'k5', keys: { k1: b, k5: a } });
    expect(await outcome(after)).toBe('limited');
  });

  it('switching `current`, then removing the old key, keeps the counters', async () => {
    const where = scope();
    const old = producerFor(where, { current: 'k1', keys: { k1: a } });
    expect([await outcome(old), await outcome(old), await outcome(old)]).toEqual(['sent', 'sent', 'limited']);
    const switched = producerFor(where, { current: 'k2', keys: { k1: a, k2: b } });
    expect(await outcome(switched)).toBe('limited');
    const removed = producerFor(where, { current: 'k2', keys: { k2: b } });
    expect(await outcome(removed)).toBe('limited');
    // The field sealed with the removed key is gone from Redis.
    expect(Object.keys(await admin.hgetall(`${where.prefix}:${where.queue}:limit-key`)).sort()).toEqual(['gen', 'sealed:k2']);
  });

  it('two producers with differently ordered rings share one window, even racing to create the limit key', async () => {
    const where = scope();
    const first = producerFor(where, { current: 'k2', keys: { k2: a, k3: b } }, 3);
    const second = producerFor(where, { current: 'k3', keys: { k3: b, k2: a, k1: c } }, 3);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => outcome(i % 2 ? first : second, 'race@example.com')));
    expect(results.filter((r) => r === 'sent')).toHaveLength(3);
    expect(results.filter((r) => r === 'limited')).toHaveLength(7);
    expect([await outcome(first, 'race@example.com'), await outcome(second, 'race@example.com')]).toEqual(['limited', 'limited']);
  });

  it('a producer whose cached limit key was replaced in Redis notices in the counting call and follows', async () => {
    const where = scope();
    const first = producerFor(where, { current: 'k2', keys: { k2: a } }, 2);
    expect(await outcome(first, 'one@example.com')).toBe('sent'); // stores the limit key and caches it
    // The limit key is lost (say, an operator deleted it); a producer started now stores another one.
    await admin.del(`${where.prefix}:${where.queue}:limit-key`);
    const later = producerFor(where, { current: 'k2', keys: { k1: c, k2: a } }, 2);
    expect(await outcome(later, 'two@example.com')).toBe('sent');
    // `first` must count with the new limit key, not the one it holds in memory.
    expect(await outcome(first, 'two@example.com')).toBe('sent');
    expect(await outcome(later, 'two@example.com')).toBe('limited');
    expect(await outcome(first, 'two@example.com')).toBe('limited');
  });

  it('when no ring key opens the stored limit key (every old key removed), a new one is made: counting restarts', async () => {
    const where = scope();
    const old = producerFor(where, { current: 'k1', keys: { k1: a } });
    expect([await outcome(old), await outcome(old), await outcome(old)]).toEqual(['sent', 'sent', 'limited']);
    const fresh = producerFor(where, { current: 'k9', keys: { k9: d } });
    expect([await outcome(fresh), await outcome(fresh), await outcome(fresh)]).toEqual(['sent', 'sent', 'limited']);
    expect(Object.keys(await admin.hgetall(`${where.prefix}:${where.queue}:limit-key`)).sort()).toEqual(['gen', 'sealed:k9']);
  });

  it('Redis holds the limit key only sealed; the counters are HMACs under it; no recipient in clear', async () => {
    const where = scope();
    const keys = { current: 'k2', keys: { k1: a, k2: b } };
    const p = producerFor(where, keys, 5);
    await send(p, 'Secret.Person@Example.com');
    const stored = await admin.hgetall(`${where.prefix}:${where.queue}:limit-key`);
    const { gen, ...sealed } = stored;
    expect(Object.keys(sealed)).toEqual(['sealed:k2']);
    const envelope = sealed['sealed:k2'] ?? '';
    expect(envelope).toMatch(/^v2\.k2\./);
    const secret = Buffer.from(open(parseKeyRing(keys), envelope, { id: `limit-key:${gen}`, channel: '-', type: '-', expiresAt: 0 }), 'base64url');
    expect(secret).toHaveLength(32);
    const hash = createHmac('sha256', secret).update('secret.person@example.com').digest('base64url');
    const limitKeys = await scanKeys(admin, `${where.prefix}:*`);
    expect(limitKeys).toContain(`${where.prefix}:${where.queue}:limit:to:email:${hash}`);
    const dump: string[] = [];
    for (const key of limitKeys) {
      const type = await admin.type(key);
      dump.push(key, type === 'hash' ? JSON.stringify(await admin.hgetall(key)) : type === 'zset' ? (await admin.zrange(key, '0', '-1')).join(' ') : type === 'string' ? String(await admin.get(key)) : '');
    }
    const text = dump.join('\n');
    for (const form of [secret.toString('base64url'), secret.toString('base64'), secret.toString('hex')]) expect(text).not.toContain(form);
    expect(text.toLowerCase()).not.toContain('secret.person');
  });

  it('after the first check, counting costs one Redis call: the limit key is read once, then cached', async () => {
    const where = scope();
    // A real connection with a tap on the commands it sends (what the producer asks of Redis).
    const client = new Redis(redisUrl);
    const sent: string[][] = [];
    const sendCommand = client.sendCommand.bind(client);
    client.sendCommand = (command, stream) => {
      sent.push([command.name, ...command.args.map(String)]);
      return sendCommand(command, stream);
    };
    const p = createProducer({ connection: client, ...where, encryptionKeys: { current: 'k1', keys: { k1: a } }, limits: { perRecipient: { max: 100, windowSeconds: 600 } } });
    const limitCalls = () => sent.filter((args) => args.some((arg) => arg.startsWith(`${where.prefix}:${where.queue}:limit`)));
    try {
      await send(p, 'user0@example.com');
      const afterFirst = limitCalls();
      expect(afterFirst.filter(([name]) => name === 'hgetall')).toHaveLength(1);
      for (let i = 1; i <= 4; i += 1) await send(p, `user${i}@example.com`);
      const later = limitCalls().slice(afterFirst.length);
      expect(later.map(([name]) => name)).toEqual(['evalsha', 'evalsha', 'evalsha', 'evalsha']);
    } finally {
      await p.close();
      client.disconnect();
    }
  });
});
