import { safeEqualAny } from '../crypto/compare.js';

/**
 * Compares an Authorization header against the accepted values in constant time (every accepted
 * value is checked, so timing does not reveal which one matched).
 */
export const createAuthorizationCheck = (accepted: readonly string[] | undefined): ((header: string | undefined) => boolean) => {
  if (!accepted || accepted.length === 0) return () => true;
  return (header) => safeEqualAny(header, accepted);
};
