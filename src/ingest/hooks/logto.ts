import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { z } from 'zod';
import type { LogtoHookConfig } from '../../config/hooks-schema.js';
import { safeEqual } from '../../crypto/compare.js';
import { withDeadline } from '../../abort/with-deadline.js';
import type { Channel } from '../../messages/types.js';
import { isValidationError, type Producer } from '../../producer/index.js';
import { logtoPhoneToE164 } from '../body.js';
import { invalid } from '../errors.js';
import { headerOf, HOOK_BODY_LIMIT_BYTES, parseJson, rawBodyOf, registerRawBodyScope } from './shared.js';

export type LogtoHookOptions = {
  config: LogtoHookConfig;
  producer: Producer;
  enqueueTimeoutMs: number;
  rejected: Counter<'platform' | 'reason'>;
};

/** The interaction events after which a code the user was sent has been used (Logto docs, "Webhooks events"). */
export const LOGTO_CONVERSION_EVENTS = ['PostRegister', 'PostSignIn', 'PostResetPassword'] as const;

/** Logto's interaction hook body ("Webhooks request"): the parts used here. */
const logtoBodySchema = z.looseObject({
  event: z.string().max(64),
  user: z.looseObject({ primaryEmail: z.string().max(320).nullish(), primaryPhone: z.string().max(32).nullish() }).nullish(),
});

/** `logto-signature-sha-256`: the HMAC-SHA256 hex digest of the raw body with the signing key, compared in constant time. */
export const logtoSigned = (signingKey: string, rawBody: Buffer, signature: string | undefined): boolean =>
  signature !== undefined && safeEqual(signature.trim().toLowerCase(), createHmac('sha256', signingKey).update(rawBody).digest('hex'));

/** The user's identifiers: Logto keeps phone numbers as digits without `+`. */
const identifiersOf = (user: z.infer<typeof logtoBodySchema>['user']): { channel: Channel; to: string }[] => [
  ...(user?.primaryEmail ? [{ channel: 'email' as const, to: user.primaryEmail }] : []),
  ...(user?.primaryPhone ? [{ channel: 'sms' as const, to: logtoPhoneToE164(user.primaryPhone) }] : []),
];

/**
 * SPEC §12 `POST /v1/hooks/logto`: PostRegister, PostSignIn and PostResetPassword report that the
 * user's last code was used. Logto does not say which identifier the code went to, so each of the
 * user's identifiers is reported; only one with a live code counts (src/limits/conversions.ts).
 * Answers 200 `{"converted": n}`; a bad signature 401, another event 400 (both counted).
 */
export const registerLogtoHook = (app: FastifyInstance, { config, producer, enqueueTimeoutMs, rejected }: LogtoHookOptions): void => {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const raw = rawBodyOf(req);
    const signature = headerOf(req, 'logto-signature-sha-256');
    if (!logtoSigned(config.signingKey, raw, signature)) {
      rejected.inc({ platform: 'logto', reason: signature === undefined ? 'missing' : 'signature' });
      return reply.code(401).send({ error: 'unauthorized' });
    }
    const parsed = logtoBodySchema.safeParse(parseJson(raw));
    const supported = parsed.success && (LOGTO_CONVERSION_EVENTS as readonly string[]).includes(parsed.data.event);
    if (!parsed.success || !supported) {
      rejected.inc({ platform: 'logto', reason: parsed.success ? 'unsupported' : 'malformed' });
      return invalid(reply, [{ path: 'event', message: `expected a Logto webhook body with event ${LOGTO_CONVERSION_EVENTS.join(', ')}` }]);
    }
    try {
      // An identifier this system could not have sent to (not a valid address) is simply no conversion.
      const report = (id: { channel: Channel; to: string }) => producer.verified(id).catch((error: unknown) => {
        if (isValidationError(error)) return { converted: false };
        throw error;
      });
      const reports = identifiersOf(parsed.data.user).map(report);
      const results = await withDeadline(Promise.all(reports), enqueueTimeoutMs);
      return reply.send({ converted: results.filter((r) => r.converted).length });
    } catch {
      return reply.code(503).header('retry-after', '1').send({ error: 'unavailable' });
    }
  };
  registerRawBodyScope(app, (scope) => {
    scope.post('/v1/hooks/logto', { bodyLimit: HOOK_BODY_LIMIT_BYTES }, handler);
  });
};
