import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withDeadline } from '../../abort/with-deadline.js';
import { isIdempotencyConflictError } from '../../errors/idempotency-error.js';
import { isRateLimitedError } from '../../errors/rate-limited-error.js';
import { isValidationError, type ValidationIssue } from '../../errors/validation-error.js';
import type { Channel, Payload, TemplateType } from '../../messages/types.js';
import type { Producer, SendInput } from '../../producer/index.js';

/**
 * Hook bodies are read as bytes (Supabase and Logto sign them) up to this size, whatever the
 * content type: a Supabase user object with several identities outgrows the send routes' limit.
 */
export const HOOK_BODY_LIMIT_BYTES = 64 * 1024;

/** One message a platform asked for, before the platform's idempotency key and source are added. */
export type HookMessage = { channel: Channel; to: string; type: TemplateType; payload: Payload; ip?: string };

/** A platform body that is not one of the codes this system sends: 400, counted under `reason`. */
export type HookRefusal = { ok: false; reason: 'malformed' | 'unsupported'; message: string };
export type HookMapping<T> = { ok: true; value: T } | HookRefusal;

export const refuse = (reason: HookRefusal['reason'], message: string): HookRefusal => ({ ok: false, reason, message });

/** Registers `routes` in a scope whose every body arrives as a Buffer of at most HOOK_BODY_LIMIT_BYTES. */
export const registerRawBodyScope = (app: FastifyInstance, routes: (scope: FastifyInstance) => void): void => {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: HOOK_BODY_LIMIT_BYTES }, (_req, body, done) => done(null, body));
    routes(scope);
  });
};

export const rawBodyOf = (req: FastifyRequest): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

/** The first value of a request header (Node lower-cases names). */
export const headerOf = (req: FastifyRequest, name: string): string | undefined => {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

/** The body as JSON, or undefined when it is not JSON. Values are checked by the caller's schema. */
export const parseJson = (raw: Buffer | string): unknown => {
  try {
    return JSON.parse(raw.toString()) as unknown;
  } catch {
    return undefined;
  }
};

const ipSchema = z.union([z.ipv4(), z.ipv6()]);
/** A platform's client IP field, when it is one (the per-IP limit uses it); anything else is dropped. */
export const ipOrNothing = (value: unknown): { ip: string } | Record<string, never> =>
  typeof value === 'string' && ipSchema.safeParse(value).success ? { ip: value } : {};

const LOCALE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$/;
/** The first candidate that looks like a BCP 47 tag (`ko`, `zh-Hant-TW`); platforms keep it in free-form metadata. */
export const localeOf = (...candidates: unknown[]): { locale: string } | Record<string, never> => {
  const found = candidates.find((c): c is string => typeof c === 'string' && LOCALE.test(c));
  return found ? { locale: found } : {};
};

/** What enqueueing the platform's messages came to, as the route answers it. */
export type EnqueueResult =
  | { ok: true; ids: string[] }
  | { ok: false; status: 400; issues: readonly ValidationIssue[] }
  | { ok: false; status: 429; retryAfterSeconds: number }
  | { ok: false; status: 409 | 503 };

const refusalOf = (error: unknown): EnqueueResult => {
  if (isValidationError(error)) return { ok: false, status: 400, issues: error.issues };
  if (isIdempotencyConflictError(error)) return { ok: false, status: 409 };
  if (isRateLimitedError(error)) return { ok: false, status: 429, retryAfterSeconds: Math.max(1, Math.ceil(error.retryAfterMs / 1000)) };
  return { ok: false, status: 503 }; // Redis down or slow, too few replicas: the platform retries
};

/**
 * Sends every message through `producer.send` (limits, encryption, idempotency as on /v1/email)
 * within `timeoutMs`. The messages of one call go out together; a refusal of any is the answer.
 */
export const enqueueAll = async (producer: Producer, inputs: readonly SendInput[], timeoutMs: number): Promise<EnqueueResult> => {
  try {
    const results = await withDeadline(Promise.all(inputs.map((input) => producer.send(input))), timeoutMs);
    return { ok: true, ids: results.map((r) => r.id) };
  } catch (error) {
    return refusalOf(error);
  }
};
