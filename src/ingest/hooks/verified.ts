import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withDeadline } from '../../abort/with-deadline.js';
import { isValidationError, type Producer } from '../../producer/index.js';
import { bodyIssues, logtoPhoneToE164 } from '../body.js';
import { invalid } from '../errors.js';

/** SPEC §12 `POST /v1/verified {channel, to}`: the producer checks the values. */
export const verifiedBodySchema = z.strictObject({ channel: z.enum(['email', 'sms']), to: z.string() });

export type VerifiedRouteOptions = {
  producer: Producer;
  enqueueTimeoutMs: number;
  /** `ingest.authorization`, checked before the body is read. */
  authorized: (header: string | undefined) => boolean;
};

/**
 * `POST /v1/verified`: the auth service reports that the last code sent to `to` was used.
 * 200 `{"converted": true|false}` (false: no live code was pending for it), 400 on a bad body,
 * 503 when Redis does not answer in time.
 */
export const registerVerifiedRoute = (app: FastifyInstance, { producer, enqueueTimeoutMs, authorized }: VerifiedRouteOptions): void => {
  const onRequest = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!authorized(req.headers.authorization)) return reply.code(401).send({ error: 'unauthorized' });
  };
  app.post('/v1/verified', { onRequest }, async (req, reply) => {
    const body = verifiedBodySchema.safeParse(req.body);
    if (!body.success) return invalid(reply, bodyIssues(body.error));
    const to = body.data.channel === 'sms' ? logtoPhoneToE164(body.data.to) : body.data.to;
    try {
      return reply.send(await withDeadline(producer.verified({ channel: body.data.channel, to }), enqueueTimeoutMs));
    } catch (error) {
      if (isValidationError(error)) return invalid(reply, error.issues);
      return reply.code(503).header('retry-after', '1').send({ error: 'unavailable' });
    }
  });
};
