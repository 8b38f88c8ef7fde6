import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { conversionLimitKeys, conversionPolicy, type ConversionPolicy, type MinConversion } from '../../src/limits/conversion-limit.js';
import { conversionIdKey, createConversions } from '../../src/limits/conversions.js';
import { createLimitHashingSource } from '../../src/limits/limit-key.js';
import { createProducer, isRateLimitedError, type Producer, type ProducerLimits } from '../../src/producer/index.js';
import { metricValue } from '../helpers/metrics.js';
import { pollUntil, scanKeys, unique } from '../ingest/support/harness.js';

const redisUrl = inject('redisUrl');
const redis = new Redis(redisUrl);
const producers: Producer[] = [];
afterAll(async () => {
  await Promise.all(producers.map((p) => p.close()));
  redis.disconnect();
});

type Logged = { fields: Record<string, unknown>; message: string };
const MIN: MinConversion = { ratio: 0.5, minSends: 5, windowSeconds: 3600, blockSeconds: 3600 };

/** A producer on a fresh queue (or `scope`'s), with its registry and what it logged. */
const start = (limits: ProducerLimits, { silent = false, scope = { queue: unique('q'), prefix: `{${unique('cv')}}` } } = {}) => {
  const registry = new Registry();
  const logged: Logged[] = [];
  const producer = createProducer({ connection: redisUrl, ...scope, registry, limits, silent, logger: { warn: (fields, message) => logged.push({ fields, message }) } });
  producers.push(producer);
  const sms = (to: string) => producer.send({ channel: 'sms', to, type: 'SignIn', payload: { code: '123456' } });
  /** 'sent', or the limit that refused it. */
  const outcome = (to: string) => sms(to).then(() => 'sent', (e: unknown) => (isRateLimitedError(e) ? e.scope : `error ${String(e)}`));
  return { producer, registry, logged, scope, sms, outcome };
};

/** Numbers in one 8-digit prefix (`14155550`, `14155551`, …): +1 415 555 0100 …, all valid US numbers. */
const number = (block: number, i: number) => `+1415555${String(block)}${String(100 + i).padStart(3, '0')}`;

describe('conversionPolicy (pure)', () => {
  it.each([
    { name: 'none without minConversion', sms: { perPrefix: { digits: 6 } }, mode: 'enforce' as const, want: undefined },
    { name: "perPrefix's digits when it is set", sms: { perPrefix: { digits: 6 }, minConversion: MIN }, mode: 'enforce' as const, want: { digits: 6, observe: false } },
    { name: 'minConversion.digits without perPrefix', sms: { minConversion: { ...MIN, digits: 5 } }, mode: 'enforce' as const, want: { digits: 5, observe: false } },
    { name: '8 by default; observe mode', sms: { minConversion: MIN }, mode: 'observe' as const, want: { digits: 8, observe: true } },
  ])('$name', ({ sms, mode, want }) => {
    const policy = conversionPolicy(sms, mode);
    if (!want) return expect(policy).toBeUndefined();
    expect(policy).toEqual({ ...want, ratio: 0.5, minSends: 5, windowMs: 3_600_000, blockMs: 3_600_000 });
  });
});

describe('the block decision (one script per send, real Redis)', () => {
  const policy: ConversionPolicy = { digits: 8, ratio: 0.2, minSends: 10, windowMs: 60_000, blockMs: 60_000, observe: false };
  /** Runs `sends` sends to one prefix, the first `uses` of them reported used right away; the send that started a block (1-based). */
  const firstBlock = async (sends: number, uses: number): Promise<number | undefined> => {
    const scope = { prefix: `{${unique('cd')}}`, queue: 'otp', policy };
    const conversions = createConversions(redis, createLimitHashingSource(redis, { ...scope, ring: undefined }), scope);
    for (let i = 0; i < sends; i += 1) {
      const to = number(0, i);
      const block = await conversions.noteSent({ channel: 'sms', to, id: randomUUID(), ttlMs: 60_000, country: 'US' });
      if (block) return i + 1;
      if (i < uses) expect((await conversions.record('sms', to)).converted).toBe(true);
    }
    return undefined;
  };

  it.each([
    { sends: 9, uses: 0, blockedAt: undefined }, // fewer than minSends: not judged yet
    { sends: 10, uses: 0, blockedAt: 10 },
    { sends: 12, uses: 1, blockedAt: 10 }, // 1 of 10 is below 20 %
    { sends: 12, uses: 2, blockedAt: 11 }, // 2 of 10 is not below 20 %, 2 of 11 is
    { sends: 12, uses: 12, blockedAt: undefined },
  ])('$sends sends, the first $uses reported used → a block starts at send $blockedAt', async ({ sends, uses, blockedAt }) => {
    expect(await firstBlock(sends, uses)).toBe(blockedAt);
  });
});

describe('limits.sms.minConversion through the producer (real Redis)', () => {
  const limits: ProducerLimits = { sms: { minConversion: MIN } };

  it('blocks a prefix whose codes are never used after minSends, logged and counted once; a converting prefix passes', async () => {
    const { producer, registry, logged, outcome, sms } = start(limits);
    const pumped = [];
    for (let i = 0; i < 8; i += 1) pumped.push(await outcome(number(0, i)));
    expect(pumped).toEqual(['sent', 'sent', 'sent', 'sent', 'sent', 'conversion', 'conversion', 'conversion']);
    const refused = await sms(number(0, 9)).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'RateLimitedError', scope: 'conversion' });
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(3_590_000);
    // Healthy traffic to another prefix: every code used.
    for (let i = 0; i < 12; i += 1) {
      const { id } = await sms(number(1, i));
      expect(await producer.verified(i % 2 ? { id } : { channel: 'sms', to: number(1, i) })).toEqual({ converted: true });
    }
    expect(await outcome(number(1, 99))).toBe('sent');
    expect(logged).toEqual([{ message: 'prefix blocked', fields: { prefix: '14155550', country: 'US', mode: 'enforce', sent: 5, used: 0, blockSeconds: 3600 } }]);
    expect(await metricValue(registry, 'otp_prefix_blocks_total', { channel: 'sms', country: 'US', mode: 'enforce' })).toBe(1);
    expect(await metricValue(registry, 'otp_limited_total', { channel: 'sms', limit: 'conversion', mode: 'enforce' })).toBe(4);
    expect(await metricValue(registry, 'otp_conversions_total', { channel: 'sms', country: 'US' })).toBe(12);
  });

  it('a second producer on the queue starts no second block and is refused too', async () => {
    const first = start(limits);
    const second = start(limits, { scope: first.scope });
    for (let i = 0; i < 5; i += 1) await (i % 2 ? first : second).sms(number(0, i));
    expect(await second.outcome(number(0, 7))).toBe('conversion');
    expect([...first.logged, ...second.logged]).toHaveLength(1);
  });

  it('limits.silent: a blocked prefix gets an accepted-looking answer, nothing enqueued', async () => {
    const { registry, sms } = start(limits, { silent: true });
    for (let i = 0; i < 5; i += 1) await sms(number(0, i));
    const answer = await sms(number(0, 6));
    expect(answer).toMatchObject({ duplicate: false, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(await metricValue(registry, 'otp_messages_enqueued_total', { channel: 'sms' })).toBe(5);
    expect(await metricValue(registry, 'otp_limited_total', { limit: 'conversion', mode: 'enforce' })).toBe(1);
  });

  it('observe mode refuses nothing and counts the block and every would-be refusal; enforce then inherits no block', async () => {
    const observing = start({ ...limits, mode: 'observe' });
    const results = [];
    for (let i = 0; i < 9; i += 1) results.push(await observing.outcome(number(0, i)));
    expect(results.every((r) => r === 'sent')).toBe(true);
    expect(await metricValue(observing.registry, 'otp_prefix_blocks_total', { country: 'US', mode: 'observe' })).toBe(1);
    expect(await metricValue(observing.registry, 'otp_limited_total', { limit: 'conversion', mode: 'observe' })).toBe(4);
    expect(await metricValue(observing.registry, 'otp_limited_total', { mode: 'enforce' })).toBe(0);
    expect(observing.logged.map((l) => l.fields.mode)).toEqual(['observe']);
    // Switching to enforce on the same queue: the observe-mode block does not carry over (the
    // windows do: the next send, still with no code used, starts an enforce block of its own).
    const enforcing = start(limits, { scope: observing.scope });
    expect(await enforcing.outcome(number(0, 20))).toBe('sent');
    expect(await enforcing.outcome(number(0, 21))).toBe('conversion');
  });

  it('a flood of verified reports (codes never sent, unknown ids, the same code again) neither prevents nor lifts a block', async () => {
    const { producer, scope, outcome, sms } = start(limits);
    // Before any send: reports for numbers of the prefix and random ids convert nothing.
    for (let i = 0; i < 50; i += 1) {
      expect(await producer.verified({ channel: 'sms', to: number(0, i) })).toEqual({ converted: false });
      expect(await producer.verified({ id: randomUUID() })).toEqual({ converted: false });
    }
    const { id } = await sms(number(0, 0));
    expect(await producer.verified({ id })).toEqual({ converted: true });
    for (let i = 0; i < 20; i += 1) expect(await producer.verified({ id })).toEqual({ converted: false }); // the same code again
    for (let i = 1; i < 9; i += 1) await outcome(number(0, i)); // 1 used of 5 (< 50 %): blocked at the fifth
    for (let i = 10; i < 60; i += 1) expect(await producer.verified({ channel: 'sms', to: number(0, i) })).toEqual({ converted: false });
    expect(await outcome(number(0, 60))).toBe('conversion');
    const keys = conversionLimitKeys(scope.prefix, scope.queue, '14155550');
    expect([await redis.zcard(keys.sent), await redis.zcard(keys.used)]).toEqual([5, 1]);
    // Even the codes that were sent, reported now, leave the block to run its blockSeconds.
    for (let i = 1; i < 5; i += 1) expect(await producer.verified({ channel: 'sms', to: number(0, i) })).toEqual({ converted: true });
    expect(await redis.zcard(keys.used)).toBe(5);
    expect(await outcome(number(0, 61))).toBe('conversion');
  });

  it('{id}: converts only while it is the recipient\'s latest code, once; an unknown or expired id does not', async () => {
    const { producer, registry, scope, sms } = start({});
    const to = '+4915112345678';
    const older = await sms(to);
    const newer = await sms(to);
    expect(await producer.verified({ id: older.id })).toEqual({ converted: false }); // superseded
    expect(await producer.verified({ id: newer.id })).toEqual({ converted: true });
    expect(await producer.verified({ id: newer.id })).toEqual({ converted: false });
    expect(await producer.verified({ channel: 'sms', to })).toEqual({ converted: false });
    expect(await producer.verified({ id: randomUUID() })).toEqual({ converted: false });
    const mail = await producer.send({ channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '1' } });
    expect(await producer.verified({ id: mail.id })).toEqual({ converted: true });
    // Expired: the id's record lives as long as the message.
    const expiring = await producer.send({ channel: 'email', to: 'bo@example.com', type: 'SignIn', payload: { code: '1' }, expiresAt: Date.now() + 300 });
    await pollUntil(async () => ((await redis.exists(conversionIdKey(scope.prefix, scope.queue, expiring.id))) === 0 || undefined), 5000, 'the id record to expire');
    expect(await producer.verified({ id: expiring.id })).toEqual({ converted: false });
    // The keys hold hashes, prefixes and countries, never a recipient.
    const stored = await scanKeys(redis, `${scope.prefix}:*conversion*`);
    for (const key of stored) expect(`${key} ${(await redis.type(key)) === 'string' ? await redis.get(key) : ''}`).not.toMatch(/example\.com|4915112345678/);
    expect(await metricValue(registry, 'otp_conversions_total', { channel: 'sms', country: 'DE' })).toBe(1);
    expect(await metricValue(registry, 'otp_conversions_total', { channel: 'email', country: 'unknown' })).toBe(1);
    for (const bad of [{ id: 'not-a-uuid' }, { id: 42 }, { id: randomUUID(), channel: 'sms' }, {}]) {
      await expect(producer.verified(bad as never)).rejects.toMatchObject({ name: 'ValidationError' });
    }
  });
});
