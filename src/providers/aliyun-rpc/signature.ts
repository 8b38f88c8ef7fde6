import { createHmac } from 'node:crypto';

/** Bytes that Aliyun's RPC encoding leaves as they are: RFC 3986 unreserved characters. */
const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

/**
 * Aliyun's percent-encoding (RPC signature v1.0): UTF-8 bytes, everything but `A-Z a-z 0-9 - _ . ~`
 * becomes `%XY` (upper-case hex); a space is `%20`, never `+`. Lone surrogates become U+FFFD
 * instead of throwing as `encodeURIComponent` would.
 */
export const percentEncode = (value: string): string => {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
};

/** Every parameter except `Signature`, encoded, sorted by encoded name, joined with `&`. */
export const canonicalQuery = (params: Readonly<Record<string, string>>): string =>
  Object.entries(params)
    .filter(([key]) => key !== 'Signature')
    .map(([key, value]) => [percentEncode(key), percentEncode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');

/** `METHOD&%2F&<percent-encoded canonical query>`, from a query `canonicalQuery` built. */
export const canonicalStringToSign = (method: 'GET' | 'POST', query: string): string => `${method}&${percentEncode('/')}&${percentEncode(query)}`;

/**
 * Base64(HMAC-SHA1(key = `<secret>&`, StringToSign)) over a query `canonicalQuery` already built:
 * the caller also sends that query (the form body), so it is encoded and sorted once.
 */
export const signCanonical = (method: 'GET' | 'POST', query: string, accessKeySecret: string): string =>
  createHmac('sha1', `${accessKeySecret}&`).update(canonicalStringToSign(method, query), 'utf8').digest('base64');
