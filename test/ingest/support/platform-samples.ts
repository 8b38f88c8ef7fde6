import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { post, type Reply } from './harness.js';

/** A Supabase hook secret as its dashboard shows it. */
export const supabaseSecret = (): string => `v1,whsec_${randomBytes(32).toString('base64')}`;

/** The Send Email Hook sample of Supabase's docs (guides/auth/auth-hooks/send-email-hook), `email_data` as given. */
export const supabaseEmailSample = (emailData: Record<string, unknown> = {}, user: Record<string, unknown> = {}) => ({
  user: {
    id: '8484b834-f29e-4af2-bf42-80644d154f76',
    aud: 'authenticated',
    role: 'authenticated',
    email: 'valid.email@supabase.io',
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: { email: 'valid.email@supabase.io', email_verified: false, phone_verified: false, sub: '8484b834-f29e-4af2-bf42-80644d154f76' },
    identities: [
      {
        identity_id: 'bc26d70b-517d-4826-bce4-413a5ff257e7',
        id: '8484b834-f29e-4af2-bf42-80644d154f76',
        user_id: '8484b834-f29e-4af2-bf42-80644d154f76',
        identity_data: { email: 'valid.email@supabase.io', email_verified: false, phone_verified: false, sub: '8484b834-f29e-4af2-bf42-80644d154f76' },
        provider: 'email',
        last_sign_in_at: '2024-05-14T12:56:33.824231484Z',
        created_at: '2024-05-14T12:56:33.824261Z',
        updated_at: '2024-05-14T12:56:33.824261Z',
        email: 'valid.email@supabase.io',
      },
    ],
    created_at: '2024-05-14T12:56:33.821567Z',
    updated_at: '2024-05-14T12:56:33.825595Z',
    is_anonymous: false,
    ...user,
  },
  email_data: {
    token: '305805',
    token_hash: '7d5b7b1964cf5d388340a7f04f1dbb5eeb6c7b52ef8270e1737a58d0',
    redirect_to: 'http://localhost:3000/',
    email_action_type: 'signup',
    site_url: 'http://localhost:9999',
    token_new: '',
    token_hash_new: '',
    old_email: 'old.email@supabase.io',
    old_phone: '',
    provider: 'email',
    factor_type: 'totp',
    ...emailData,
  },
});

/** The Send SMS Hook sample of Supabase's docs (guides/auth/auth-hooks/send-sms-hook), with a valid number. */
export const supabaseSmsSample = (sms: Record<string, unknown> = {}, user: Record<string, unknown> = {}) => ({
  user: {
    id: '6481a5c1-3d37-4a56-9f6a-bee08c554965',
    aud: 'authenticated',
    role: 'authenticated',
    email: '',
    phone: '14155550123',
    phone_confirmed_at: '2024-05-13T11:52:48.157306Z',
    confirmation_sent_at: '2024-05-14T12:31:52.824573Z',
    confirmed_at: '2024-05-13T11:52:48.157306Z',
    phone_change_sent_at: '2024-05-13T11:47:02.183064Z',
    last_sign_in_at: '2024-05-13T11:52:48.162518Z',
    app_metadata: { provider: 'phone', providers: ['phone'] },
    user_metadata: {},
    identities: [],
    created_at: '2024-05-13T11:45:33.7738Z',
    updated_at: '2024-05-14T12:31:52.82475Z',
    is_anonymous: false,
    ...user,
  },
  sms: { otp: '561166', ...sms },
});

/**
 * Posts `body` as Supabase Auth does (supabase/auth `v0http`): one `v1,` signature per secret
 * joined by ", ", a fresh UUID `webhook-id` unless given, the current unix seconds.
 */
export const postSupabase = async (url: string, body: unknown, secrets: readonly string[], options: { id?: string; at?: Date } = {}): Promise<Reply & { id: string }> => {
  const raw = JSON.stringify(body);
  const id = options.id ?? randomUUID();
  const at = options.at ?? new Date();
  const signature = secrets.map((s) => new Webhook(s.replace(/^v1,/, '')).sign(id, at, raw)).join(', ');
  const reply = await post(url, raw, { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature });
  return { ...reply, id };
};

/** What Kratos's default request body (`courier.http.request_config.body`) renders for a message. */
export const kratosDefaultBody = (recipient: string, templateType: string, data: Record<string, unknown>) => ({
  recipient,
  template_type: templateType,
  to: recipient,
  recovery_code: data.recovery_code ?? null,
  recovery_url: data.recovery_url ?? null,
  verification_url: data.verification_url ?? null,
  verification_code: data.verification_code ?? null,
  subject: 'Kratos subject',
  body: 'Kratos body',
});

/** What the body in docs/platforms.md renders: the template data and the message type as Kratos has them. */
export const kratosFullBody = (recipient: string, templateType: string, messageType: 'email' | 'sms', data: Record<string, unknown>) => ({
  recipient,
  template_type: templateType,
  message_type: messageType,
  template_data: { to: recipient, request_url: 'https://auth.example.com/self-service/login/browser', expires_in_minutes: 15, transient_payload: {}, identity: { id: 'e2b1', traits: {} }, ...data },
});

/** Logto's interaction hook body ("Webhooks request"). */
export const logtoBody = (event: string, user: Record<string, unknown>) => ({
  hookId: 'hook-1',
  event,
  interactionEvent: event === 'PostRegister' ? 'Register' : event === 'PostSignIn' ? 'SignIn' : 'ForgotPassword',
  createdAt: new Date().toISOString(),
  sessionId: 'sess-1',
  userAgent: 'Mozilla/5.0',
  userIp: '203.0.113.7',
  userId: 'u-1',
  user: { id: 'u-1', username: null, name: 'Ana', avatar: null, ...user },
  application: { id: 'app-1', type: 'SPA', name: 'Acme' },
});

/** Posts `body` signed as Logto does: `logto-signature-sha-256` = HMAC-SHA256 hex of the raw body. */
export const postLogto = (url: string, body: unknown, signingKey: string, signature?: string): Promise<Reply> => {
  const raw = JSON.stringify(body);
  return post(url, raw, { 'logto-signature-sha-256': signature ?? createHmac('sha256', signingKey).update(raw).digest('hex'), 'user-agent': 'Logto (https://logto.io/)' });
};
