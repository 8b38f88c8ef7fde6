import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withDeadline } from '../../abort/with-deadline.js';
import { isValidationError, type Producer } from '../../producer/index.js';
import { isIdReport } from '../../producer/input.js';
import { bodyIssues, logtoPhoneToE164 } from '../body.js';
import { invalid } from '../errors.js';

/** SPEC §12 `POST /v1/verified {channel, to}`: the producer checks the values. */
const recipientBodySchema = z.strictObject({ channel: z.enum(['email', 'sms']), to: z.string() });

/** SPEC §12 `POST /v1/verified {id}`: the id the send was answered with. */
const idBodySchema = z.strictObject({ id: z.string().meta({ description: 'The id the send was answered with (a UUID; `s<i>of<N>-<uuid>` with shards).' }) });

/** Either form (the OpenAPI body); a body is read as the `{id}` form when it has an `id`. */
export const verifiedBodySchema = z.union([recipientBodySchema, idBodySchema]);

type VerifiedBody = z.infer<typeof verifiedBodySchema>;

/** The form meant is told as the producer tells it, so the issues name that form's fields. */
const parseBody = (body: unknown) => (isIdReport(body) ? idBodySchema.safeParse(body) : recipientBodySchema.safeParse(body));

/** Logto's digits-only phone numbers read as E.164, as on the send routes. */
const reportOf = (body: VerifiedBody) => ('id' in body ? body : { channel: body.channel, to: body.channel === 'sms' ? logtoPhoneToE164(body.to) : body.to });

export type VerifiedRouteOptions = {
  producer: Producer;
  enqueueTimeoutMs: number;
  /** `ingest.authorization`, checked before the body is read. */
  authorized: (header: string | undefined) => boolean;
};

/**
 * `POST /v1/verified`: the auth service reports that the last code sent to `to` (or the code of
 * message `id`) was used. 200 `{"converted": true|false}` (false: no live code was pending for it,
 * or the id is unknown, expired or no longer its recipient's latest code), 400 on a bad body
 * (nothing changed), 503 when Redis does not answer in time.
 */
export const registerVerifiedRoute = (app: FastifyInstance, { producer, enqueueTimeoutMs, authorized }: VerifiedRouteOptions): void => {
  const onRequest = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!authorized(req.headers.authorization)) return reply.code(401).send({ error: 'unauthorized' });
  };
  app.post('/v1/verified', { onRequest }, async (req, reply) => {
    const body = parseBody(req.body);
    if (!body.success) return invalid(reply, bodyIssues(body.error));
    try {
      return reply.send(await withDeadline(producer.verified(reportOf(body.data)), enqueueTimeoutMs));
    } catch (error) {
      if (isValidationError(error)) return invalid(reply, error.issues);
      return reply.code(503).header('retry-after', '1').send({ error: 'unavailable' });
    }
  });
};
