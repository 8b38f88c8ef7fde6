import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import type { SupabaseHookConfig } from '../../config/hooks-schema.js';
import type { Producer } from '../../producer/index.js';
import { mapSupabaseEmail, mapSupabaseSms, supabaseEmailSchema, supabaseSmsSchema, type SupabaseMessage } from './supabase-body.js';
import { createSupabaseVerifier } from './supabase-verify.js';
import { enqueueAll, headerOf, HOOK_BODY_LIMIT_BYTES, parseJson, rawBodyOf, registerRawBodyScope, type EnqueueResult, type HookMapping } from './shared.js';

export type SupabaseHookOptions = {
  config: SupabaseHookConfig;
  producer: Producer;
  enqueueTimeoutMs: number;
  rejected: Counter<'platform' | 'reason'>;
};

/** Supabase reads errors as `{"error": {"http_code", "message"}}`; it retries a 429 or 503 only with Retry-After. */
const answerError = (reply: FastifyReply, status: number, message: string, retryAfterSeconds?: number) => {
  if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(retryAfterSeconds));
  return reply.code(status).send({ error: { http_code: status, message } });
};

const answerEnqueue = (reply: FastifyReply, result: EnqueueResult) => {
  if (result.ok) return reply.code(200).send({});
  switch (result.status) {
    case 400:
      return answerError(reply, 400, `invalid message: ${result.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    case 409:
      return answerError(reply, 409, 'this webhook-id was used for another message');
    case 429:
      return answerError(reply, 429, 'too many codes for this recipient', result.retryAfterSeconds);
    default:
      return answerError(reply, 503, 'temporarily unavailable', 1);
  }
};

type Parse = (body: unknown) => HookMapping<SupabaseMessage[]>;

const parseSms: Parse = (body) => {
  const parsed = supabaseSmsSchema.safeParse(body);
  return parsed.success ? mapSupabaseSms(parsed.data) : { ok: false, reason: 'malformed', message: 'not a Send SMS Hook body ({user, sms: {otp}})' };
};
const parseEmail: Parse = (body) => {
  const parsed = supabaseEmailSchema.safeParse(body);
  return parsed.success ? mapSupabaseEmail(parsed.data) : { ok: false, reason: 'malformed', message: 'not a Send Email Hook body ({user, email_data: {email_action_type, …}})' };
};

/** Errors Fastify raises before the handler (body too large), in Supabase's shape. */
const scopeErrors = (error: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
  const status = error.statusCode ?? 500;
  if (status === 413) return answerError(reply, 413, `body larger than ${HOOK_BODY_LIMIT_BYTES} bytes`);
  return status < 500 ? answerError(reply, 400, 'malformed request') : answerError(reply, 500, 'internal error');
};

/**
 * SPEC §9 `POST /v1/hooks/supabase/sms` and `/email`: Supabase Auth's Send SMS / Send Email hooks.
 * Signature first (401, counted), then the body (400, counted), then `producer.send` with
 * `supabase:<webhook-id>` as the idempotency key, so a replay of a call sends nothing new.
 */
export const registerSupabaseHooks = (app: FastifyInstance, { config, producer, enqueueTimeoutMs, rejected }: SupabaseHookOptions): void => {
  const verify = createSupabaseVerifier(config.secret);
  const handler = (parse: Parse) => async (req: FastifyRequest, reply: FastifyReply) => {
    const raw = rawBodyOf(req).toString('utf8');
    const verdict = verify(raw, { 'webhook-id': headerOf(req, 'webhook-id'), 'webhook-timestamp': headerOf(req, 'webhook-timestamp'), 'webhook-signature': headerOf(req, 'webhook-signature') });
    if (!verdict.ok) {
      rejected.inc({ platform: 'supabase', reason: verdict.reason });
      return answerError(reply, 401, verdict.reason === 'stale' ? 'webhook-timestamp outside the tolerance' : 'missing or invalid webhook signature');
    }
    const mapped = parse(parseJson(raw));
    if (!mapped.ok) {
      rejected.inc({ platform: 'supabase', reason: mapped.reason });
      return answerError(reply, 400, mapped.message);
    }
    const inputs = mapped.value.map(({ keySuffix, ...message }) => ({ ...message, source: 'supabase' as const, idempotencyKey: `supabase:${verdict.id}${keySuffix}` }));
    return answerEnqueue(reply, await enqueueAll(producer, inputs, enqueueTimeoutMs));
  };
  registerRawBodyScope(app, (scope) => {
    scope.setErrorHandler(scopeErrors);
    scope.post('/v1/hooks/supabase/sms', { bodyLimit: HOOK_BODY_LIMIT_BYTES }, handler(parseSms));
    scope.post('/v1/hooks/supabase/email', { bodyLimit: HOOK_BODY_LIMIT_BYTES }, handler(parseEmail));
  });
};
