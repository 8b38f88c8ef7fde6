import { z } from 'zod';
import { OUTCOMES } from '../messages/job-data.js';
import { CHANNELS } from '../messages/types.js';
import { ingestBodySchema } from './body.js';
import type { ResponseDoc, RouteDoc } from './openapi.js';

const errorSchema = (code: string) => z.object({ error: z.literal(code) });
const issuesSchema = z.object({ error: z.literal('invalid_request'), issues: z.array(z.object({ path: z.string(), message: z.string() })) });
const acceptedSchema = z.object({ id: z.string().describe('the message id (status, dlq)'), outcome: z.enum(OUTCOMES).optional().describe('with ?wait') });

const error = (description: string, code: string): ResponseDoc => ({ description, schema: errorSchema(code), example: { error: code } });

const sendRoute = (channel: 'email' | 'sms'): RouteDoc => ({
  summary: `Enqueue one ${channel === 'email' ? 'email' : 'SMS'}`,
  description: `Exactly the body Logto's HTTP ${channel} connector sends.${channel === 'sms' ? ' `to` is E.164, or Logto\'s international digits without `+`.' : ''}`,
  tags: ['send'],
  body: {
    schema: ingestBodySchema,
    example: { to: channel === 'email' ? 'ana@example.com' : '14155550123', type: 'SignIn', payload: { code: '123456', locale: 'ko' }, ip: '203.0.113.7' },
  },
  parameters: [
    { name: 'wait', in: 'query', schema: z.number().min(0).max(30), description: 'Wait up to this many seconds for the outcome, added as `outcome`.' },
    { name: 'Idempotency-Key', in: 'header', schema: z.string().max(256), description: 'The same key within the message\'s lifetime enqueues once; the answer names the first message.' },
    { name: 'X-Expires-At', in: 'header', schema: z.string(), description: 'When the code expires: epoch seconds or ms, ISO 8601 or an HTTP date; never sent after it.' },
  ],
  responses: {
    200: { description: 'Durably enqueued.', schema: acceptedSchema, example: { id: '0b9c6a0e-3f1b-4c8e-9b7a-2f1d5c4e8a90' } },
    400: { description: 'Bad body, header or query.', schema: issuesSchema, example: { error: 'invalid_request', issues: [{ path: 'to', message: 'must be an email address' }] } },
    401: error('Authorization missing or wrong.', 'unauthorized'),
    409: error('The Idempotency-Key was used for another message.', 'idempotency_key_reused'),
    413: error('Body over ingest.bodyLimitBytes.', 'payload_too_large'),
    415: error('Not JSON.', 'unsupported_media_type'),
    429: { description: 'A limit refused it (`Retry-After`); `reason: suppressed` after a hard bounce or complaint.', schema: z.object({ error: z.literal('rate_limited'), reason: z.literal('suppressed').optional() }), example: { error: 'rate_limited' } },
    503: error('Redis unreachable or slow (answered within 2 s); a retry with the same Idempotency-Key is safe.', 'unavailable'),
  },
  security: 'ingest',
});

const receiptRoute = (method: 'GET' | 'POST'): RouteDoc => ({
  summary: 'A vendor\'s delivery receipt webhook',
  description: 'The vendor\'s own format (JSON, form or query parameters), verified the vendor\'s way (signature, token or authorization: docs/receipts.md). Answered fast; unknown messages are answered 200.',
  tags: ['receipts'],
  ...(method === 'POST' && { body: { contentType: '*/*', description: 'the vendor\'s webhook body, as it sends it (at most 256 KiB)' } }),
  parameters: [
    { name: 'channel', in: 'path', schema: z.enum(CHANNELS), description: 'The connector\'s channel.' },
    { name: 'connector', in: 'path', schema: z.string(), description: 'The connector\'s name under `connectors:`.' },
    { name: 'token', in: 'query', schema: z.string(), description: 'For vendors that sign nothing: the connector\'s `receipts.token`.' },
  ],
  responses: {
    200: { description: 'Taken, or about a message this system does not know (so the vendor stops retrying).', example: { ok: true } },
    400: error('Unreadable body.', 'malformed'),
    401: error('Signature, token or authorization missing or wrong; timestamp outside the window; a once-only id reused.', 'unauthorized'),
    404: error('No connector of that name with receipts on.', 'not_found'),
    413: error('Over 256 KiB.', 'payload_too_large'),
    503: error('Redis failed or too many receipts in flight: the vendor retries.', 'unavailable'),
  },
  security: 'none',
});

const ops = (summary: string, responses: RouteDoc['responses']): RouteDoc => ({ summary, tags: ['ops'], responses, security: 'none' });

/** The version of the ingest's HTTP contract in `/openapi.json` (SPEC's second horizon). */
export const INGEST_API_VERSION = '2.0.0';

/** Every route the ingest serves, keyed as Fastify registers it. The OpenAPI test fails on a route missing here. */
export const INGEST_ROUTE_DOCS: ReadonlyMap<string, RouteDoc> = new Map<string, RouteDoc>([
  ['POST /v1/email', sendRoute('email')],
  ['POST /v1/sms', sendRoute('sms')],
  ['POST /v1/receipts/:channel/:connector', receiptRoute('POST')],
  ['GET /v1/receipts/:channel/:connector', receiptRoute('GET')],
  ['GET /healthz', ops('The process answers (never checks Redis).', { 200: { description: 'Alive.', example: { status: 'ok' } } })],
  ['GET /readyz', ops('Redis answers and the process is not shutting down.', { 200: { description: 'Ready.', example: { status: 'ready' } }, 503: { description: 'Not ready.', example: { status: 'not_ready' } } })],
  ['GET /metrics', ops('Prometheus metrics.', { 200: { description: 'Prometheus text format.', contentType: 'text/plain', example: 'otp_messages_enqueued_total{channel="email",type="SignIn"} 1' } })],
  ['GET /openapi.json', ops('This document.', { 200: { description: 'OpenAPI 3.1.' } })],
]);
