import { Webhook } from 'standardwebhooks';

export type SupabaseVerdict = { ok: true; id: string } | { ok: false; reason: 'missing' | 'signature' | 'stale' };

/** Longest `webhook-id` taken (Supabase sends a UUID): it becomes part of an idempotency key. */
const MAX_ID_LENGTH = 200;

/**
 * Standard Webhooks verification as Supabase signs (supabase/auth `v0http`: the secret's `v1,`
 * prefix stripped, one signature per configured secret in `webhook-signature`), with the
 * `standardwebhooks` library: constant-time compare, timestamp within its 5 minutes either way.
 * A call is accepted when any configured secret verifies it (rotation).
 */
export const createSupabaseVerifier = (secrets: readonly string[]) => {
  const webhooks = secrets.map((secret) => new Webhook(secret.replace(/^v1,/, '')));
  return (rawBody: string, headers: Record<string, string | undefined>): SupabaseVerdict => {
    const id = headers['webhook-id'];
    const timestamp = headers['webhook-timestamp'];
    const signature = headers['webhook-signature'];
    if (!id || !timestamp || !signature) return { ok: false, reason: 'missing' };
    if (id.length > MAX_ID_LENGTH) return { ok: false, reason: 'signature' };
    let reason: 'signature' | 'stale' = 'signature';
    for (const webhook of webhooks) {
      try {
        webhook.verify(rawBody, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature }, { jsonParse: false });
        return { ok: true, id };
      } catch (error) {
        // The library checks the timestamp before the signature: "Message timestamp too old/new".
        if (error instanceof Error && /timestamp too (old|new)/.test(error.message)) reason = 'stale';
      }
    }
    return { ok: false, reason };
  };
};
