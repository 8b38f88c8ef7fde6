import type { TemplateResolver } from './resolve.js';

/** A code the origin-bound line can carry: letters and digits only (the format's `#code`). */
const BOUND_CODE = /^[A-Za-z0-9]{1,32}$/;

/**
 * SPEC §12 `sms.originBoundDomain`: the last line `@example.com #123456`, the origin-bound one-time
 * code format browsers and phones read for one-tap autofill (WebOTP, iOS and Android), which a
 * phishing site on another domain cannot use. Nothing is added when there is no code it can carry.
 */
export const withOriginBoundLine = (text: string, domain: string, code: unknown): string =>
  typeof code === 'string' && BOUND_CODE.test(code) ? `${text.replace(/\s+$/, '')}\n\n@${domain} #${code}` : text;

/** A hostname, as the line wants it: no scheme, no port, no path. */
export const ORIGIN_BOUND_DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** The resolver with every local SMS template marked to carry the origin-bound line for `domain`. */
export const withOriginBound = (resolver: TemplateResolver, domain: string | undefined): TemplateResolver =>
  domain === undefined
    ? resolver
    : {
      resolve(lookup, provider) {
        const resolved = resolver.resolve(lookup, provider);
        return lookup.channel === 'sms' && resolved.kind === 'local' ? { ...resolved, originBound: domain } : resolved;
      },
    };
