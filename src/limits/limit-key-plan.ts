import { DecryptError, open, UnknownKeyError, type SealBinding } from '../crypto/envelope.js';
import type { KeyRing } from '../crypto/key-ring.js';

/**
 * The queue's limit key, as Redis holds it (one hash, `<prefix>:<queue>:limit-key`):
 * `gen` — a random id of this limit key, in clear (it tells producers the key changed) — and
 * `sealed:<keyId>` — the 32-byte limit key sealed with that payload key, bound to `gen`. Any ring
 * key that has a field opens it, so adding, reordering or removing payload keys keeps the limit key.
 */
export const GENERATION_FIELD = 'gen';
export const SEALED_FIELD_PREFIX = 'sealed:';
const GENERATION_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const SECRET_BYTES = 32;

/** The AAD of a sealed limit key: no message id is `limit-key:…` and no channel is `-`. */
export const limitKeyBinding = (generation: string): SealBinding => ({ id: `limit-key:${generation}`, channel: '-', type: '-', expiresAt: 0 });

export type LimitKeyPlan =
  /** Use this limit key; `seal`: add (or repair) the field of the ring's current key; `prune`: fields of keys the ring no longer has. */
  | { action: 'use'; generation: string; secret: Buffer; seal: boolean; prune: string[] }
  /**
   * Store a new limit key, if `gen` is still `expected` ('' = no limit key yet). The first one is the
   * key earlier releases derived (counters survive the upgrade); one replacing a key no ring key
   * opens is random (its counters restart).
   */
  | { action: 'renew'; expected: string; secret: 'derived' | 'random' };

const openSecret = (ring: KeyRing, sealed: string, generation: string): Buffer | undefined => {
  try {
    const secret = Buffer.from(open(ring, sealed, limitKeyBinding(generation)), 'base64url');
    return secret.length === SECRET_BYTES ? secret : undefined;
  } catch (error) {
    if (error instanceof UnknownKeyError || error instanceof DecryptError) return undefined;
    throw error;
  }
};

/** What to do with the stored limit key (the HGETALL reply), for this ring. Pure. */
export const planLimitKey = (stored: Readonly<Record<string, string>>, ring: KeyRing): LimitKeyPlan => {
  const generation = stored[GENERATION_FIELD];
  if (generation === undefined) return { action: 'renew', expected: '', secret: 'derived' };
  const sealedIds = Object.keys(stored)
    .filter((field) => field.startsWith(SEALED_FIELD_PREFIX))
    .map((field) => field.slice(SEALED_FIELD_PREFIX.length));
  const prune = sealedIds.filter((id) => !ring.keys.has(id)).map((id) => SEALED_FIELD_PREFIX + id);
  if (!GENERATION_PATTERN.test(generation)) return { action: 'renew', expected: generation, secret: 'random' };
  // The current key's field first: when it opens, nothing needs writing.
  const candidates = [ring.current, ...sealedIds.filter((id) => id !== ring.current && ring.keys.has(id))];
  for (const id of candidates) {
    const sealed = stored[SEALED_FIELD_PREFIX + id];
    const secret = sealed === undefined ? undefined : openSecret(ring, sealed, generation);
    if (!secret) continue;
    const sealedWithCurrent = id === ring.current && sealed?.split('.')[1] === ring.current;
    return { action: 'use', generation, secret, seal: !sealedWithCurrent, prune };
  }
  return { action: 'renew', expected: generation, secret: 'random' };
};
