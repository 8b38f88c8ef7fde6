import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { seal } from '../../src/crypto/envelope.js';
import { generateKey, parseKeyRing, type KeyRing } from '../../src/crypto/key-ring.js';
import { ipBucket } from '../../src/limits/ip-bucket.js';
import { limitKeyBinding, planLimitKey, type LimitKeyPlan } from '../../src/limits/limit-key-plan.js';
import { createRecipientHasher, derivedLimitSecret, normalizeRecipient } from '../../src/limits/recipient-key.js';

describe('ipBucket', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.7 ', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::ffff:cb00:7107', '203.0.113.7'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0DB8:0000:0000:1:2:3:4', '2001:db8:0:0::/64'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
  ])('%s → %s', (ip, bucket) => {
    expect(ipBucket(ip)).toBe(bucket);
  });

  it.each(['', 'localhost', '1.2.3', '256.1.1.1', '1::2::3', '2001:db8::g', '203.0.113.7, 10.0.0.1'])('%j is not an IP', (ip) => {
    expect(ipBucket(ip)).toBeUndefined();
  });
});

describe('recipient hashes for limit keys', () => {
  it('normalises as Logto counts: email lower-cased, phone without separators', () => {
    expect(normalizeRecipient(' Ana@Example.COM ')).toBe('ana@example.com');
    expect(normalizeRecipient('+1 (415) 555-0123')).toBe('+14155550123');
  });

  it('never contains the recipient, and is keyed when there is a limit key', () => {
    const plain = createRecipientHasher(undefined);
    const keyed = createRecipientHasher(randomBytes(32));
    const otherKey = createRecipientHasher(randomBytes(32));
    const h = keyed('ana@example.com');
    expect(h).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(h).not.toContain('ana');
    expect(h).toBe(keyed('ANA@example.com'));
    expect(h).not.toBe(plain('ana@example.com'));
    expect(h).not.toBe(otherKey('ana@example.com'));
  });

  it("a queue's first limit key is the one earlier releases derived (HKDF of the lowest key id): the upgrade keeps counters", () => {
    const [k1, k2] = [Buffer.alloc(32, 1).toString('base64'), Buffer.alloc(32, 2).toString('base64')];
    // Computed with the release before the stored limit key.
    const before = 'MEsTa3AhLJmYMj2zIe7Pn-pAo2l_21R_qT7UvkRw6gM';
    expect(createRecipientHasher(derivedLimitSecret(parseKeyRing({ current: 'k2', keys: { k2, k1 } })))('+14155550123')).toBe(before);
  });
});

describe('planLimitKey (what a producer does with the stored limit key)', () => {
  const [a, b, c] = [generateKey(), generateKey(), generateKey()];
  const secret = randomBytes(32);
  const gen = 'G'.repeat(22);
  const ringOf = (current: string, keys: Record<string, string>) => parseKeyRing({ current, keys });
  const sealedWith = (id: string, key: string, generation = gen, value = secret.toString('base64url')) => seal(ringOf(id, { [id]: key }), value, limitKeyBinding(generation));
  const ring12 = ringOf('k2', { k1: a, k2: b });

  type Row = [string, Record<string, string>, KeyRing, LimitKeyPlan | { action: 'use'; seal: boolean; prune: string[] }];
  const rows: Row[] = [
    ['nothing stored: store the derived one', {}, ring12, { action: 'renew', expected: '', secret: 'derived' }],
    ['sealed with current: use, write nothing', { gen, 'sealed:k2': sealedWith('k2', b) }, ring12, { action: 'use', seal: false, prune: [] }],
    ['sealed with an older ring key: use, seal with current', { gen, 'sealed:k1': sealedWith('k1', a) }, ring12, { action: 'use', seal: true, prune: [] }],
    ['old key removed from the ring: use current, drop its field', { gen, 'sealed:k1': sealedWith('k1', a), 'sealed:k2': sealedWith('k2', b) }, ringOf('k2', { k2: b }), { action: 'use', seal: false, prune: ['sealed:k1'] }],
    ['a lower id added: order does not matter', { gen, 'sealed:k2': sealedWith('k2', b) }, ringOf('k2', { k0: c, k2: b }), { action: 'use', seal: false, prune: [] }],
    ['current field sealed with another key (moved): reseal', { gen, 'sealed:k2': sealedWith('k1', a) }, ring12, { action: 'use', seal: true, prune: [] }],
    ['current field fails authentication, another opens: repair', { gen, 'sealed:k2': sealedWith('k2', c), 'sealed:k1': sealedWith('k1', a) }, ring12, { action: 'use', seal: true, prune: [] }],
    ['no ring key opens it: a random new one replaces this gen', { gen, 'sealed:k7': sealedWith('k7', c) }, ring12, { action: 'renew', expected: gen, secret: 'random' }],
    ['sealed under another generation (copied): not opened', { gen, 'sealed:k2': sealedWith('k2', b, 'H'.repeat(22)) }, ring12, { action: 'renew', expected: gen, secret: 'random' }],
    ['opens, but not 32 bytes: replaced', { gen, 'sealed:k2': sealedWith('k2', b, gen, 'c2hvcnQ') }, ring12, { action: 'renew', expected: gen, secret: 'random' }],
    ['a malformed gen: replaced', { gen: 'x', 'sealed:k2': sealedWith('k2', b, 'x') }, ring12, { action: 'renew', expected: 'x', secret: 'random' }],
    ['fields without gen: replaced as if nothing were stored', { 'sealed:k2': sealedWith('k2', b) }, ring12, { action: 'renew', expected: '', secret: 'derived' }],
  ];

  it.each(rows)('%s', (_name, stored, ring, expected) => {
    const plan = planLimitKey(stored, ring);
    if (expected.action === 'renew') {
      expect(plan).toEqual(expected);
      return;
    }
    expect(plan).toEqual({ ...expected, action: 'use', generation: gen, secret });
  });
});
