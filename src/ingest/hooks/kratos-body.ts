import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Channel, TemplateType } from '../../messages/types.js';
import { logtoPhoneToE164 } from '../body.js';
import { localeOf, refuse, type HookMapping, type HookMessage } from './shared.js';

/**
 * What Ory Kratos's courier posts with `delivery_strategy: http` (ory/kratos `courier/http_channel.go`,
 * rendered by the request body Jsonnet). Kratos's default body
 * (`embedx/config.schema.json`, `courier.http.request_config.body`) sends `recipient`,
 * `template_type`, `to`, `recovery_code`, `recovery_url`, `verification_url`,
 * `verification_code`, `subject`, `body`; the body in docs/platforms.md adds `message_type` and
 * `template_data` (which carries `login_code` and `registration_code`, absent from the default).
 * Unset fields arrive as null.
 */
const text = z.string().max(2048).nullish();
const templateDataSchema = z.looseObject({
  to: text,
  login_code: text,
  registration_code: text,
  verification_code: text,
  recovery_code: text,
  verification_url: text,
  recovery_url: text,
  request_url: text,
  expires_in_minutes: z.number().nullish(),
  transient_payload: z.record(z.string(), z.unknown()).nullish(),
  identity: z.looseObject({ traits: z.record(z.string(), z.unknown()).nullish(), metadata_public: z.record(z.string(), z.unknown()).nullish() }).nullish(),
});

export const kratosBodySchema = z.looseObject({
  recipient: z.string().min(1).max(320),
  template_type: z.string().min(1).max(64),
  message_type: z.enum(['email', 'sms']).nullish(),
  template_data: templateDataSchema.nullish(),
  to: text,
  recovery_code: text,
  recovery_url: text,
  verification_code: text,
  verification_url: text,
});

export type KratosBody = z.infer<typeof kratosBodySchema>;

/** Kratos template types (`courier/template/type.go`) → ours; the short names are older Kratos releases'. */
export const KRATOS_TEMPLATE_TYPES: Readonly<Record<string, TemplateType>> = {
  login_code_valid: 'SignIn',
  login_code: 'SignIn',
  registration_code_valid: 'Register',
  registration_code: 'Register',
  verification_code_valid: 'Register',
  verification_code: 'Register',
  verification_valid: 'Register',
  recovery_code_valid: 'ForgotPassword',
  recovery_code: 'ForgotPassword',
  recovery_valid: 'ForgotPassword',
};

/** Known Kratos mails that carry no code: "someone tried this address" and change notices. */
const NOT_A_CODE = new Set(['recovery_invalid', 'recovery_code_invalid', 'verification_invalid', 'verification_code_invalid', 'verifiable_address_changed', 'authenticator_key_added', 'stub']);

export type KratosMessage = HookMessage & { idempotencyKey: string };

const codeOf = (body: KratosBody): string | undefined => {
  const data = body.template_data;
  return data?.login_code || data?.registration_code || data?.verification_code || data?.recovery_code || body.verification_code || body.recovery_code || undefined;
};
const linkOf = (body: KratosBody): string | undefined =>
  body.template_data?.verification_url || body.template_data?.recovery_url || body.verification_url || body.recovery_url || undefined;

/** Kratos has no language field: apps keep one in the transient payload or the identity's traits. */
const kratosLocale = (body: KratosBody) => {
  const data = body.template_data;
  return localeOf(data?.transient_payload?.locale, data?.identity?.traits?.locale, data?.identity?.traits?.language, data?.identity?.metadata_public?.locale);
};

/**
 * Kratos sends no delivery id, and its courier retries a message whose call failed: the key is
 * derived from what makes the message itself (recipient, template, code or link), so a retry
 * sends once and a new code is a new message. Hashed: the key never holds the code.
 */
const derivedKey = (channel: Channel, to: string, templateType: string, secret: string): string =>
  `kratos:${createHash('sha256').update(`${channel}\n${to}\n${templateType}\n${secret}`).digest('base64url')}`;

export const mapKratos = (body: KratosBody): HookMapping<KratosMessage> => {
  const kind = body.template_type;
  if (NOT_A_CODE.has(kind)) return refuse('unsupported', 'this Kratos template carries no code (invalid-address notices and change notifications are not sent: keep notify_unknown_recipients off)');
  const type = KRATOS_TEMPLATE_TYPES[kind];
  if (!type) return refuse('unsupported', `unknown template_type: expected one of ${Object.keys(KRATOS_TEMPLATE_TYPES).join(', ')}`);
  const code = codeOf(body);
  const link = linkOf(body);
  if (!code && !link) return refuse('malformed', `${kind} carries no code in this body: use the request body of docs/platforms.md (template_data)`);
  const channel: Channel = body.message_type ?? (body.recipient.includes('@') ? 'email' : 'sms');
  const to = channel === 'sms' ? logtoPhoneToE164(body.recipient) : body.recipient;
  const data = body.template_data;
  const kratos = { template_type: kind, ...(data?.request_url && { request_url: data.request_url }), ...(typeof data?.expires_in_minutes === 'number' && { expires_in_minutes: data.expires_in_minutes }) };
  const payload = { ...(code && { code }), ...(link && { link }), ...kratosLocale(body), kratos };
  return { ok: true, value: { channel, to, type, payload, idempotencyKey: derivedKey(channel, to, kind, code ?? link ?? '') } };
};
