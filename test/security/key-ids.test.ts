import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { generateKey, parseKeyRing } from '../../src/crypto/key-ring.js';
import { createProducer } from '../../src/producer/index.js';
import { createProviderRegistry } from '../../src/providers/registry.js';

/** Envelopes are `v2.<keyId>.<iv>.<body>`: an id with a `.` would seal what nobody can open. */
describe('encryption key ids', () => {
  const key = generateKey();

  it.each(['k.1', '', 'k 1', 'k/1', 'ключ', 'a'.repeat(33)])('parseKeyRing refuses the id %j', (id) => {
    expect(() => parseKeyRing({ current: id, keys: { [id]: key } })).toThrow(/key id/);
  });

  it.each(['k1', 'K_2', '2024-06', 'a'.repeat(32)])('parseKeyRing accepts the id %j', (id) => {
    expect(parseKeyRing({ current: id, keys: { [id]: key } }).current).toBe(id);
  });

  it('names the bad id, never a key, even when a key was written where an id goes', () => {
    const message = (() => {
      try {
        parseKeyRing({ current: 'k1', keys: { k1: key, 'k.1': key } });
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toContain('"k.1"');
    expect(message).not.toContain(key);
    // Keys and ids swapped: the "id" is a key, and must not be echoed.
    expect(() => parseKeyRing({ current: key, keys: { [key]: generateKey() } })).toThrow(/key id/);
    try {
      parseKeyRing({ current: 'k1', keys: { k1: key, [key]: key } });
    } catch (error) {
      expect((error as Error).message).not.toContain(key.slice(0, 12));
    }
  });

  it('createProducer with the key id `k.1` throws at creation', () => {
    // An instance we own: createProducer does not close it when it throws.
    const redis = new Redis(inject('redisUrl'));
    try {
      expect(() => createProducer({ connection: redis, encryptionKeys: { current: 'k1', keys: { k1: key, 'k.1': key } } })).toThrow(/key id "k\.1"/);
      expect(() => createProducer({ connection: redis, encryptionKeys: { current: 'k.1', keys: { 'k.1': key } } })).toThrow(/key id "k\.1"/);
    } finally {
      redis.disconnect();
    }
  });

  it('the config check still reports it at the key id path', () => {
    const raw = { security: { encryptionKeys: { current: 'k.1', keys: { 'k.1': key } } } };
    let issues: string[] = [];
    try {
      parseConfig(raw, createProviderRegistry(), {});
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues = error.issues.map((i) => `${i.path}: ${i.message}`);
    }
    expect(issues).toEqual([expect.stringMatching(/^security\.encryptionKeys\.keys\.k\.1: /)]);
    expect(issues.join('\n')).not.toContain(key);
  });
});
