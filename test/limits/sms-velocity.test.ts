import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { isRateLimitedError } from '../../src/errors/rate-limited-error.js';
import { createLimitChecker, type LimitMode, type ProducerLimits } from '../../src/limits/producer-limits.js';
import { numberPrefix, smsVelocityHits } from '../../src/limits/sms-velocity.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

type Seen = { limit: string; mode: LimitMode }[];
const checker = (prefix: string, limits: ProducerLimits, seen: Seen = []) =>
  createLimitChecker(redis, { prefix, queue: 'otp', limits, ring: undefined }, (limit, mode) => seen.push({ limit, mode }));
const sms = (to: string, country: string | undefined = 'GB') => ({ channel: 'sms' as const, to, country, ip: undefined });
/** The scope a check was refused for, or 'sent'. */
const outcome = (check: Promise<void>) => check.then(() => 'sent', (e: unknown) => (isRateLimitedError(e) ? e.scope : 'error'));

describe('SMS velocity by prefix and country (real Redis)', () => {
  it('reads the prefix as the first digits after +, country code included', () => {
    expect(numberPrefix('+447700900123', 8)).toBe('44770090');
    expect(smsVelocityHits('b', '+447700900123', undefined, { perCountry: { default: { max: 1, windowSeconds: 1 } } }, false).map((h) => h.key)).toEqual(['b:country:ZZ']);
  });

  it('cuts a burst to one prefix at its limit while other prefixes pass', async () => {
    const check = checker(`{v-${randomUUID()}}`, { sms: { perPrefix: { max: 5, windowSeconds: 3600, digits: 8 } } });
    const burst = [];
    for (let i = 0; i < 20; i += 1) burst.push(await outcome(check(sms(`+44770090${String(1000 + i)}`))));
    expect(burst.filter((o) => o === 'sent')).toHaveLength(5);
    expect(burst.slice(5).every((o) => o === 'prefix')).toBe(true);
    expect(await outcome(check(sms('+447911123456')))).toBe('sent');
  });

  it('holds a country cap across two producers, with a per-country override', async () => {
    const prefix = `{v-${randomUUID()}}`;
    const limits = { sms: { perCountry: { default: { max: 100, windowSeconds: 3600 }, NG: { max: 3, windowSeconds: 3600 } } } };
    const [a, b] = [checker(prefix, limits), checker(prefix, limits)];
    const results = [];
    for (let i = 0; i < 8; i += 1) results.push(await outcome((i % 2 ? a : b)(sms(`+23480312345${String(10 + i)}`, 'NG'))));
    expect(results.filter((o) => o === 'sent')).toHaveLength(3);
    expect(results.filter((o) => o === 'country')).toHaveLength(5);
    expect(await outcome(a(sms('+447911123456', 'GB')))).toBe('sent');
  });

  it('observe mode refuses nothing and counts everything it would have refused', async () => {
    const seen: Seen = [];
    const check = checker(`{v-${randomUUID()}}`, { mode: 'observe', perRecipient: { max: 2, windowSeconds: 600 }, sms: { perPrefix: { max: 3, windowSeconds: 3600, digits: 6 } } }, seen);
    const results = [];
    for (let i = 0; i < 6; i += 1) results.push(await outcome(check(sms(`+44770090${String(1000 + (i % 2))}`))));
    expect(results.every((o) => o === 'sent')).toBe(true);
    // prefix: 3 allowed, then 3 would-be refusals; recipient (2 numbers, 2 each): 1 each.
    expect(seen.filter((s) => s.limit === 'prefix')).toHaveLength(3);
    expect(seen.filter((s) => s.limit === 'recipient')).toHaveLength(2);
    expect(seen.every((s) => s.mode === 'observe')).toBe(true);
  });

  it('reports an enforced refusal once, with its limit', async () => {
    const seen: Seen = [];
    const check = checker(`{v-${randomUUID()}}`, { sms: { perPrefix: { max: 1, windowSeconds: 3600, digits: 8 } } }, seen);
    await check(sms('+447700900001'));
    expect(await outcome(check(sms('+447700900002')))).toBe('prefix');
    expect(seen).toEqual([{ limit: 'prefix', mode: 'enforce' }]);
  });
});
