import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { countJobs, deliveredTo, type Ingest, openQueue, type OutboxLine, readOutbox, startIngest, startWorker, testConfig, unique } from './support/harness.js';
import { postSupabase, supabaseEmailSample, supabaseSecret, supabaseSmsSample } from './support/platform-samples.js';
import { Redis } from 'ioredis';
import { metricValue } from '../helpers/metrics.js';

const metric = (ingest: Ingest, name: string, labels: Record<string, string>): Promise<number> => metricValue(ingest.registry, name, labels);

describe('Supabase Auth hooks → ingest → worker → outbox', () => {
  const outbox = join(tmpdir(), `${unique('supabase-outbox')}.jsonl`);
  const [oldSecret, secret] = [supabaseSecret(), supabaseSecret()];
  // Supabase's own rotation form: both secrets, `|`-separated.
  const loaded = testConfig({ redisUrl: inject('redisUrl'), outbox, ingest: { authorization: ['Bearer t'], supabase: { secret: `${oldSecret}|${secret}` } } });
  // A template that shows what Supabase's own mails show: the confirmation link and the token hash.
  loaded.config.templates.push({ channel: 'email', type: 'Register', subject: 'Confirm', content: 'link={{link}} code={{code}} hash={{supabase.token_hash}} site={{supabase.site_url}}', contentType: 'text/plain' });
  const redis = new Redis(loaded.config.redis.url ?? '');
  const queue = openQueue(loaded, redis);
  let ingest: Ingest;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  const url = (kind: 'sms' | 'email') => `${ingest.url}/v1/hooks/supabase/${kind}`;

  beforeAll(async () => {
    [ingest, worker] = await Promise.all([startIngest(loaded), startWorker(loaded)]);
  });
  afterAll(async () => {
    await Promise.allSettled([ingest?.close(), worker?.close(), queue.close()]);
    redis.disconnect();
    await rm(outbox, { force: true });
  });

  const delivered = deliveredTo(outbox);

  it('delivers the docs\' Send SMS Hook body as a SignIn SMS, answering 200 {} (Logto-style digits read as E.164)', async () => {
    const before = await metric(ingest, 'otp_messages_enqueued_total', { channel: 'sms', source: 'supabase' });
    const reply = await postSupabase(url('sms'), supabaseSmsSample(), [secret]);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({});
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    const [line] = await delivered('+14155550123');
    expect(line).toMatchObject({ channel: 'sms', type: 'SignIn' });
    expect(line?.body).toContain('561166');
    expect(await metric(ingest, 'otp_messages_enqueued_total', { channel: 'sms', source: 'supabase' })).toBe(before + 1);
  });

  it('signs with both secrets as Supabase does during a rotation, and accepts the old one alone', async () => {
    const both = await postSupabase(url('sms'), supabaseSmsSample({ otp: '111111' }, { phone: '14155550124' }), [oldSecret, secret]);
    const old = await postSupabase(url('sms'), supabaseSmsSample({ otp: '222222' }, { phone: '14155550125' }), [oldSecret]);
    expect([both.status, old.status]).toEqual([200, 200]);
    await delivered('+14155550124');
    await delivered('+14155550125');
  });

  it('sends an MFA SMS (sms_type mfa) to sms.phone as MfaVerification', async () => {
    const reply = await postSupabase(url('sms'), supabaseSmsSample({ otp: '333333', sms_type: 'mfa', phone: '+14155550126' }), [secret]);
    expect(reply.status).toBe(200);
    expect((await delivered('+14155550126'))[0]).toMatchObject({ type: 'MfaVerification' });
  });

  it('delivers the docs\' signup body as Register with the confirmation link and token hash', async () => {
    const reply = await postSupabase(url('email'), supabaseEmailSample({}, { email: 'signup@example.com' }), [secret]);
    expect(reply.status).toBe(200);
    const [line] = await delivered('signup@example.com');
    expect(line).toMatchObject({ channel: 'email', type: 'Register' });
    expect(line?.text).toContain('link=http://localhost:9999/verify?token=7d5b7b1964cf5d388340a7f04f1dbb5eeb6c7b52ef8270e1737a58d0&type=signup&redirect_to=http%3A%2F%2Flocalhost%3A3000%2F');
    expect(line?.text).toContain('code=305805');
    expect(line?.text).toContain('hash=7d5b7b1964cf5d388340a7f04f1dbb5eeb6c7b52ef8270e1737a58d0 site=http://localhost:9999');
  });

  it.each([
    ['magiclink', 'SignIn', 'Votre code de connexion'],
    ['recovery', 'ForgotPassword', 'Votre code de réinitialisation du mot de passe'],
    ['reauthentication', 'UserPermissionValidation', 'Confirmez votre identité'],
    ['invite', 'OrganizationInvitation', 'Invitation à rejoindre une organisation'],
  ])('maps %s to %s, in the language of user_metadata.locale', async (action, type, subject) => {
    const to = `${action}@example.com`;
    const body = supabaseEmailSample({ email_action_type: action }, { email: to, user_metadata: { locale: 'fr' } });
    expect((await postSupabase(url('email'), body, [secret])).status).toBe(200);
    const [line] = await delivered(to);
    expect(line).toMatchObject({ type, locale: 'fr', subject });
    if (action === 'invite') expect(line?.html).toContain('http://localhost:9999/verify?token=7d5b7b1964cf5d388340a7f04f1dbb5eeb6c7b52ef8270e1737a58d0&amp;type=invite');
    else expect(`${line?.text}`).toContain('305805');
  });

  it('sends a secure email change as two mails: token + token_hash_new to the current address, token_new + token_hash to the new one', async () => {
    const body = supabaseEmailSample(
      { email_action_type: 'email_change', token: '111222', token_hash: 'hash-for-new', token_new: '333444', token_hash_new: 'hash-for-current' },
      { email: 'current@example.com', new_email: 'next@example.com' },
    );
    expect((await postSupabase(url('email'), body, [secret])).status).toBe(200);
    const [current] = await delivered('current@example.com');
    const [next] = await delivered('next@example.com');
    expect(current).toMatchObject({ type: 'BindNewIdentifier' });
    expect(current?.text).toContain('111222');
    expect(next?.text).toContain('333444');
    const payloads = (await queue.getJobs(['completed'])).map((j) => j.data as { body?: { to: string; payload: { link?: string } } });
    expect(payloads.find((d) => d.body?.to === 'current@example.com')?.body?.payload.link).toContain('token=hash-for-current&type=email_change');
    expect(payloads.find((d) => d.body?.to === 'next@example.com')?.body?.payload.link).toContain('token=hash-for-new&type=email_change');
  });

  it('answers a repeated webhook-id as the first and sends once', async () => {
    const body = supabaseEmailSample({ email_action_type: 'magiclink', token: '909090' }, { email: 'once@example.com' });
    const first = await postSupabase(url('email'), body, [secret], { id: 'msg_repeat_1' });
    const second = await postSupabase(url('email'), body, [secret], { id: 'msg_repeat_1' });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual(first.body);
    await delivered('once@example.com');
    await new Promise((r) => setTimeout(r, 300));
    expect((await readOutbox(outbox)).filter((l: OutboxLine) => l.to === 'once@example.com')).toHaveLength(1);
  });

  it('refuses wrong, missing and stale signatures with 401 in Supabase\'s error shape, counted, nothing enqueued', async () => {
    const before = await countJobs(queue);
    const count = (reason: string) => metric(ingest, 'otp_hook_rejected_total', { platform: 'supabase', reason });
    const [sig0, stale0, missing0] = await Promise.all([count('signature'), count('stale'), count('missing')]);
    const wrong = await postSupabase(url('sms'), supabaseSmsSample(), [supabaseSecret()]);
    const stale = await postSupabase(url('sms'), supabaseSmsSample(), [secret], { at: new Date(Date.now() - 10 * 60_000) });
    const future = await postSupabase(url('sms'), supabaseSmsSample(), [secret], { at: new Date(Date.now() + 10 * 60_000) });
    const unsigned = await fetch(url('sms'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(supabaseSmsSample()) });
    expect([wrong.status, stale.status, future.status, unsigned.status]).toEqual([401, 401, 401, 401]);
    expect(wrong.body).toEqual({ error: { http_code: 401, message: expect.any(String) as string } });
    expect(await count('signature')).toBe(sig0 + 1);
    expect(await count('stale')).toBe(stale0 + 2);
    expect(await count('missing')).toBe(missing0 + 1);
    expect(await countJobs(queue)).toBe(before);
  });

  it('answers an unknown action type, a notification and a body that is not a hook with a clear 400, counted', async () => {
    const before = await metric(ingest, 'otp_hook_rejected_total', { platform: 'supabase', reason: 'unsupported' });
    const unknown = await postSupabase(url('email'), supabaseEmailSample({ email_action_type: 'teleport' }), [secret]);
    const notice = await postSupabase(url('email'), supabaseEmailSample({ email_action_type: 'password_changed_notification' }), [secret]);
    const junk = await postSupabase(url('email'), { hello: 'world' }, [secret]);
    expect([unknown.status, notice.status, junk.status]).toEqual([400, 400, 400]);
    expect(unknown.body).toMatchObject({ error: { http_code: 400, message: expect.stringContaining('email_action_type') as string } });
    expect(await metric(ingest, 'otp_hook_rejected_total', { platform: 'supabase', reason: 'unsupported' })).toBe(before + 2);
  });

  it('answers the routes of a platform that is not configured with 404', async () => {
    const bare = await startIngest(testConfig({ redisUrl: inject('redisUrl') }));
    try {
      for (const path of ['/v1/hooks/supabase/sms', '/v1/hooks/supabase/email', '/v1/hooks/kratos', '/v1/hooks/logto']) {
        expect((await fetch(`${bare.url}${path}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status, path).toBe(404);
      }
    } finally {
      await bare.close();
    }
  });
});

describe('Supabase hook under limits', () => {
  const secret = supabaseSecret();
  const loaded = testConfig({ redisUrl: inject('redisUrl'), limits: { perRecipient: { max: 1, windowSeconds: 600 } }, ingest: { supabase: { secret } } });
  let ingest: Ingest;
  beforeAll(async () => {
    ingest = await startIngest(loaded);
  });
  afterAll(async () => {
    await ingest?.close();
  });

  it('answers 429 with Retry-After (so Supabase retries) when the per-recipient limit is reached', async () => {
    const url = `${ingest.url}/v1/hooks/supabase/sms`;
    expect((await postSupabase(url, supabaseSmsSample(), [secret])).status).toBe(200);
    const limited = await postSupabase(url, supabaseSmsSample({ otp: '999999' }), [secret]);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ error: { http_code: 429 } });
  });
});
