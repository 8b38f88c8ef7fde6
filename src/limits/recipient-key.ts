import { createHash, createHmac, hkdfSync } from 'node:crypto';
import type { KeyRing } from '../crypto/key-ring.js';

/** A hash for one limit counter's value (a recipient, an IP bucket). */
export type ValueHasher = (value: string) => string;

/**
 * A keyed hash for limit counters: Redis never holds the value. `secret` is the queue's limit key
 * (src/limits/limit-key.ts); without one (no payload keys), plain SHA-256 — not plain text, but
 * guessable by someone with a list of candidates: configure keys in production.
 */
export const createKeyHasher = (secret: Buffer | undefined): ValueHasher => {
  if (!secret) return (value) => createHash('sha256').update(value).digest('base64url');
  return (value) => createHmac('sha256', secret).update(value).digest('base64url');
};

/** The key hasher applied to the normalised recipient, so one address counts as one whatever its spelling. */
export const createRecipientHasher = (secret: Buffer | undefined): ValueHasher => {
  const hash = createKeyHasher(secret);
  return (recipient) => hash(normalizeRecipient(recipient));
};

/**
 * The limit key releases before the stored one used: HKDF of the lowest-id payload key. A queue's
 * first stored limit key is this one, so upgrading keeps the counters, and old and new producers
 * count alike during a rolling upgrade. Once stored, the ring's order no longer matters.
 */
export const derivedLimitSecret = (ring: KeyRing): Buffer => {
  const ids = [...ring.keys.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const lowest = ids[0] === undefined ? undefined : ring.keys.get(ids[0]);
  if (!lowest) throw new Error('key ring has no keys');
  return Buffer.from(hkdfSync('sha256', lowest, Buffer.alloc(0), 'otp-courier recipient limit', 32));
};

/**
 * As Logto's rate guard counts: email trimmed and lower-cased; a phone number without spaces,
 * dashes, dots or brackets (the producer has already written it in E.164).
 */
export const normalizeRecipient = (recipient: string): string => {
  const text = recipient.trim();
  return text.includes('@') ? text.toLowerCase() : text.replace(/[\s().-]/g, '');
};
