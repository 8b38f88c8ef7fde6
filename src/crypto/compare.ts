import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();

/**
 * Whether `given` equals `expected`, in time that depends on neither (hashing first makes the lengths
 * equal). For signatures, tokens and authorization values.
 */
export const safeEqual = (given: string | Buffer | undefined, expected: string | Buffer): boolean =>
  given !== undefined && timingSafeEqual(digest(given), digest(expected));

/** Whether `given` equals any of `accepted`: every one is compared, so timing does not reveal which matched. */
export const safeEqualAny = (given: string | undefined, accepted: readonly (string | Buffer)[]): boolean => {
  let ok = false;
  for (const value of accepted) ok = safeEqual(given ?? '', value) || ok;
  return ok && given !== undefined;
};
