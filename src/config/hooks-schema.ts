import { z } from 'zod';

/** Supabase's hook secret as its dashboard shows it: `v1,whsec_<base64>` (the bare `whsec_…` is accepted too). */
export const SUPABASE_SECRET_PATTERN = /^(v1,)?whsec_[A-Za-z0-9+/]+={0,2}$/;

const supabaseSecret = z.string().regex(SUPABASE_SECRET_PATTERN, 'must be v1,whsec_ followed by a base64 key (as the Supabase dashboard shows it)');

/**
 * One secret, a list, or Supabase's own rotation form `v1,whsec_a|v1,whsec_b`: a call signed with
 * any of them is accepted, so a secret can be rotated without downtime.
 */
const supabaseSecrets = z
  .union([z.string(), z.array(z.string()).min(1)])
  .transform((value) => (Array.isArray(value) ? value : value.split('|')).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(supabaseSecret).min(1, 'at least one secret'));

/** SPEC §9: Supabase Auth's Send SMS and Send Email hooks (`/v1/hooks/supabase/sms|email`); absent = 404. */
export const supabaseHookSchema = z.strictObject({
  /**
   * The hook secret(s) Supabase signs with (Standard Webhooks; timestamps within the library's 5
   * minutes). Required: an unsigned hook would let anyone send codes through you.
   */
  secret: supabaseSecrets,
});

/** SPEC §9: Ory Kratos's courier HTTP delivery (`/v1/hooks/kratos`); absent = 404. */
export const kratosHookSchema = z.strictObject({
  /**
   * Accepted values of `header`, compared in constant time: `Basic <base64 user:password>` for
   * Kratos's `basic_auth`, or the `value` of its `api_key` auth.
   */
  authorization: z.array(z.string().min(1)).min(1),
  /** The header holding it: the `name` of Kratos's `api_key` auth (`in: header`). @default 'authorization' */
  header: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name').transform((h) => h.toLowerCase()).default('authorization'),
});

/** SPEC §12: Logto's webhooks PostRegister, PostSignIn, PostResetPassword (`/v1/hooks/logto`); absent = 404. */
export const logtoHookSchema = z.strictObject({
  /** The webhook's signing key from Logto Console → Webhooks (HMAC-SHA256 key of `logto-signature-sha-256`). */
  signingKey: z.string().min(1),
});

export type SupabaseHookConfig = z.output<typeof supabaseHookSchema>;
export type KratosHookConfig = z.output<typeof kratosHookSchema>;
export type LogtoHookConfig = z.output<typeof logtoHookSchema>;
export type PlatformHooksConfig = { supabase?: SupabaseHookConfig | undefined; kratos?: KratosHookConfig | undefined; logto?: LogtoHookConfig | undefined };
