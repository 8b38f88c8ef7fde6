import type { FastifyReply, FastifyRequest } from 'fastify';
import { isIdempotencyConflictError } from '../errors/idempotency-error.js';
import { isRateLimitedError } from '../errors/rate-limited-error.js';
import { isValidationError } from '../errors/validation-error.js';
import type { Channel } from '../messages/types.js';
import type { Producer } from '../producer/index.js';
import { bodyIssues, ingestBodySchema, logtoPhoneToE164, parseExpiresAt, parseWaitSeconds, toRequestIssues } from './body.js';
import { withDeadline } from '../abort/with-deadline.js';
import { invalid } from './errors.js';

export type SendRouteOptions = { producer: Producer; enqueueTimeoutMs: number; maxWaitSeconds: number };

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

const unavailable = (reply: FastifyReply) => reply.code(503).send({ error: 'unavailable' });

/** A refused enqueue as an answer: 400, 409, 429, else 503 (Redis down or slow, too few replicas). */
const refusal = (reply: FastifyReply, error: unknown) => {
  if (isValidationError(error)) return invalid(reply, toRequestIssues(error.issues));
  if (isIdempotencyConflictError(error)) return reply.code(409).send({ error: 'idempotency_key_reused' });
  if (isRateLimitedError(error)) {
    return reply.code(429).header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)))).send({ error: 'rate_limited', ...(error.scope === 'suppressed' && { reason: 'suppressed' }) });
  }
  return unavailable(reply);
};

/**
 * `POST /v1/<channel>`: validate, enqueue within `enqueueTimeoutMs` (else 503: the message may or
 * may not be stored, and a retry with the same Idempotency-Key is safe), then optionally wait. A
 * `?wait` request takes its waiting place before enqueueing: when all are taken it is a 503 with
 * nothing enqueued.
 */
export const sendRoute =
  (channel: Channel, { producer, enqueueTimeoutMs, maxWaitSeconds }: SendRouteOptions) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const body = ingestBodySchema.safeParse(req.body);
      if (!body.success) return invalid(reply, bodyIssues(body.error));
      const expiresAt = parseExpiresAt(header(req.headers['x-expires-at']));
      if (expiresAt === 'invalid') return invalid(reply, [{ path: 'X-Expires-At', message: 'must be epoch seconds, epoch milliseconds, an ISO 8601 date-time or an HTTP date' }]);
      const waitSeconds = parseWaitSeconds((req.query as Record<string, unknown> | undefined)?.wait, maxWaitSeconds);
      if (waitSeconds === 'invalid') return invalid(reply, [{ path: 'wait', message: `must be a number of seconds from 0 to ${maxWaitSeconds}` }]);
      const idempotencyKey = header(req.headers['idempotency-key']);
      const slot = waitSeconds === undefined ? undefined : producer.reserveWait();
      if (waitSeconds !== undefined && !slot) return unavailable(reply.header('retry-after', '1'));

      try {
        let id: string;
        try {
          const to = channel === 'sms' ? logtoPhoneToE164(body.data.to) : body.data.to;
          const input = { channel, ...body.data, to, ...(idempotencyKey !== undefined && { idempotencyKey }), ...(expiresAt !== undefined && { expiresAt }) };
          ({ id } = await withDeadline(producer.send(input), enqueueTimeoutMs));
        } catch (error) {
          return refusal(reply, error);
        }
        if (waitSeconds === undefined) return reply.send({ id });
        // Enqueued: from here on the answer is 200. Losing Redis while waiting leaves the outcome `pending`.
        const timeoutMs = waitSeconds * 1000;
        const outcome = await withDeadline(producer.waitFor(id, { timeoutMs, slot }), timeoutMs + enqueueTimeoutMs).catch(() => 'pending' as const);
        return reply.send({ id, outcome });
      } finally {
        slot?.release();
      }
    };
