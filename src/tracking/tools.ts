import { AsyncLocalStorage } from 'node:async_hooks';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { request } from 'undici';
import { createDeadline } from '../abort/deadline.js';
import { declaredLength, readCappedBody } from '../providers/http/body-limit.js';
import type { ReceiptTools } from '../receipts/types.js';

/** A verifier's outgoing GET (an SNS certificate, a subscription confirmation) takes at most this long. */
export const RECEIPT_FETCH_TIMEOUT_MS = 3000;

/** The key of a once-only token claim, under the queue's prefix (its Cluster slot). */
export const onceKey = (prefix: string, key: string): string => `${prefix}:receipt-once:${key}`;

/** A bounded GET: the deadline covers the whole exchange, the body is capped at 64 KiB; non-2xx throws. */
export const fetchTextBounded = async (url: string, timeoutMs: number = RECEIPT_FETCH_TIMEOUT_MS): Promise<string> => {
  const deadline = createDeadline(timeoutMs);
  try {
    const res = await request(url, { method: 'GET', signal: deadline.signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const body = await readCappedBody(res.body, undefined, declaredLength(res.headers));
    if (res.statusCode < 200 || res.statusCode > 299) throw new Error(`GET answered ${res.statusCode}`);
    if (!body.complete) throw new Error('GET body too large or cut off');
    return body.bytes.toString('utf8');
  } finally {
    deadline.dispose();
  }
};

/** The once-only keys claimed while handling one request, so a request answered 503 can give them back. */
export const claimScope = new AsyncLocalStorage<string[]>();

/** The tools every verifier gets: once-only claims in Redis (fleet-wide), a bounded fetch, a logger. */
export const createReceiptTools = (redis: Redis | Cluster, prefix: string, logger: Logger): ReceiptTools => ({
  async claimOnce(key, ttlSeconds) {
    const set = await redis.set(onceKey(prefix, key), '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX');
    if (set === 'OK') claimScope.getStore()?.push(key);
    return set === 'OK';
  },
  fetchText: (url) => fetchTextBounded(url),
  logger,
});

/** Gives back once-only claims (the request they were claimed for was answered 503: the vendor's retry must pass). */
export const createClaimRelease = (redis: Redis | Cluster, prefix: string) => async (keys: readonly string[]): Promise<void> => {
  if (keys.length > 0) await redis.del(...keys.map((k) => onceKey(prefix, k)));
};
