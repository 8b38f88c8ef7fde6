import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { OtpCourierError } from '../errors/base.js';
import type { KeyRing } from './key-ring.js';

const VERSION = 'v2';
/** Envelopes sealed before the binding covered more than the id: opened, never sealed. */
const LEGACY_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The envelope names a key the ring does not hold: keep retired keys in `keys` until their messages are gone. */
export class UnknownKeyError extends OtpCourierError {
  override readonly name = 'UnknownKeyError';
  constructor(readonly keyId: string) {
    super(`payload encrypted with unknown key "${keyId}"`);
  }
}

/** The sealed body is malformed or fails authentication (tampered, or bound to another message). */
export class DecryptError extends OtpCourierError {
  override readonly name = 'DecryptError';
}

/**
 * What a sealed body is bound to (the GCM associated data): the job fields an attacker with write
 * access to Redis could otherwise change or copy around the ciphertext. A body copied to another
 * message id, channel, type or lifetime fails authentication.
 */
export type SealBinding = { id: string; channel: string; type: string; expiresAt: number };

const aadOf = (b: SealBinding): Buffer => Buffer.from(JSON.stringify(['otp-courier/v2', b.id, b.channel, b.type, b.expiresAt]), 'utf8');

/**
 * AES-256-GCM with the ring's current key. Output: `v2.<keyId>.<iv>.<ciphertext+tag>` (base64url).
 * Key ids are validated by `parseKeyRing` (no `.`), so the envelope always splits back into four parts.
 */
export const seal = (ring: KeyRing, plaintext: string, binding: SealBinding): string => {
  const key = ring.keys.get(ring.current);
  if (!key) throw new UnknownKeyError(ring.current);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aadOf(binding));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${ring.current}.${iv.toString('base64url')}.${body.toString('base64url')}`;
};

/** Reverses `seal`. Throws UnknownKeyError or DecryptError (tampered, other binding, malformed). */
export const open = (ring: KeyRing, sealed: string, binding: SealBinding): string => {
  const [version, keyId, ivText, bodyText, ...rest] = sealed.split('.');
  if ((version !== VERSION && version !== LEGACY_VERSION) || !keyId || !ivText || !bodyText || rest.length > 0) throw new DecryptError('malformed sealed payload');
  const key = ring.keys.get(keyId);
  if (!key) throw new UnknownKeyError(keyId);
  const iv = Buffer.from(ivText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new DecryptError('malformed sealed payload');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    // v1 bound the id alone; the worker also refuses a job whose BullMQ id is not its message id.
    decipher.setAAD(version === LEGACY_VERSION ? Buffer.from(binding.id, 'utf8') : aadOf(binding));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptError('payload failed authentication');
  }
};
