import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRing } from './key-ring.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class UnknownKeyError extends Error {
  override readonly name = 'UnknownKeyError';
  constructor(readonly keyId: string) {
    super(`payload encrypted with unknown key "${keyId}"`);
  }
}

export class DecryptError extends Error {
  override readonly name = 'DecryptError';
}

/**
 * AES-256-GCM with the ring's current key. Output: `v1.<keyId>.<iv>.<ciphertext+tag>` (base64url).
 * `aad` (the message id) binds the ciphertext to its job: it cannot be replayed under another id.
 */
export const seal = (ring: KeyRing, plaintext: string, aad: string): string => {
  const key = ring.keys.get(ring.current);
  if (!key) throw new UnknownKeyError(ring.current);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${ring.current}.${iv.toString('base64url')}.${body.toString('base64url')}`;
};

/** Reverses `seal`. Throws UnknownKeyError or DecryptError (tampered, wrong aad, malformed). */
export const open = (ring: KeyRing, sealed: string, aad: string): string => {
  const [version, keyId, ivText, bodyText, ...rest] = sealed.split('.');
  if (version !== VERSION || !keyId || !ivText || !bodyText || rest.length > 0) throw new DecryptError('malformed sealed payload');
  const key = ring.keys.get(keyId);
  if (!key) throw new UnknownKeyError(keyId);
  const iv = Buffer.from(ivText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new DecryptError('malformed sealed payload');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptError('payload failed authentication');
  }
};
