import { z } from 'zod';

/**
 * Fields every provider config may add to Logto's: a base URL (regions, proxies, local stand-ins)
 * and a per-request timeout. Where Logto's config already has `endpoint`, the provider keeps
 * Logto's meaning instead of spreading this one.
 */
export const endpointField = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const transportFields = {
  /** Base URL of the vendor API. @default the vendor's production URL */
  endpoint: endpointField.optional(),
  /** Per-request timeout in milliseconds. @default 10000 */
  timeoutMs: z.number().int().min(100).max(120_000).optional(),
};

export const DEFAULT_TIMEOUT_MS = 10_000;
