import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createSlidingWindow } from '../../src/limits/sliding-window.js';
import { pollUntil, unique } from '../ingest/support/harness.js';

describe('sliding window (one Lua script, real Redis)', () => {
  const redis = new Redis(inject('redisUrl'));
  const window = createSlidingWindow(redis);
  const key = () => `{${unique('sw')}}:k`;
  afterAll(() => redis.disconnect());

  it('allows max hits, then refuses with the wait until the oldest leaves the window', async () => {
    const k = key();
    const limit = { max: 2, windowSeconds: 60 };
    expect(await window.hit([{ key: k, limit }], 'a')).toEqual({ waitMs: 0, refused: undefined });
    expect(await window.hit([{ key: k, limit }], 'b')).toEqual({ waitMs: 0, refused: undefined });
    const refused = await window.hit([{ key: k, limit }], 'c');
    expect(refused.refused).toBe(0);
    expect(refused.waitMs).toBeGreaterThan(59_000);
    expect(refused.waitMs).toBeLessThanOrEqual(60_000);
    expect(await redis.zcard(k)).toBe(2); // refused hits are not recorded
    const ttl = await redis.pttl(k);
    expect(ttl).toBeGreaterThan(59_000);
  });

  it('frees a slot once the window has rolled past the oldest hit (Retry-After is honest)', async () => {
    const k = key();
    const limit = { max: 1, windowSeconds: 1 };
    await window.hit([{ key: k, limit }], 'a');
    const { waitMs } = await window.hit([{ key: k, limit }], 'b');
    expect(waitMs).toBeGreaterThan(0);
    const refusedAt = Date.now();
    await pollUntil(async () => ((await window.hit([{ key: k, limit }], 'c')).waitMs === 0 ? true : undefined), 5000, 'a free slot');
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(waitMs - 50);
  });

  it('checks several windows at once: records in all or in none, and names the one that frees last', async () => {
    const base = `{${unique('sw')}}`; // one hash tag: one Redis Cluster slot for both keys
    const [ip, to] = [`${base}:ip`, `${base}:to`];
    const ipLimit = { max: 5, windowSeconds: 60 };
    const toLimit = { max: 1, windowSeconds: 30 };
    expect((await window.hit([{ key: ip, limit: ipLimit }, { key: to, limit: toLimit }], 'a')).waitMs).toBe(0);
    const refused = await window.hit([{ key: ip, limit: ipLimit }, { key: to, limit: toLimit }], 'b');
    expect(refused.refused).toBe(1);
    expect(refused.waitMs).toBeLessThanOrEqual(30_000);
    expect(await redis.zcard(ip)).toBe(1);
  });

  it('after max is lowered, waits until enough old hits have left', async () => {
    const k = key();
    for (const m of ['a', 'b', 'c']) await window.hit([{ key: k, limit: { max: 5, windowSeconds: 60 } }], m);
    const { waitMs } = await window.hit([{ key: k, limit: { max: 1, windowSeconds: 60 } }], 'd');
    expect(waitMs).toBeGreaterThan(0);
    expect(await redis.zcard(k)).toBe(3);
  });

  it('with a guard: counts only while the guard field holds the expected value; otherwise stale, nothing recorded', async () => {
    const base = `{${unique('sw')}}`;
    const [k, guardKey] = [`${base}:k`, `${base}:limit-key`];
    const limit = { max: 5, windowSeconds: 60 };
    const guard = { key: guardKey, field: 'gen', value: 'g1' };
    expect(await window.hit([{ key: k, limit }], 'a', guard)).toEqual({ waitMs: 0, refused: undefined, stale: true }); // no guard hash yet
    await redis.hset(guardKey, 'gen', 'g1');
    expect(await window.hit([{ key: k, limit }], 'b', guard)).toEqual({ waitMs: 0, refused: undefined });
    await redis.hset(guardKey, 'gen', 'g2');
    expect(await window.hit([{ key: k, limit }], 'c', guard)).toEqual({ waitMs: 0, refused: undefined, stale: true });
    expect(await redis.zrange(k, '0', '-1')).toEqual(['b']);
    const refused = await window.hit([{ key: k, limit: { max: 1, windowSeconds: 60 } }], 'd', { ...guard, value: 'g2' });
    expect(refused.refused).toBe(0);
    expect(refused.stale).toBeUndefined();
  });

  it('a gate refuses while its key lives (with its remaining life) and records nothing; an observe gate only reports', async () => {
    const base = `{${unique('sw')}}`;
    const [gate, k] = [`${base}:block`, `${base}:k`];
    const limit = { max: 5, windowSeconds: 60 };
    expect(await window.hit([{ key: gate, gate: true }, { key: k, limit }], 'a')).toEqual({ waitMs: 0, refused: undefined });
    await redis.set(gate, '1', 'PX', 30_000);
    const refused = await window.hit([{ key: k, limit }, { key: gate, gate: true }], 'b');
    expect(refused.refused).toBe(1);
    expect(refused.waitMs).toBeGreaterThan(29_000);
    expect(refused.waitMs).toBeLessThanOrEqual(30_000);
    expect(await redis.zrange(k, '0', '-1')).toEqual(['a']);
    expect(await window.hit([{ key: gate, gate: true, observe: true }, { key: k, limit }], 'c')).toEqual({ waitMs: 0, refused: undefined, observed: [0] });
    expect(await redis.zrange(k, '0', '-1')).toEqual(['a', 'c']);
    expect(await redis.type(gate)).toBe('string'); // never written as a window
  });

  it('no hits: allowed without a Redis call', async () => {
    expect(await window.hit([], 'x')).toEqual({ waitMs: 0, refused: undefined });
  });
});
