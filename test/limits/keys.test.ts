import { describe, expect, it } from 'vitest';
import { generateKey, parseKeyRing } from '../../src/crypto/key-ring.js';
import { ipBucket } from '../../src/limits/ip-bucket.js';
import { createRecipientHasher, normalizeRecipient } from '../../src/limits/recipient-key.js';

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

  it('never contains the recipient, and is keyed when payload keys are configured', () => {
    const plain = createRecipientHasher(undefined);
    const k1 = generateKey();
    const keyed = createRecipientHasher(parseKeyRing({ current: 'k1', keys: { k1 } }));
    const otherKey = createRecipientHasher(parseKeyRing({ current: 'k1', keys: { k1: generateKey() } }));
    const h = keyed('ana@example.com');
    expect(h).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(h).not.toContain('ana');
    expect(h).toBe(keyed('ANA@example.com'));
    expect(h).not.toBe(plain('ana@example.com'));
    expect(h).not.toBe(otherKey('ana@example.com'));
  });

  it('keeps counting across a key rotation (derived from the lowest key id, whatever `current` is)', () => {
    const [a, b] = [generateKey(), generateKey()];
    const before = createRecipientHasher(parseKeyRing({ current: 'k1', keys: { k1: a } }));
    const during = createRecipientHasher(parseKeyRing({ current: 'k2', keys: { k2: b, k1: a } }));
    expect(during('+14155550123')).toBe(before('+14155550123'));
  });
});
