import { randomBytes } from 'node:crypto';

/** Payload-encryption keys by id; `current` encrypts, all of them decrypt (rotation). */
export type KeyRing = { current: string; keys: ReadonlyMap<string, Buffer> };

const KEY_BYTES = 32;

/**
 * What a key id may be (the same rule as the config schema): it is written into every envelope,
 * `v2.<keyId>.<iv>.<body>`, so a `.` would make an envelope nobody can open.
 */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** The id as an error may show it: quoted, or only its length when too long (a key pasted as an id). */
const describeId = (id: string): string => (id.length > 32 ? `of ${id.length} characters` : JSON.stringify(id));

/** Decodes base64 (or base64url) AES-256 keys. Throws with the key id, never the key. */
export const parseKeyRing = ({ current, keys }: { current: string; keys: Record<string, string> }): KeyRing => {
  const decoded = new Map<string, Buffer>();
  for (const [id, value] of Object.entries(keys)) {
    if (!KEY_ID_PATTERN.test(id)) throw new Error(`key id ${describeId(id)} is not allowed: 1 to 32 letters, digits, _ or -`);
    const bytes = Buffer.from(value.trim(), 'base64');
    if (bytes.length !== KEY_BYTES || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(value.trim())) {
      throw new Error(`key "${id}" must be ${KEY_BYTES} random bytes in base64 (otp-courier keygen makes one)`);
    }
    decoded.set(id, bytes);
  }
  if (!decoded.has(current)) {
    throw new Error(KEY_ID_PATTERN.test(current) ? `current key "${current}" is not among keys` : `current key id ${describeId(current)} is not allowed: 1 to 32 letters, digits, _ or -`);
  }
  return { current, keys: decoded };
};

/** A fresh key for `security.encryptionKeys`, base64. */
export const generateKey = (): string => randomBytes(KEY_BYTES).toString('base64');
