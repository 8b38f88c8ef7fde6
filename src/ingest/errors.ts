import type { FastifyError, FastifyReply } from 'fastify';
import type { ValidationIssue } from '../errors/validation-error.js';

/** 400 `{"error":"invalid_request","issues":[{path,message}]}` (SPEC §5). */
export const invalid = (reply: FastifyReply, issues: readonly ValidationIssue[]) =>
  reply.code(400).send({ error: 'invalid_request', issues });

const BODY_NOT_JSON = 'body must be one JSON object, without __proto__ or constructor.prototype keys';

/**
 * Errors Fastify raises before a handler runs: body too large (413), not JSON (415), unparsable
 * JSON (400 naming the body). Other client errors keep their status; anything else is a 500 that
 * says nothing about the cause.
 */
export const ingestErrorHandler = (error: FastifyError, _request: unknown, reply: FastifyReply) => {
  const status = error.statusCode ?? 500;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) return reply.code(413).send({ error: 'payload_too_large' });
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) return reply.code(415).send({ error: 'unsupported_media_type' });
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return invalid(reply, [{ path: '', message: BODY_NOT_JSON }]);
  }
  if (status === 400) return invalid(reply, [{ path: '', message: 'malformed request' }]);
  if (status > 400 && status < 500) return reply.code(status).send({ error: 'bad_request' });
  return reply.code(500).send({ error: 'internal_error' });
};
