import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares an Authorization header against the accepted values in constant time (hashes make the
 * lengths equal; every accepted value is checked, so timing does not reveal which one matched).
 */
export const createAuthorizationCheck = (accepted: readonly string[] | undefined): ((header: string | undefined) => boolean) => {
  if (!accepted || accepted.length === 0) return () => true;
  const digests = accepted.map((v) => createHash('sha256').update(v).digest());
  return (header) => {
    const given = createHash('sha256').update(header ?? '').digest();
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, given) || ok;
    return ok && header !== undefined;
  };
};
