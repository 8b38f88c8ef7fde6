import type { WindowHit, WindowLimit } from './sliding-window.js';

/** SPEC §12 `limits.sms.perPrefix`: a window per number prefix (its first `digits` digits, country code included). */
export type PrefixLimit = WindowLimit & { digits: number };

/** SPEC §12 `limits.sms.perCountry`: `default` for every country, overridden per ISO 3166 alpha-2 code. */
export type CountryLimits = { default?: WindowLimit } & Partial<Record<string, WindowLimit>>;

/** Which limit a window belongs to (the `limit` label of `otp_limited_total`). */
export type LimitName = 'recipient' | 'ip' | 'prefix' | 'country' | 'conversion';

export type ScopedHit = WindowHit & { scope: LimitName };

/** A number's prefix: its first `digits` digits after the `+`. */
export const numberPrefix = (e164: string, digits: number): string => e164.replace(/^\+/, '').slice(0, digits);

/** The country's window: its own override, else the default; none when neither is set. */
export const countryLimit = (limits: CountryLimits | undefined, country: string | undefined): WindowLimit | undefined =>
  limits?.[country ?? ''] ?? limits?.default;

/**
 * The SMS velocity windows of one message: its number's prefix and its country (`ZZ` when the number
 * has none). Prefixes and countries are not personal: the keys hold them as they are.
 */
export const smsVelocityHits = (
  base: string,
  to: string,
  country: string | undefined,
  limits: { perPrefix?: PrefixLimit | undefined; perCountry?: CountryLimits | undefined },
  observe: boolean,
): ScopedHit[] => {
  const hits: ScopedHit[] = [];
  const { perPrefix } = limits;
  if (perPrefix) hits.push({ key: `${base}:prefix:${numberPrefix(to, perPrefix.digits)}`, limit: perPrefix, scope: 'prefix', observe });
  const perCountry = countryLimit(limits.perCountry, country);
  if (perCountry) hits.push({ key: `${base}:country:${country ?? 'ZZ'}`, limit: perCountry, scope: 'country', observe });
  return hits;
};
