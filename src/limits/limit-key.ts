import type { Cluster, Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { withDeadline } from '../abort/with-deadline.js';
import { seal } from '../crypto/envelope.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { GENERATION_FIELD, limitKeyBinding, planLimitKey, SEALED_FIELD_PREFIX } from './limit-key-plan.js';
import { createKeyHasher, createRecipientHasher, derivedLimitSecret, type ValueHasher } from './recipient-key.js';
import type { WindowGuard } from './sliding-window.js';

/** Each Redis call of a load (the producer's connection also has its own command timeout), and a whole load. */
const CALL_TIMEOUT_MS = 1500;
const LOAD_TIMEOUT_MS = 3000;
/** Loads that find the limit key changed under them (another producer renewing it) before giving up. */
const MAX_ATTEMPTS = 4;

/** Replace the limit key if `gen` is still ARGV[1] ('' = none): ARGV[2] new gen, ARGV[3] field, ARGV[4] sealed key. */
const RENEW = `
if (redis.call('HGET', KEYS[1], '${GENERATION_FIELD}') or '') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '${GENERATION_FIELD}', ARGV[2], ARGV[3], ARGV[4])
return 1
`;

/** If `gen` is still ARGV[1]: set field ARGV[2] (unless '') to ARGV[3], delete fields ARGV[4..]. */
const KEEP = `
if redis.call('HGET', KEYS[1], '${GENERATION_FIELD}') ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], ARGV[2], ARGV[3]) end
for i = 4, #ARGV do redis.call('HDEL', KEYS[1], ARGV[i]) end
return 1
`;

type Scripts = {
  otpLimitKeyRenew?: (key: string, expected: string, generation: string, field: string, sealed: string) => Promise<number>;
  otpLimitKeyKeep?: (key: string, generation: string, field: string, sealed: string, ...prune: string[]) => Promise<number>;
};

export type LimitKey = { generation: string; secret: Buffer };

/** Under the queue's prefix: the same Redis Cluster slot as the counters it guards. */
export const limitKeyName = (prefix: string, queue: string): string => `${prefix}:${queue}:limit-key`;

/**
 * Reads the queue's limit key (src/limits/limit-key-plan.ts), storing one sealed with the ring's
 * current key when there is none or no ring key opens it, adding a field for the current key and
 * dropping fields of removed keys. A few bounded Redis calls; the caller caches the result.
 */
export const loadLimitKey = async (redis: Redis | Cluster, key: string, ring: KeyRing): Promise<LimitKey> => {
  const client = redis as (Redis | Cluster) & Scripts;
  if (!client.otpLimitKeyRenew) client.defineCommand('otpLimitKeyRenew', { numberOfKeys: 1, lua: RENEW });
  if (!client.otpLimitKeyKeep) client.defineCommand('otpLimitKeyKeep', { numberOfKeys: 1, lua: KEEP });
  const { otpLimitKeyRenew: renew, otpLimitKeyKeep: keep } = client;
  if (!renew || !keep) throw new Error('limit key scripts not registered');
  const field = SEALED_FIELD_PREFIX + ring.current;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const plan = planLimitKey(await withDeadline(redis.hgetall(key), CALL_TIMEOUT_MS), ring);
    if (plan.action === 'use') {
      const { generation, secret } = plan;
      if (!plan.seal && plan.prune.length === 0) return { generation, secret };
      const sealed = plan.seal ? seal(ring, secret.toString('base64url'), limitKeyBinding(generation)) : '';
      if ((await withDeadline(keep.call(client, key, generation, plan.seal ? field : '', sealed, ...plan.prune), CALL_TIMEOUT_MS)) === 1) return { generation, secret };
      continue;
    }
    const generation = randomBytes(16).toString('base64url');
    const secret = plan.secret === 'derived' ? derivedLimitSecret(ring) : randomBytes(32);
    const sealed = seal(ring, secret.toString('base64url'), limitKeyBinding(generation));
    if ((await withDeadline(renew.call(client, key, plan.expected, generation, field, sealed), CALL_TIMEOUT_MS)) === 1) return { generation, secret };
  }
  throw new Error('the limit key in Redis kept changing while it was read');
};

/** Hashers for limit counters, and the guard that makes the counting script refuse a stale limit key. */
export type LimitHashing = { hashValue: ValueHasher; hashRecipient: ValueHasher; guard: WindowGuard | undefined };

export type LimitHashingSource = {
  /** Cached after the first call: no Redis round trip then. */
  current(): Promise<LimitHashing>;
  /** The counting script found the limit key changed: the next `current()` reads it again. */
  forget(stale: LimitHashing): void;
};

/** Without payload keys: plain SHA-256, no limit key, nothing to load. */
export const createLimitHashingSource = (redis: Redis | Cluster, { prefix, queue, ring }: { prefix: string; queue: string; ring: KeyRing | undefined }): LimitHashingSource => {
  if (!ring) {
    const plain: LimitHashing = { hashValue: createKeyHasher(undefined), hashRecipient: createRecipientHasher(undefined), guard: undefined };
    return { current: async () => plain, forget: () => {} };
  }
  const key = limitKeyName(prefix, queue);
  let cached: Promise<LimitHashing> | undefined;
  let loaded: LimitHashing | undefined;
  const load = async (): Promise<LimitHashing> => {
    const { generation, secret } = await withDeadline(loadLimitKey(redis, key, ring), LOAD_TIMEOUT_MS);
    loaded = { hashValue: createKeyHasher(secret), hashRecipient: createRecipientHasher(secret), guard: { key, field: GENERATION_FIELD, value: generation } };
    return loaded;
  };
  return {
    current() {
      cached ??= load().catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      return cached;
    },
    forget(stale) {
      // Only the one that was found stale: a check racing a reload must not throw the fresh one away.
      if (loaded === stale) [cached, loaded] = [undefined, undefined];
    },
  };
};
