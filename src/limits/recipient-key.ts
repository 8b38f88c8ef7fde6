import { createHash, createHmac, hkdfSync } from 'node:crypto';
import type { KeyRing } from '../crypto/key-ring.js';

/**
 * A keyed hash for limit counters (recipients, IP buckets): Redis never holds the value. The HMAC
 * key is derived from the payload keys (the lowest key id in code-point order, so switching
 * `current` during rotation keeps counters); without keys, plain SHA-256 (not plain text, but
 * guessable by someone with a list of candidates: configure keys in production).
 */
export const createKeyHasher = (ring: KeyRing | undefined): ((value: string) => string) => {
  const first = ring ? [...ring.keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[0] : undefined;
  if (!first) return (value) => createHash('sha256').update(value).digest('base64url');
  const key = Buffer.from(hkdfSync('sha256', first[1], Buffer.alloc(0), 'otp-courier recipient limit', 32));
  return (value) => createHmac('sha256', key).update(value).digest('base64url');
};

/** The key hasher applied to the normalised recipient, so one address counts as one whatever its spelling. */
export const createRecipientHasher = (ring: KeyRing | undefined): ((recipient: string) => string) => {
  const hash = createKeyHasher(ring);
  return (recipient) => hash(normalizeRecipient(recipient));
};

/**
 * As Logto's rate guard counts: email trimmed and lower-cased; a phone number without spaces,
 * dashes, dots or brackets (the producer has already written it in E.164).
 */
export const normalizeRecipient = (recipient: string): string => {
  const text = recipient.trim();
  return text.includes('@') ? text.toLowerCase() : text.replace(/[\s().-]/g, '');
};
