import { randomBytes } from 'node:crypto';

/** Payload-encryption keys by id; `current` encrypts, all of them decrypt (rotation). */
export type KeyRing = { current: string; keys: ReadonlyMap<string, Buffer> };

const KEY_BYTES = 32;

/** Decodes base64 (or base64url) AES-256 keys. Throws with the key id, never the key. */
export const parseKeyRing = ({ current, keys }: { current: string; keys: Record<string, string> }): KeyRing => {
  const decoded = new Map<string, Buffer>();
  for (const [id, value] of Object.entries(keys)) {
    const bytes = Buffer.from(value.trim(), 'base64');
    if (bytes.length !== KEY_BYTES || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(value.trim())) {
      throw new Error(`key "${id}" must be ${KEY_BYTES} random bytes in base64 (otp-courier keygen makes one)`);
    }
    decoded.set(id, bytes);
  }
  if (!decoded.has(current)) throw new Error(`current key "${current}" is not among keys`);
  return { current, keys: decoded };
};

/** A fresh key for `security.encryptionKeys`, base64. */
export const generateKey = (): string => randomBytes(KEY_BYTES).toString('base64');
