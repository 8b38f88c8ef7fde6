import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { isRateLimitedError } from '../errors/rate-limited-error.js';
import { isValidationError, toIssues, type ValidationIssue } from '../errors/validation-error.js';
import type { Channel } from '../messages/types.js';
import type { Producer } from '../producer/index.js';
import { registerOpsRoutes, type Readiness } from '../ops/server.js';
import { createAuthorizationCheck } from './auth.js';
import { ingestBodySchema, parseExpiresAt } from './body.js';

export type IngestOptions = {
  producer: Producer;
  registry: Registry;
  ready: Readiness;
  authorization: readonly string[] | undefined;
  bodyLimitBytes: number;
  /** Answer 503 when enqueueing takes longer than this. @default 2000 */
  enqueueTimeoutMs?: number;
  /** Longest `?wait=` honoured. @default 30 */
  maxWaitSeconds?: number;
};

class EnqueueTimeout extends Error {}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EnqueueTimeout()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
};

const invalid = (reply: FastifyReply, issues: readonly ValidationIssue[]) => reply.code(400).send({ error: 'invalid_request', issues });

/** The HTTP producer (SPEC §5): Logto's HTTP connectors can post to it unchanged. */
export const createIngestServer = (options: IngestOptions): FastifyInstance => {
  const { producer, enqueueTimeoutMs = 2000, maxWaitSeconds = 30 } = options;
  const authorized = createAuthorizationCheck(options.authorization);
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimitBytes, return503OnClosing: true });
  registerOpsRoutes(app, options.registry, options.ready);

  app.setErrorHandler((error: { statusCode?: number; code?: string }, _req, reply) => {
    if (error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: 'payload_too_large' });
    if (error.statusCode === 415 || error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send({ error: 'unsupported_media_type' });
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (error.statusCode === 400)) {
      return invalid(reply, [{ path: '', message: 'body must be a JSON object' }]);
    }
    return reply.code(500).send({ error: 'internal_error' });
  });
  // Only JSON is parsed; anything else is 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/(.+\+)?json(;.*)?$/i, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('invalid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), undefined);
    }
  });

  const handle = (channel: Channel) => async (req: FastifyRequest, reply: FastifyReply) => {
    if (!authorized(req.headers.authorization)) return reply.code(401).send({ error: 'unauthorized' });
    const body = ingestBodySchema.safeParse(req.body);
    if (!body.success) return invalid(reply, toIssues(body.error));
    const expiresAt = parseExpiresAt(headerValue(req.headers['x-expires-at']));
    if (expiresAt === 'invalid') return invalid(reply, [{ path: 'X-Expires-At', message: 'must be epoch seconds, epoch milliseconds or an ISO date' }]);
    const wait = (req.query as Record<string, unknown> | undefined)?.wait;
    const waitSeconds = wait === undefined ? undefined : Number(wait);
    if (waitSeconds !== undefined && !(waitSeconds >= 0 && waitSeconds <= maxWaitSeconds)) {
      return invalid(reply, [{ path: 'wait', message: `must be a number of seconds from 0 to ${maxWaitSeconds}` }]);
    }
    const idempotencyKey = headerValue(req.headers['idempotency-key']);
    try {
      const { id } = await withTimeout(
        producer.send({
          channel,
          ...body.data,
          ...(idempotencyKey !== undefined && { idempotencyKey }),
          ...(expiresAt !== undefined && { expiresAt }),
        }),
        enqueueTimeoutMs,
      );
      if (waitSeconds === undefined) return reply.send({ id });
      const outcome = await producer.waitFor(id, { timeoutMs: waitSeconds * 1000 });
      return reply.send({ id, outcome });
    } catch (error) {
      if (isValidationError(error)) return invalid(reply, error.issues);
      if (isRateLimitedError(error)) {
        return reply.code(429).header('retry-after', String(Math.ceil(error.retryAfterMs / 1000))).send({ error: 'rate_limited' });
      }
      return reply.code(503).send({ error: 'unavailable' });
    }
  };

  app.post('/v1/email', handle('email'));
  app.post('/v1/sms', handle('sms'));
  return app;
};

const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);
