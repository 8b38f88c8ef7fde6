import { X509Certificate } from 'node:crypto';

/** AWS's SNS signing-certificate URLs: HTTPS on an `sns.<region>` host, a `SimpleNotificationService-<hex>.pem` path. */
export const DEFAULT_CERT_URL_PATTERN = String.raw`^https://sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/SimpleNotificationService-[a-f0-9]+\.pem$`;

/** Certificates kept per connector: one per SNS region and key rotation, so 100 is far more than needed. */
export const CERT_CACHE_MAX = 100;

/**
 * The names SNS signing certificates carry (AWS SDK for Java v2, `SnsHostProvider`):
 * `sns.amazonaws.com`, `sns-signing.<region>.amazonaws.com`, `sns-cn-north-1.amazonaws.com.cn`, …
 */
const SNS_CERT_NAME = /^sns(-signing)?[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?$/;

/** The DNS names a certificate is for: its subject alternative names, else its subject's CN. */
const certNames = (cert: X509Certificate): string[] => {
  const alt = (cert.subjectAltName ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4));
  if (alt.length > 0) return alt;
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject);
  return cn?.[1] === undefined ? [] : [cn[1]];
};

/**
 * Whether a fetched certificate may verify SNS messages at `nowMs`: within its validity dates
 * and issued to an SNS signing name, as AWS's own SDK checks. Its chain is trusted through the
 * HTTPS fetch from an allowed AWS host.
 */
export const isUsableSnsCert = (cert: X509Certificate, nowMs: number): boolean =>
  Date.parse(cert.validFrom) <= nowMs && nowMs <= Date.parse(cert.validTo) && certNames(cert).some((name) => SNS_CERT_NAME.test(name));

export type SnsCertStore = {
  /** The certificate at `url` when the URL is allowed and the certificate usable; undefined otherwise. Never throws. */
  get(url: string, nowMs: number): Promise<X509Certificate | undefined>;
};

/**
 * Fetches signing certificates from URLs matching `urlPattern` only, each once: the fetch (not
 * just its result) is cached, so concurrent messages signed with one certificate share one GET.
 * A failed fetch is forgotten, to be tried again by the next message. Oldest entries go first.
 */
export const createSnsCertStore = (fetchText: (url: string) => Promise<string>, urlPattern: RegExp, max: number = CERT_CACHE_MAX): SnsCertStore => {
  const cache = new Map<string, Promise<X509Certificate>>();
  const load = (url: string): Promise<X509Certificate> => {
    const cached = cache.get(url);
    if (cached) return cached;
    const oldest = cache.keys().next();
    if (cache.size >= max && oldest.done !== true) cache.delete(oldest.value);
    const pending = fetchText(url).then((pem) => new X509Certificate(pem));
    cache.set(url, pending);
    pending.catch(() => {
      if (cache.get(url) === pending) cache.delete(url);
    });
    return pending;
  };
  return {
    async get(url, nowMs) {
      if (!urlPattern.test(url)) return undefined;
      try {
        const cert = await load(url);
        return isUsableSnsCert(cert, nowMs) ? cert : undefined;
      } catch {
        return undefined;
      }
    },
  };
};
