import { createHash, createHmac, hkdfSync } from 'node:crypto';
import type { KeyRing } from '../crypto/key-ring.js';

/**
 * A keyed hash of a normalised recipient (email lower-cased, phone E.164) for limit counters:
 * Redis never holds the recipient. The key is derived from the payload keys (the lowest key id,
 * so switching `current` during rotation keeps counters); without keys, plain SHA-256.
 */
export const createRecipientHasher = (ring: KeyRing | undefined): ((recipient: string) => string) => {
  const first = ring ? [...ring.keys.entries()].sort(([a], [b]) => a.localeCompare(b))[0] : undefined;
  if (!first) return (recipient) => createHash('sha256').update(normalize(recipient)).digest('base64url');
  const key = Buffer.from(hkdfSync('sha256', first[1], Buffer.alloc(0), 'otp-courier recipient limit', 32));
  return (recipient) => createHmac('sha256', key).update(normalize(recipient)).digest('base64url');
};

const normalize = (recipient: string) => (recipient.includes('@') ? recipient.trim().toLowerCase() : recipient.trim());
