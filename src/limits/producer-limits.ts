import type { Cluster, Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { KeyRing } from '../crypto/key-ring.js';
import { RateLimitedError } from '../errors/rate-limited-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Channel } from '../messages/types.js';
import { conversionGate, conversionPolicy, type MinConversion } from './conversion-limit.js';
import { ipBucket } from './ip-bucket.js';
import { createLimitHashingSource, type LimitHashing, type LimitHashingSource } from './limit-key.js';
import { createSlidingWindow, type WindowLimit, type WindowResult } from './sliding-window.js';
import { smsVelocityHits, type CountryLimits, type LimitName, type PrefixLimit, type ScopedHit } from './sms-velocity.js';

export type ProducerLimits = {
  /** Per recipient across all producers of the queue; omit for none. Logto's default is 10 per 600 s. */
  perRecipient?: WindowLimit;
  /** Per client IP (Logto's `ip`; IPv6 counted per /64), when the message carries one. */
  perIp?: WindowLimit;
  /**
   * ISO 3166 alpha-2; empty lists = no restriction. A number with no country is refused when either
   * list is set. `perPrefix`, `perCountry`: SPEC §12 velocity windows, shared by all producers.
   * `minConversion`: a prefix whose codes are seldom used is blocked (src/limits/conversion-limit.ts).
   */
  sms?: { allowCountries?: readonly string[]; denyCountries?: readonly string[]; perPrefix?: PrefixLimit; perCountry?: CountryLimits; minConversion?: MinConversion };
  /** SPEC §12: `observe` counts what the windows would refuse and refuses nothing. @default enforce */
  mode?: LimitMode;
  /** Refuse email to an address a receipt reported as a hard bounce or complaint (the ingest writes the mark). @default false */
  suppressBounced?: boolean;
};

/** The mark a hard bounce or complaint leaves on an email address (its keyed hash), for `suppressBouncedSeconds`. */
export const suppressionKey = (prefix: string, queue: string, recipientHash: string): string => `${prefix}:${queue}:limit:suppressed:email:${recipientHash}`;

export type LimitScope = {
  /** BullMQ prefix: limit keys live under it, so they share the queue's Redis Cluster slot. */
  prefix: string;
  queue: string;
  limits: ProducerLimits;
  /** Payload keys: the counters' hashes are keyed with the queue's limit key, stored sealed with them (src/limits/limit-key.ts). */
  ring: KeyRing | undefined;
  /** The producer's hashing source, shared with its conversion marks so the limit key is read once. @default a new one */
  hashing?: LimitHashingSource;
};

/** `to` is already normalised (E.164 for phones); `country` is the phone number's region. */
export type LimitCheck = { channel: Channel; to: string; country: string | undefined; ip: string | undefined };

export type LimitMode = 'enforce' | 'observe';

/** Told of every refusal, and in observe mode of every would-be refusal (`otp_limited_total`). */
export type LimitObserver = (limit: LimitName, mode: LimitMode, channel: Channel) => void;

/** Counting attempts when another producer replaces the limit key in between (it settles after one). */
const MAX_STALE_RETRIES = 3;

/**
 * The checks made before a message is enqueued. Throws ValidationError or RateLimitedError; counts nothing then.
 * With payload keys, the first check that counts reads the limit key from Redis; later ones use it from memory.
 */
export const createLimitChecker = (redis: Redis | Cluster, { prefix, queue, limits, ring, ...scope }: LimitScope, observer: LimitObserver = () => {}) => {
  const window = createSlidingWindow(redis);
  const hashing = scope.hashing ?? createLimitHashingSource(redis, { prefix, queue, ring });
  const upper = (list: readonly string[] | undefined) => new Set((list ?? []).map((c) => c.toUpperCase()));
  const allow = upper(limits.sms?.allowCountries);
  const deny = upper(limits.sms?.denyCountries);
  const base = `${prefix}:${queue}:limit`;
  const refuseSuppressed = async (to: string): Promise<void> => {
    const ms = await redis.pttl(suppressionKey(prefix, queue, (await hashing.current()).hashRecipient(to)));
    if (ms > 0) throw new RateLimitedError('suppressed', ms);
  };
  const mode = limits.mode ?? 'enforce';
  const observe = mode === 'observe';
  const conversion = conversionPolicy(limits.sms, mode);
  const velocity = limits.sms?.perPrefix !== undefined || limits.sms?.perCountry !== undefined || conversion !== undefined;
  const hitsOf = ({ hashValue, hashRecipient }: LimitHashing, { channel, to, country }: LimitCheck, bucket: string | undefined): ScopedHit[] => [
    // IP buckets are hashed as they are: the recipient normaliser would drop IPv4's dots.
    ...(limits.perIp && bucket ? [{ key: `${base}:ip:${hashValue(bucket)}`, limit: limits.perIp, scope: 'ip' as const, observe }] : []),
    ...(limits.perRecipient ? [{ key: `${base}:to:${channel}:${hashRecipient(to)}`, limit: limits.perRecipient, scope: 'recipient' as const, observe }] : []),
    ...(channel === 'sms' && limits.sms ? smsVelocityHits(base, to, country, limits.sms, observe) : []),
    ...(channel === 'sms' && conversion ? [conversionGate(prefix, queue, to, conversion)] : []),
  ];
  /** Reports what the windows said; throws when one refused (never in observe mode). */
  const settle = (hits: readonly ScopedHit[], { waitMs, refused, observed }: WindowResult, channel: Channel): void => {
    for (const i of observed ?? []) {
      const hit = hits[i];
      if (hit) observer(hit.scope, 'observe', channel);
    }
    if (waitMs <= 0) return;
    const scope = hits[refused ?? 0]?.scope ?? 'recipient';
    observer(scope, 'enforce', channel);
    throw new RateLimitedError(scope, waitMs);
  };
  return async (check: LimitCheck): Promise<void> => {
    const { channel, to, country, ip } = check;
    if (channel === 'sms' && (allow.size > 0 || deny.size > 0)) {
      if (!country || deny.has(country) || (allow.size > 0 && !allow.has(country))) {
        throw new ValidationError([{ path: 'to', message: 'destination country is not allowed' }]);
      }
    }
    if (limits.suppressBounced && channel === 'email') await refuseSuppressed(to);
    const bucket = limits.perIp && ip !== undefined ? ipBucket(ip) : undefined;
    if (!limits.perRecipient && !bucket && !(velocity && channel === 'sms')) return;
    const member = randomUUID();
    for (let attempt = 1; ; attempt += 1) {
      const keys = await hashing.current();
      const hits = hitsOf(keys, check, bucket);
      const result = await window.hit(hits, member, keys.guard);
      if (!result.stale) return settle(hits, result, channel);
      hashing.forget(keys);
      if (attempt >= MAX_STALE_RETRIES) throw new Error('the limit key in Redis kept changing while counting');
    }
  };
};
