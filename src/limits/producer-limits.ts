import type { Cluster, Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { RateLimitedError } from '../errors/rate-limited-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { createSlidingWindow, type WindowLimit } from './sliding-window.js';

export type ProducerLimits = {
  /** Per recipient across all producers; omit for none. Logto's default is 10 per 600 s. */
  perRecipient?: WindowLimit;
  /** Per client IP (Logto's `ip`), when the message carries one. */
  perIp?: WindowLimit;
  /** ISO 3166 alpha-2; empty lists = no restriction. */
  sms?: { allowCountries?: readonly string[]; denyCountries?: readonly string[] };
};

export type LimitCheck = { channel: 'email' | 'sms'; recipientHash: string; country: string | undefined; ipHash: string | undefined };

/** The checks made before a message is enqueued. Throws ValidationError or RateLimitedError. */
export const createLimitChecker = (redis: Redis | Cluster, prefix: string, limits: ProducerLimits) => {
  const window = createSlidingWindow(redis);
  const allow = new Set(limits.sms?.allowCountries ?? []);
  const deny = new Set(limits.sms?.denyCountries ?? []);
  return async ({ channel, recipientHash, country, ipHash }: LimitCheck): Promise<void> => {
    if (channel === 'sms' && (allow.size > 0 || deny.size > 0)) {
      if (!country || deny.has(country) || (allow.size > 0 && !allow.has(country))) {
        throw new ValidationError([{ path: 'to', message: 'destination country is not allowed' }]);
      }
    }
    const member = randomUUID();
    if (limits.perIp && ipHash) {
      const wait = await window.hit(`${prefix}:limit:ip:${ipHash}`, limits.perIp, member);
      if (wait > 0) throw new RateLimitedError('ip', wait);
    }
    if (limits.perRecipient) {
      const wait = await window.hit(`${prefix}:limit:to:${channel}:${recipientHash}`, limits.perRecipient, member);
      if (wait > 0) throw new RateLimitedError('recipient', wait);
    }
  };
};
