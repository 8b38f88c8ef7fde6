import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import type { KratosHookConfig } from '../../config/hooks-schema.js';
import { safeEqualAny } from '../../crypto/compare.js';
import type { Producer } from '../../producer/index.js';
import { invalid } from '../errors.js';
import { kratosBodySchema, mapKratos } from './kratos-body.js';
import { enqueueAll, headerOf, HOOK_BODY_LIMIT_BYTES, parseJson, rawBodyOf, registerRawBodyScope, type EnqueueResult } from './shared.js';

export type KratosHookOptions = {
  config: KratosHookConfig;
  producer: Producer;
  enqueueTimeoutMs: number;
  rejected: Counter<'platform' | 'reason'>;
};

/** Kratos logs any non-2xx and retries the message (`courier.message_retries`), so 429 and 503 are retried later. */
const answerEnqueue = (reply: FastifyReply, result: EnqueueResult) => {
  if (result.ok) return reply.send({ id: result.ids[0] });
  switch (result.status) {
    case 400:
      return invalid(reply, result.issues);
    case 409:
      return reply.code(409).send({ error: 'idempotency_key_reused' });
    case 429:
      return reply.code(429).header('retry-after', String(result.retryAfterSeconds)).send({ error: 'rate_limited' });
    default:
      return reply.code(503).header('retry-after', '1').send({ error: 'unavailable' });
  }
};

/**
 * SPEC §9 `POST /v1/hooks/kratos`: the courier's HTTP delivery of email and SMS (one URL for
 * both; `message_type`, else the recipient's shape, tells them apart). Authorization is checked
 * before the body is read, in constant time, against `config.authorization` in `config.header`.
 */
export const registerKratosHook = (app: FastifyInstance, { config, producer, enqueueTimeoutMs, rejected }: KratosHookOptions): void => {
  const onRequest = async (req: FastifyRequest, reply: FastifyReply) => {
    const given = headerOf(req, config.header);
    if (given !== undefined && safeEqualAny(given, config.authorization)) return;
    rejected.inc({ platform: 'kratos', reason: given === undefined ? 'missing' : 'signature' });
    return reply.code(401).send({ error: 'unauthorized' });
  };
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const parsed = kratosBodySchema.safeParse(parseJson(rawBodyOf(req)));
    const mapped = parsed.success ? mapKratos(parsed.data) : { ok: false as const, reason: 'malformed' as const, message: 'not a Kratos courier body ({recipient, template_type, …})' };
    if (!mapped.ok) {
      rejected.inc({ platform: 'kratos', reason: mapped.reason });
      return invalid(reply, [{ path: mapped.reason === 'unsupported' ? 'template_type' : '', message: mapped.message }]);
    }
    const idempotencyKey = headerOf(req, 'idempotency-key') ?? mapped.value.idempotencyKey;
    return answerEnqueue(reply, await enqueueAll(producer, [{ ...mapped.value, source: 'kratos', idempotencyKey }], enqueueTimeoutMs));
  };
  registerRawBodyScope(app, (scope) => {
    scope.post('/v1/hooks/kratos', { onRequest, bodyLimit: HOOK_BODY_LIMIT_BYTES }, handler);
  });
};
