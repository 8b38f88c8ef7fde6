import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deliveredTo, type Ingest, post, readOutbox, startIngest, startWorker, testConfig, unique } from './support/harness.js';
import { kratosDefaultBody, kratosFullBody } from './support/platform-samples.js';

const basic = `Basic ${Buffer.from('kratos:s3cret').toString('base64')}`;

const rejected = async (ingest: Ingest, reason: string): Promise<number> => {
  const values = (await ingest.registry.getSingleMetric('otp_hook_rejected_total')?.get())?.values ?? [];
  return values.filter((v) => v.labels.platform === 'kratos' && v.labels.reason === reason).reduce((a, v) => a + v.value, 0);
};

describe('Ory Kratos courier HTTP delivery → ingest → worker → outbox', () => {
  const outbox = join(tmpdir(), `${unique('kratos-outbox')}.jsonl`);
  const loaded = testConfig({ redisUrl: inject('redisUrl'), outbox, ingest: { kratos: { authorization: [basic] } } });
  loaded.config.templates.push({ channel: 'email', type: 'ForgotPassword', locale: 'de', subject: 'Zurücksetzen', content: 'Link: {{link}}', contentType: 'text/plain' });
  let ingest: Ingest;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  const send = (body: unknown, headers: Record<string, string> = { authorization: basic }) => post(`${ingest.url}/v1/hooks/kratos`, body, headers);

  beforeAll(async () => {
    [ingest, worker] = await Promise.all([startIngest(loaded), startWorker(loaded)]);
  });
  afterAll(async () => {
    await Promise.allSettled([ingest?.close(), worker?.close()]);
    await rm(outbox, { force: true });
  });

  const delivered = deliveredTo(outbox);

  it('delivers a verification code sent with Kratos\'s default body (basic_auth)', async () => {
    const reply = await send(kratosDefaultBody('verify@example.com', 'verification_code_valid', { verification_code: '481516', verification_url: 'https://auth.example.com/self-service/verification?flow=f1' }));
    expect(reply.status).toBe(200);
    const [line] = await delivered('verify@example.com');
    expect(line).toMatchObject({ channel: 'email', type: 'Register' });
    expect(line?.text).toContain('481516');
  });

  it('delivers a login code by SMS with the documented body (template_data, message_type), language from the transient payload', async () => {
    const body = kratosFullBody('+14155550130', 'login_code_valid', 'sms', { login_code: '230842', transient_payload: { locale: 'fr' } });
    expect((await send(body)).status).toBe(200);
    const [line] = await delivered('+14155550130');
    expect(line).toMatchObject({ channel: 'sms', type: 'SignIn', locale: 'fr' });
    expect(line?.body).toContain('230842');
  });

  it('maps registration and recovery codes, and carries a recovery link (link method) into the payload', async () => {
    expect((await send(kratosFullBody('reg@example.com', 'registration_code_valid', 'email', { registration_code: '777111' }))).status).toBe(200);
    expect((await send(kratosFullBody('rec@example.com', 'recovery_code_valid', 'email', { recovery_code: '555000' }))).status).toBe(200);
    const link = 'https://auth.example.com/self-service/recovery?flow=abc&token=xyz';
    const linkBody = kratosFullBody('link@example.com', 'recovery_valid', 'email', { recovery_url: link, identity: { traits: { language: 'de' } } });
    expect((await send(linkBody)).status).toBe(200);
    expect((await delivered('reg@example.com'))[0]).toMatchObject({ type: 'Register' });
    expect((await delivered('rec@example.com'))[0]).toMatchObject({ type: 'ForgotPassword' });
    const [viaLink] = await delivered('link@example.com');
    expect(viaLink).toMatchObject({ type: 'ForgotPassword', locale: 'de', subject: 'Zurücksetzen' });
    expect(viaLink?.text).toContain(link);
  });

  it('sends a courier retry of the same message once (the key is derived from recipient, template and code)', async () => {
    const body = kratosFullBody('retry@example.com', 'login_code_valid', 'email', { login_code: '135790' });
    const [first, second] = [await send(body), await send(body)];
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual(first.body);
    await delivered('retry@example.com');
    await new Promise((r) => setTimeout(r, 300));
    expect((await readOutbox(outbox)).filter((l) => l.to === 'retry@example.com')).toHaveLength(1);
  });

  it('refuses a missing or wrong Authorization with 401 before reading the body, counted', async () => {
    const [missing0, wrong0] = [await rejected(ingest, 'missing'), await rejected(ingest, 'signature')];
    const body = kratosFullBody('x@example.com', 'login_code_valid', 'email', { login_code: '1' });
    expect((await send(body, {})).status).toBe(401);
    expect((await send(body, { authorization: `Basic ${Buffer.from('kratos:wrong').toString('base64')}` })).status).toBe(401);
    expect(await rejected(ingest, 'missing')).toBe(missing0 + 1);
    expect(await rejected(ingest, 'signature')).toBe(wrong0 + 1);
  });

  it('answers unknown template types, codeless notices and the default body of a login code with a clear 400', async () => {
    const before = await rejected(ingest, 'unsupported');
    const unknown = await send(kratosFullBody('u@example.com', 'teleport_code', 'email', {}));
    const invalid = await send(kratosDefaultBody('u@example.com', 'recovery_invalid', {}));
    const noCode = await send(kratosDefaultBody('u@example.com', 'login_code_valid', {}));
    expect([unknown.status, invalid.status, noCode.status]).toEqual([400, 400, 400]);
    expect(unknown.body).toMatchObject({ error: 'invalid_request', issues: [{ path: 'template_type' }] });
    expect(JSON.stringify(noCode.body)).toContain('docs/platforms.md');
    expect(await rejected(ingest, 'unsupported')).toBe(before + 2);
  });
});

describe('Kratos api_key auth in a named header', () => {
  const loaded = testConfig({ redisUrl: inject('redisUrl'), ingest: { kratos: { header: 'X-Courier-Key', authorization: ['k-123'] } } });
  let ingest: Ingest;
  beforeAll(async () => {
    ingest = await startIngest(loaded);
  });
  afterAll(async () => {
    await ingest?.close();
  });

  it('accepts the configured header value and nothing else', async () => {
    const body = kratosFullBody('+14155550131', 'verification_code_valid', 'sms', { verification_code: '246810' });
    expect((await post(`${ingest.url}/v1/hooks/kratos`, body, { 'x-courier-key': 'k-123' })).status).toBe(200);
    expect((await post(`${ingest.url}/v1/hooks/kratos`, body, { authorization: 'k-123' })).status).toBe(401);
  });
});
