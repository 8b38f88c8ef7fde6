import { z } from 'zod';
import type { ResponseDoc, RouteDoc } from '../openapi.js';
import { kratosBodySchema } from './kratos-body.js';
import { supabaseEmailSchema, supabaseSmsSchema } from './supabase-body.js';
import { verifiedBodySchema } from './verified.js';

const supabaseError = (description: string): ResponseDoc => ({
  description,
  schema: z.object({ error: z.object({ http_code: z.number(), message: z.string() }) }),
  example: { error: { http_code: 401, message: 'missing or invalid webhook signature' } },
});
const plainError = (description: string, code: string): ResponseDoc => ({ description, schema: z.object({ error: z.literal(code) }), example: { error: code } });
const issues: ResponseDoc = { description: 'Bad body, or a message kind that is not a code (named in the message).', schema: z.object({ error: z.literal('invalid_request'), issues: z.array(z.object({ path: z.string(), message: z.string() })) }) };

const supabaseHook = (what: 'SMS' | 'Email'): RouteDoc => ({
  summary: `Supabase Auth's Send ${what} Hook`,
  description: 'The body Supabase sends, signed with Standard Webhooks (`ingest.supabase.secret`); `webhook-id` is the idempotency key. Only with `ingest.supabase` (else 404). docs/platforms.md.',
  tags: ['platforms'],
  body: { schema: what === 'SMS' ? supabaseSmsSchema : supabaseEmailSchema },
  parameters: ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({ name, in: 'header' as const, schema: z.string(), required: true, description: 'Standard Webhooks header.' })),
  responses: {
    200: { description: 'Enqueued (or already, for this webhook-id).', example: {} },
    400: supabaseError('Bad body, or an action type that is not a code.'),
    401: supabaseError('Signature missing or wrong, or timestamp outside the tolerance.'),
    409: supabaseError('The webhook-id was used for another message.'),
    413: supabaseError('Body over 64 KiB.'),
    429: supabaseError('A limit refused it; Retry-After set, so Supabase retries.'),
    503: supabaseError('Redis unreachable or slow; Retry-After set, so Supabase retries.'),
  },
  security: 'none',
});

/** The platform routes (registered only with their config section; `/v1/verified` always). */
export const PLATFORM_ROUTE_DOCS: ReadonlyMap<string, RouteDoc> = new Map<string, RouteDoc>([
  ['POST /v1/hooks/supabase/sms', supabaseHook('SMS')],
  ['POST /v1/hooks/supabase/email', supabaseHook('Email')],
  ['POST /v1/hooks/kratos', {
    summary: 'Ory Kratos courier HTTP delivery (email and SMS)',
    description: 'Kratos\'s default request body or the one in docs/platforms.md; authorized by `ingest.kratos.authorization` in `ingest.kratos.header`. Only with `ingest.kratos` (else 404).',
    tags: ['platforms'],
    body: { schema: kratosBodySchema },
    responses: { 200: { description: 'Enqueued.', example: { id: '0b9c6a0e-3f1b-4c8e-9b7a-2f1d5c4e8a90' } }, 400: issues, 401: plainError('Authorization missing or wrong.', 'unauthorized'), 429: plainError('A limit refused it (Retry-After).', 'rate_limited'), 503: plainError('Redis unreachable or slow (Retry-After).', 'unavailable') },
    security: 'none',
  }],
  ['POST /v1/hooks/logto', {
    summary: 'Logto webhooks PostRegister, PostSignIn, PostResetPassword: the user\'s last code was used',
    description: 'Verified by `logto-signature-sha-256` (HMAC-SHA256 of the body with `ingest.logto.signingKey`). Only with `ingest.logto` (else 404).',
    tags: ['platforms'],
    body: { contentType: 'application/json', description: 'Logto\'s interaction hook body ({event, user: {primaryEmail, primaryPhone}, …})' },
    responses: { 200: { description: 'Recorded; `converted` counts identifiers that had a live code.', example: { converted: 1 } }, 400: issues, 401: plainError('Signature missing or wrong.', 'unauthorized'), 503: plainError('Redis unreachable or slow.', 'unavailable') },
    security: 'none',
  }],
  ['POST /v1/verified', {
    summary: 'Report that the last code sent to a recipient, or the code of a message id, was used (SPEC §12)',
    description: '`{channel, to}`: the last code sent to `to`. `{id}`: the code of the message `POST /v1/{channel}` answered with this id, only while it is still its recipient\'s latest code. Only a code that was sent and still live converts, once; conversions feed `limits.sms.minConversion`.',
    tags: ['platforms'],
    body: { schema: verifiedBodySchema, example: { channel: 'sms', to: '+14155550123' } },
    responses: { 200: { description: '`converted`: whether a live code was pending for it (false for an unknown or expired id).', example: { converted: true } }, 400: issues, 401: plainError('Authorization missing or wrong.', 'unauthorized'), 503: plainError('Redis unreachable or slow.', 'unavailable') },
    security: 'ingest',
  }],
]);
