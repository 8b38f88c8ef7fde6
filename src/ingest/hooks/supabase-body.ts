import { z } from 'zod';
import type { TemplateType } from '../../messages/types.js';
import { logtoPhoneToE164 } from '../body.js';
import { ipOrNothing, localeOf, refuse, type HookMapping, type HookMessage } from './shared.js';

/**
 * Supabase Auth's hook bodies (supabase/auth `internal/hooks/v0hooks`: SendSMSInput,
 * SendEmailInput, `mailer.EmailData`), read loosely: Supabase adds fields over time.
 */
const text = z.string().max(2048).nullish();
const userSchema = z.looseObject({
  email: text,
  phone: text,
  /** The address an email change goes to (`models.User.EmailChange`); the docs call it `email_new`. */
  new_email: text,
  email_new: text,
  user_metadata: z.record(z.string(), z.unknown()).nullish(),
});
const metadataSchema = z.looseObject({ ip_address: z.string().max(64).nullish() }).nullish();

export const supabaseSmsSchema = z.looseObject({
  metadata: metadataSchema,
  user: userSchema.nullish(),
  sms: z.looseObject({ otp: z.string().min(1).max(64), sms_type: text, phone: text }),
});

export const supabaseEmailSchema = z.looseObject({
  metadata: metadataSchema,
  user: userSchema,
  email_data: z.looseObject({
    token: text,
    token_hash: text,
    redirect_to: text,
    email_action_type: z.string().max(64),
    site_url: text,
    token_new: text,
    token_hash_new: text,
  }),
});

type User = z.infer<typeof userSchema>;
type EmailData = z.infer<typeof supabaseEmailSchema>['email_data'];

/** `email_action_type` → template type (SPEC §9). `email` is the email OTP of signInWithOtp. */
export const SUPABASE_EMAIL_TYPES: Readonly<Record<string, TemplateType>> = {
  signup: 'Register',
  magiclink: 'SignIn',
  login: 'SignIn',
  email: 'SignIn',
  recovery: 'ForgotPassword',
  invite: 'OrganizationInvitation',
  email_change: 'BindNewIdentifier',
  reauthentication: 'UserPermissionValidation',
};

/** A message for one address; a secure email change is two (current and new address), each with its key suffix. */
export type SupabaseMessage = HookMessage & { keySuffix: string };

/** The language Supabase apps keep in user_metadata (`locale`; its i18n example uses `i18n`). */
const userLocale = (user: User | null | undefined) => localeOf(user?.user_metadata?.locale, user?.user_metadata?.i18n, user?.user_metadata?.language);

export const mapSupabaseSms = (body: z.infer<typeof supabaseSmsSchema>): HookMapping<SupabaseMessage[]> => {
  const phone = body.sms.phone || body.user?.phone;
  if (!phone) return refuse('malformed', 'sms.phone or user.phone is required');
  const type: TemplateType = body.sms.sms_type === 'mfa' ? 'MfaVerification' : 'SignIn';
  const payload = { code: body.sms.otp, ...userLocale(body.user), supabase: { ...(body.sms.sms_type && { sms_type: body.sms.sms_type }) } };
  return { ok: true, value: [{ channel: 'sms', to: logtoPhoneToE164(phone), type, payload, ...ipOrNothing(body.metadata?.ip_address), keySuffix: '' }] };
};

/**
 * The link Supabase's own mails carry (`{{ .ConfirmationURL }}`): `site_url` is the Auth API's
 * external URL (`https://<ref>.supabase.co/auth/v1`), so `<site_url>/verify?token=<token_hash>&type=…&redirect_to=…`.
 */
export const confirmationLink = (siteUrl: string | null | undefined, tokenHash: string, type: string, redirectTo: string | null | undefined): string | undefined => {
  if (!siteUrl || !tokenHash || type === 'reauthentication' || !/^https?:\/\/[^\s]+$/.test(siteUrl)) return undefined;
  const query = new URLSearchParams({ token: tokenHash, type, redirect_to: redirectTo ?? '' });
  return `${siteUrl.replace(/\/+$/, '')}/verify?${query.toString()}`;
};

const messageFor = (to: string, code: string, tokenHash: string, data: EmailData, user: User, keySuffix: string): SupabaseMessage => {
  const action = data.email_action_type;
  const link = confirmationLink(data.site_url, tokenHash, action, data.redirect_to);
  const supabase = { email_action_type: action, site_url: data.site_url ?? '', redirect_to: data.redirect_to ?? '', token_hash: tokenHash };
  const payload = { ...(code && { code }), ...(link && { link }), ...userLocale(user), supabase };
  return { channel: 'email', to, type: SUPABASE_EMAIL_TYPES[action] ?? 'Generic', payload, keySuffix };
};

/**
 * An email change, as Supabase documents it: with Secure Email Change both hashes are set and two
 * mails go out — to `user.email` with `token` and `token_hash_new`, to the new address with
 * `token_new` and `token_hash` (the names are historical). Otherwise one mail to the new address
 * (or `user.email` when the body names none), with whichever pair is set.
 */
const emailChange = (data: EmailData, user: User, current: string): SupabaseMessage[] | undefined => {
  const next = user.new_email || user.email_new;
  if (data.token_hash && data.token_hash_new) {
    if (!next) return undefined;
    return [messageFor(current, data.token ?? '', data.token_hash_new, data, user, ':current'), messageFor(next, data.token_new ?? '', data.token_hash, data, user, ':new')];
  }
  return [messageFor(next || current, data.token || data.token_new || '', data.token_hash || data.token_hash_new || '', data, user, '')];
};

const NOTIFICATION = /_notification$/;

export const mapSupabaseEmail = (body: z.infer<typeof supabaseEmailSchema>): HookMapping<SupabaseMessage[]> => {
  const { email_data: data, user } = body;
  const action = data.email_action_type;
  if (NOTIFICATION.test(action)) return refuse('unsupported', 'security notification emails carry no code: otp-courier sends one-time codes only (turn this notification off or send it another way)');
  if (!(action in SUPABASE_EMAIL_TYPES)) return refuse('unsupported', `unknown email_action_type: expected one of ${Object.keys(SUPABASE_EMAIL_TYPES).join(', ')}`);
  if (!user.email) return refuse('malformed', 'user.email is required');
  const messages = action === 'email_change' ? emailChange(data, user, user.email) : [messageFor(user.email, data.token ?? '', data.token_hash ?? '', data, user, '')];
  if (!messages) return refuse('malformed', 'an email change with two tokens needs user.new_email');
  if (messages.some((m) => !m.payload.code && !m.payload.link)) return refuse('malformed', 'email_data carries neither a token nor a token_hash with site_url');
  const ip = ipOrNothing(body.metadata?.ip_address);
  return { ok: true, value: messages.map((m) => ({ ...m, ...ip })) };
};
