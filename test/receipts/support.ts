import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, inject } from 'vitest';
import { createReceiptTools, fetchTextBounded } from '../../src/tracking/tools.js';
import type { ReceiptRequest, ReceiptTools } from '../../src/receipts/types.js';

export type RequestParts = {
  /** The URL the vendor called (publicUrl + path + query). @default http://127.0.0.1:8080/v1/receipts/sms/main */
  url?: string;
  headers?: Record<string, string>;
  /** A string or Buffer as is; anything else as JSON. */
  body?: unknown;
  now?: number;
};

/** A ReceiptRequest as the ingest builds it: lower-case headers, query read from the URL. */
export const receiptRequest = ({ url = 'http://127.0.0.1:8080/v1/receipts/sms/main', headers = {}, body = '', now = Date.now() }: RequestParts): ReceiptRequest => {
  const query: Record<string, string> = {};
  for (const [name, value] of new URL(url).searchParams) if (!(name in query)) query[name] = value;
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  return { url, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), query, rawBody, now };
};

/**
 * Real tools over the test run's real Redis, under a fresh prefix (once-only claims do not leak
 * between tests). `fetchText` is the real bounded GET: point it at a local server.
 */
export const receiptTools = (): ReceiptTools => {
  const redis = new Redis(inject('redisUrl'));
  afterAll(() => redis.quit());
  return { ...createReceiptTools(redis, `{receipt-test-${randomUUID()}}`, pino({ level: 'silent' })), fetchText: (url) => fetchTextBounded(url, 2000) };
};
