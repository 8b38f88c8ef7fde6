import { describe, expect, it } from 'vitest';
import { keySlot } from '../../src/producer/durability.js';

describe('keySlot: the Redis Cluster hash slot (CRC16/XMODEM mod 16384, hash tags)', () => {
  // Values from the Redis Cluster specification and CLUSTER KEYSLOT.
  it.each([
    ['123456789', 12739],
    ['foo', 12182],
    ['bar', 5061],
    ['{user1000}.following', 3443],
    ['user1000', 3443],
    ['{}foo', 9500], // an empty tag: the whole key
    ['foo{}{bar}', 8363], // the first { is closed at once: the whole key (cluster-key-slot 1.1 says 4015; Redis says 8363)
    ['foo{{bar}}zap', 4015], // the tag is "{bar"
    ['{otp}:otp:abc', 3408],
    ['ключ', 10303], // UTF-8 bytes
  ])('%s → %i', (key, slot) => {
    expect(keySlot(key)).toBe(slot);
  });

  it('every key under one {prefix} hashes to the prefix slot', () => {
    expect(keySlot('{otp}:otp:events')).toBe(keySlot('otp'));
    expect(keySlot('{otp}:otp:0b8f-uuid')).toBe(keySlot('otp'));
  });
});
