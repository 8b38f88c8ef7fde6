import { z } from 'zod';
import { formatPath, toIssues, type ValidationIssue } from '../errors/validation-error.js';
import { payloadSchema } from '../messages/job-data.js';
import { templateTypeSchema } from '../messages/types.js';

/** Exactly what Logto's HTTP email and SMS connectors send; the producer checks the values. */
export const ingestBodySchema = z.strictObject({
  to: z.string(),
  type: templateTypeSchema,
  payload: payloadSchema,
  ip: z.string().optional(),
});

/**
 * Logto keeps phone numbers as international digits without `+` (core-kit `phoneRegEx = /^\d+$/`),
 * and its HTTP SMS connector sends them so: read those as E.164. Anything else goes to the
 * producer unchanged, which wants `+` and the country code.
 */
export const logtoPhoneToE164 = (to: string): string => (/^\d{4,15}$/.test(to.trim()) ? `+${to.trim()}` : to);

/** `cc` → `cc`; a key that is not a plain name (empty, dots, spaces, very long) → `["…"]`. */
const keyPath = (parent: string, key: string): string => {
  if (/^[A-Za-z_$][\w$-]{0,63}$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)}]`;
};

/** Like `toIssues`, but an unknown key becomes its own issue whose path names it. */
export const bodyIssues = (error: z.ZodError): ValidationIssue[] =>
  error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: keyPath(formatPath(issue.path), key), message: 'unknown key' }))
      : toIssues(new z.ZodError([issue])),
  );

/** Producer field → the request part a client sets. */
const REQUEST_PATHS: Record<string, string> = { expiresAt: 'X-Expires-At', idempotencyKey: 'Idempotency-Key' };
export const toRequestIssues = (issues: readonly ValidationIssue[]): ValidationIssue[] =>
  issues.map((i) => ({ ...i, path: REQUEST_PATHS[i.path] ?? i.path }));

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** `X-Expires-At`: epoch milliseconds, epoch seconds (below 10^12), an ISO 8601 date-time or an HTTP date. */
export const parseExpiresAt = (value: string | undefined): number | undefined | 'invalid' => {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d{1,16}$/.test(text)) {
    const n = Number(text);
    return n < 1e12 ? n * 1000 : n;
  }
  if (!ISO_8601.test(text) && !IMF_FIXDATE.test(text)) return 'invalid';
  const date = Date.parse(text);
  return Number.isNaN(date) ? 'invalid' : date;
};

/** `?wait=SECONDS`: a number from 0 to `max`. */
export const parseWaitSeconds = (value: unknown, max: number): number | undefined | 'invalid' => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+(\.\d+)?$/.test(value)) return 'invalid';
  const seconds = Number(value);
  return seconds <= max ? seconds : 'invalid';
};
