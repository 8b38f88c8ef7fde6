import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { shareConcurrency } from '../../src/worker/shard-workers.js';
import { jumpHash, MAX_SHARDS, parseShardList, shardedId, shardIndexOf, shardLayout, shardOf, shardRefOfId, slotOfPrefix, SLOTS } from '../../src/messages/shards.js';

const base = { name: 'otp', prefix: '{otp}' };

describe('shard layout', () => {
  it('one shard is the single queue, unchanged', () => {
    expect(shardLayout(base, 1)).toEqual([{ index: 0, count: 1, name: 'otp', prefix: '{otp}', slot: calculateSlot('otp') }]);
  });

  it.each([2, 3, 4, 6, 8, 16, 64, MAX_SHARDS])('%i shards: each slot in the middle half of its own range, names and tags distinct', (count) => {
    const shards = shardLayout(base, count);
    const width = SLOTS / count;
    shards.forEach((s, i) => {
      expect(s.slot).toBe(slotOfPrefix(s.prefix));
      expect(s.slot).toBeGreaterThanOrEqual(i * width + width / 4);
      expect(s.slot).toBeLessThan(i * width + (3 * width) / 4);
      expect(s.name).toBe(`otp-${i}of${count}`);
    });
    expect(new Set(shards.map((s) => s.prefix)).size).toBe(count);
  });

  it('three shards land one per master of a three-master Cluster made by redis-cli (0-5460, 5461-10922, 10923-16383)', () => {
    const master = (slot: number) => (slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2);
    expect(shardLayout(base, 3).map((s) => master(s.slot))).toEqual([0, 1, 2]);
    expect(shardLayout(base, 6).map((s) => master(s.slot))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it.each([
    ['{otp}', /^\{otp-1of4-\d+\}$/],
    ['app:{otp}:x', /^app:\{otp-1of4-\d+\}:x$/],
    ['bull', /^\{bull-1of4-\d+\}$/],
  ])('prefix %s keeps what surrounds its hash tag', (prefix, shape) => {
    expect(shardOf({ name: 'q', prefix }, { index: 1, count: 4 }).prefix).toMatch(shape);
  });

  it('is the same in every process (a pure function of name, prefix and count)', () => {
    expect(shardLayout(base, 8)).toEqual(shardLayout({ ...base }, 8));
  });
});

describe('routing', () => {
  it('jump hash: in range, stable, and growing N moves about 1/N of the keys', () => {
    const keys = Array.from({ length: 4000 }, (_, i) => BigInt(i) * 0x9e3779b97f4a7c15n);
    const at8 = keys.map((k) => jumpHash(k, 8));
    const at9 = keys.map((k) => jumpHash(k, 9));
    expect(at8.every((b) => b >= 0 && b < 8)).toBe(true);
    const moved = at8.filter((b, i) => at9[i] !== b).length / keys.length;
    expect(moved).toBeGreaterThan(0.06);
    expect(moved).toBeLessThan(0.17);
    expect(at9.filter((b, i) => b !== at8[i]).every((b) => b === 8)).toBe(true); // keys only move to the new bucket
  });

  it('spreads recipients evenly (each of 4 shards within ±15 % of an even share)', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 8000; i += 1) counts[shardIndexOf(`hash-of-recipient-${i}`, 4)] = (counts[shardIndexOf(`hash-of-recipient-${i}`, 4)] ?? 0) + 1;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(300);
  });

  it('one shard: always 0', () => {
    expect(shardIndexOf('anything', 1)).toBe(0);
  });
});

describe('ids name their shard', () => {
  const uuid = '0b8f5c2e-6d4e-4a53-9a53-6f1f2d1c0a11';
  it.each([
    [{ index: 0, count: 1 }, uuid, { index: 0, count: 1 }],
    [{ index: 3, count: 8 }, `s3of8-${uuid}`, { index: 3, count: 8 }],
    [{ index: 0, count: 2 }, `s0of2-${uuid}`, { index: 0, count: 2 }],
  ])('%o → %s → %o', (ref, id, back) => {
    expect(shardedId(ref, uuid)).toBe(id);
    expect(shardRefOfId(id)).toEqual(back);
    expect(shardRefOfId(`${id}-failover`)).toEqual(back);
  });

  it.each([uuid, 's9of8-x', 's0of1-x', `s1of${MAX_SHARDS + 1}-x`, 'garbage', ''])('%s names no shard: the single queue', (id) => {
    expect(shardRefOfId(id)).toEqual({ index: 0, count: 1 });
  });
});

describe('--shards LIST', () => {
  it.each([
    ['0', 4, [0]],
    ['0-3,6', 8, [0, 1, 2, 3, 6]],
    ['3, 1,1', 4, [1, 3]],
  ])('%s of %i → %o', (list, count, picked) => {
    expect(parseShardList(list, count)).toEqual(picked);
  });

  it.each([
    ['4', 4, /shard 4 does not exist \(queue.shards is 4: 0-3\)/],
    ['a', 4, /"a" is not an index/],
    ['3-1', 4, /runs backwards/],
    ['', 4, /"" is not an index/],
  ])('%s of %i is refused', (list, count, message) => {
    expect(() => parseShardList(list, count)).toThrow(message);
  });
});

describe('the concurrency budget shared over shards', () => {
  it.each([
    [50, 1, [50]],
    [50, 3, [17, 17, 16]],
    [64, 4, [16, 16, 16, 16]],
    [2, 3, [1, 1, 1]],
  ])('%i over %i shards → %o', (total, shards, shares) => {
    expect(shareConcurrency(total, shards)).toEqual(shares);
  });
});
