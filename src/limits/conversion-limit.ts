import type { Cluster, Redis } from 'ioredis';
import { numberPrefix, type ScopedHit } from './sms-velocity.js';

/** SPEC §12 `limits.sms.minConversion`: a prefix whose codes are used less often than `ratio` is blocked. */
export type MinConversion = {
  /** Used ÷ sent below this (0–1] after `minSends` blocks the prefix. */
  ratio: number;
  /** Sends in the window before the ratio is judged: a young prefix is never blocked. */
  minSends: number;
  windowSeconds: number;
  blockSeconds: number;
  /** The prefix length when `perPrefix` is not set (with it, its `digits`). @default 8 */
  digits?: number;
};

/** What the producer applies: the prefix length resolved, times in ms, and the mode. */
export type ConversionPolicy = { digits: number; ratio: number; minSends: number; windowMs: number; blockMs: number; observe: boolean };

export const DEFAULT_CONVERSION_DIGITS = 8;

/**
 * The policy of `limits.sms` (none without `minConversion`). The prefix is counted as `perPrefix`
 * counts it: its `digits` when it is set, else `minConversion.digits`, else 8. Pure.
 */
export const conversionPolicy = (
  sms: { perPrefix?: { digits: number } | undefined; minConversion?: MinConversion | undefined } | undefined,
  mode: 'enforce' | 'observe' = 'enforce',
): ConversionPolicy | undefined => {
  const min = sms?.minConversion;
  if (!min) return undefined;
  const digits = sms.perPrefix?.digits ?? min.digits ?? DEFAULT_CONVERSION_DIGITS;
  return { digits, ratio: min.ratio, minSends: min.minSends, windowMs: min.windowSeconds * 1000, blockMs: min.blockSeconds * 1000, observe: mode === 'observe' };
};

/**
 * One prefix's keys, under the queue's prefix (its Cluster slot): `sent` and `used` are sliding
 * windows of message ids scored by the send's Redis time; `block` (enforce) and `observe` are the
 * block keys of each mode, apart so that switching to enforce inherits no observe-mode block.
 * Prefixes are not personal: they are stored as they are.
 */
export const conversionLimitKeys = (prefix: string, queue: string, smsPrefix: string) => {
  const base = `${prefix}:${queue}:limit:conversion`;
  return { sent: `${base}:sent:${smsPrefix}`, used: `${base}:used:${smsPrefix}`, block: `${base}:block:${smsPrefix}`, observe: `${base}:observe:${smsPrefix}` };
};

/** The prefix's windows and block key, when the limit applies to this send. */
export type PrefixWindows = { sent: string; used: string; block: string; policy: ConversionPolicy };

/** The windows of `to`'s prefix, and the block key of the policy's mode. */
export const prefixWindows = (prefix: string, queue: string, to: string, policy: ConversionPolicy): PrefixWindows & { smsPrefix: string } => {
  const smsPrefix = numberPrefix(to, policy.digits);
  const keys = conversionLimitKeys(prefix, queue, smsPrefix);
  return { sent: keys.sent, used: keys.used, block: policy.observe ? keys.observe : keys.block, policy, smsPrefix };
};

/** The checker's gate for `to`: refused (or, observing, reported) while its prefix's block key lives. */
export const conversionGate = (prefix: string, queue: string, to: string, policy: ConversionPolicy): ScopedHit => ({
  key: prefixWindows(prefix, queue, to, policy).block,
  gate: true,
  scope: 'conversion',
  observe: policy.observe,
});

/**
 * A code was enqueued. KEYS: the recipient's pending mark, the id's record[, sent, used, block];
 * ARGV: id, ttl ms, id record[, window ms, minSends, ratio, block ms]. Sets both marks; with the
 * prefix's keys also records the send (Redis `TIME`), trims both windows and, when sent ≥ minSends
 * and used < ratio × sent, sets the block key unless it is set already. Returns {sent, used} when
 * this call started a block (so exactly one caller logs it), else 0.
 */
const SENT = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
if #KEYS < 5 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - window)
redis.call('ZADD', KEYS[3], now, ARGV[1])
redis.call('PEXPIRE', KEYS[3], window)
local sent = redis.call('ZCARD', KEYS[3])
local used = redis.call('ZCARD', KEYS[4])
if sent < tonumber(ARGV[5]) or used >= tonumber(ARGV[6]) * sent then return 0 end
if redis.call('SET', KEYS[5], sent .. ' ' .. used, 'PX', ARGV[7], 'NX') then return {sent, used} end
return 0
`;

/**
 * A code was reported used. KEYS: pending mark, last-used record[, sent, used]; ARGV: epoch ms,
 * record seconds, expected id ('' = whichever is pending). Takes the mark (only if it holds the
 * expected id) and writes the record; with the prefix's windows, a send still in `sent` is added to
 * `used` under the send's own score, so `used` only ever holds codes that were sent in the window:
 * reports for codes never sent, or sent long ago, or reported twice move nothing. Returns the id, or nil.
 */
const TAKE = `
local id = redis.call('GET', KEYS[1])
if not id or (ARGV[3] ~= '' and id ~= ARGV[3]) then return false end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], id .. ' ' .. ARGV[1], 'EX', ARGV[2])
if #KEYS == 4 then
  local at = redis.call('ZSCORE', KEYS[3], id)
  local ttl = redis.call('PTTL', KEYS[3])
  if at and ttl > 0 then
    redis.call('ZADD', KEYS[4], at, id)
    redis.call('PEXPIRE', KEYS[4], ttl)
  end
end
return id
`;

type Scripts = {
  otpConversionSent?: (numKeys: number, ...args: (string | number)[]) => Promise<0 | [number, number]>;
  otpConversionTake?: (numKeys: number, ...args: (string | number)[]) => Promise<string | null>;
};

export type ConversionScripts = {
  /** Both marks, and the send in the prefix's window; `{sent, used}` when this send started a block. */
  sent(marks: { pending: string; record: string }, id: string, ttlMs: number, value: string, windows?: PrefixWindows): Promise<{ sent: number; used: number } | undefined>;
  /** The pending id taken (and counted in the prefix's `used`), or undefined. */
  take(marks: { pending: string; last: string }, at: number, seconds: number, expected: string, windows?: { sent: string; used: string }): Promise<string | undefined>;
};

export const createConversionScripts = (redis: Redis | Cluster): ConversionScripts => {
  const client = redis as (Redis | Cluster) & Scripts;
  if (!client.otpConversionSent) client.defineCommand('otpConversionSent', { lua: SENT });
  if (!client.otpConversionTake) client.defineCommand('otpConversionTake', { lua: TAKE });
  return {
    async sent({ pending, record }, id, ttlMs, value, windows) {
      const run = client.otpConversionSent;
      if (!run) throw new Error('conversion script not registered');
      const ttl = Math.max(1, Math.ceil(ttlMs));
      const limit = windows ? [windows.sent, windows.used, windows.block] : [];
      const { policy } = windows ?? {};
      const args = policy ? [policy.windowMs, policy.minSends, policy.ratio, policy.blockMs] : [];
      const started = await run.call(client, 2 + limit.length, pending, record, ...limit, id, ttl, value, ...args);
      return Array.isArray(started) ? { sent: Number(started[0]), used: Number(started[1]) } : undefined;
    },
    async take({ pending, last }, at, seconds, expected, windows) {
      const run = client.otpConversionTake;
      if (!run) throw new Error('conversion script not registered');
      const limit = windows ? [windows.sent, windows.used] : [];
      return (await run.call(client, 2 + limit.length, pending, last, ...limit, String(at), String(seconds), expected)) ?? undefined;
    },
  };
};
