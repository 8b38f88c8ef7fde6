import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { jobDataSchema } from '../../src/messages/job-data.js';
import { countJobs, openQueue, post, startIngest, startWorker, testConfig, type Ingest } from './support/harness.js';

const signIn = (to = 'ana@example.com') => ({ to, type: 'SignIn', payload: { code: '123456' } });
type Issues = { error: string; issues: { path: string; message: string }[] };

describe('ingest status codes (SPEC §5)', () => {
  const redis = new Redis(inject('redisUrl'));
  const loaded = testConfig({
    redisUrl: inject('redisUrl'),
    ingest: { authorization: ['Bearer t', 'Bearer second', 'Basic b3RwOnM='], bodyLimitBytes: 2048 },
  });
  const queue = openQueue(loaded, redis);
  const auth = { authorization: 'Bearer t' };
  let ingest: Ingest;
  let worker: Awaited<ReturnType<typeof startWorker>>;

  beforeAll(async () => {
    [ingest, worker] = await Promise.all([startIngest(loaded), startWorker(loaded)]);
  });
  afterAll(async () => {
    await Promise.allSettled([ingest?.close(), worker?.close()]);
    await queue.close();
    redis.disconnect();
  });

  it('200 {id}: the job is in Redis and valid', async () => {
    const res = await post(`${ingest.url}/v1/email`, signIn(), auth);
    expect(res.status).toBe(200);
    const { id } = res.body as { id: string };
    expect(Object.keys(res.body as object)).toEqual(['id']);
    const job = await queue.getJob(id);
    expect(jobDataSchema.safeParse(job?.data).success).toBe(true);
  });

  it('200 with ?wait=5 adds the outcome once delivered', async () => {
    const res = await post(`${ingest.url}/v1/sms?wait=5`, signIn('+14155550123'), auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.any(String), outcome: 'delivered' });
  });

  it.each([
    ['bad email', '/v1/email', { ...signIn('not-an-email') }, 'to'],
    ['email with CR/LF', '/v1/email', { ...signIn('ana@example.com\r\nBcc: eve@example.com') }, 'to'],
    ['bad phone', '/v1/sms', { ...signIn('+1 555') }, 'to'],
    ['email sent to /v1/sms', '/v1/sms', { ...signIn('ana@example.com') }, 'to'],
    ['bad type', '/v1/email', { ...signIn(), type: 'Nope' }, 'type'],
    ['missing payload', '/v1/email', { to: 'ana@example.com', type: 'SignIn' }, 'payload'],
    ['payload not an object', '/v1/email', { ...signIn(), payload: 'x' }, 'payload'],
    ['code too long', '/v1/email', { ...signIn(), payload: { code: 'x'.repeat(65) } }, 'payload.code'],
    ['unknown key', '/v1/email', { ...signIn(), cc: 'eve@example.com' }, 'cc'],
    ['bad ip', '/v1/email', { ...signIn(), ip: 'localhost' }, 'ip'],
    ['to not a string', '/v1/email', { ...signIn(), to: ['ana@example.com'] }, 'to'],
  ])('400 naming the field: %s', async (_what, path, body, field) => {
    const res = await post(`${ingest.url}${path}`, body, auth);
    expect(res.status).toBe(400);
    const { error, issues } = res.body as Issues;
    expect(error).toBe('invalid_request');
    expect(issues.map((i) => i.path)).toContain(field);
    for (const issue of issues) expect(issue.message).toEqual(expect.any(String));
  });

  it('400 for a body that is not a JSON object, naming the body', async () => {
    for (const raw of ['{"to":', '[]', '"text"', '']) {
      const res = await post(`${ingest.url}/v1/email`, raw, auth);
      expect(res.status, raw).toBe(400);
      expect((res.body as Issues).issues[0]?.path).toBe('');
    }
  });

  it('400 for X-Expires-At in the past or unreadable; a future one is kept', async () => {
    for (const value of [String(Date.now() - 1000), '1', new Date(Date.now() - 60_000).toISOString(), 'tomorrow']) {
      const res = await post(`${ingest.url}/v1/email`, signIn(), { ...auth, 'x-expires-at': value });
      expect(res.status, value).toBe(400);
      expect((res.body as Issues).issues.map((i) => i.path)).toEqual(['X-Expires-At']);
    }
    const expiresAt = Date.now() + 120_000;
    for (const value of [String(expiresAt), String(Math.floor(expiresAt / 1000)), new Date(expiresAt).toISOString(), new Date(expiresAt).toUTCString()]) {
      const res = await post(`${ingest.url}/v1/email`, signIn(), { ...auth, 'x-expires-at': value });
      expect(res.status, value).toBe(200);
      const job = await queue.getJob((res.body as { id: string }).id);
      expect(Math.abs((job?.data as { expiresAt: number }).expiresAt - expiresAt), value).toBeLessThan(1000);
    }
  });

  it('400 for ?wait out of range', async () => {
    for (const wait of ['-1', 'abc', '31', '1e3']) {
      const res = await post(`${ingest.url}/v1/email?wait=${wait}`, signIn(), auth);
      expect(res.status, wait).toBe(400);
      expect((res.body as Issues).issues[0]?.path).toBe('wait');
    }
  });

  it('401 when Authorization is missing or wrong; every configured value is accepted', async () => {
    for (const headers of <Record<string, string>[]>[{}, { authorization: 'Bearer T' }, { authorization: 'Bearer tt' }, { authorization: 'bearer t' }, { authorization: 'Bearer' }, { authorization: '' }]) {
      const res = await post(`${ingest.url}/v1/email`, signIn(), headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body).toEqual({ error: 'unauthorized' });
    }
    for (const authorization of ['Bearer t', 'Bearer second', 'Basic b3RwOnM=']) {
      expect((await post(`${ingest.url}/v1/sms`, signIn('+14155550123'), { authorization })).status).toBe(200);
    }
  });

  it('401 comes before the body is looked at (no 400/413/415 for strangers)', async () => {
    expect((await post(`${ingest.url}/v1/email`, '{', {})).status).toBe(401);
    expect((await post(`${ingest.url}/v1/email`, 'x'.repeat(10_000), {})).status).toBe(401);
    expect((await post(`${ingest.url}/v1/email`, 'hi', { 'content-type': 'text/plain' })).status).toBe(401);
  });

  it('413 when the body is over bodyLimitBytes', async () => {
    const res = await post(`${ingest.url}/v1/email`, { ...signIn(), payload: { code: '1', filler: 'x'.repeat(4096) } }, auth);
    expect(res.status).toBe(413);
  });

  it('415 when the body is not JSON', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await post(`${ingest.url}/v1/email`, 'to=ana@example.com', { ...auth, 'content-type': type });
      expect(res.status, type).toBe(415);
    }
    const charset = await post(`${ingest.url}/v1/email`, signIn(), { ...auth, 'content-type': 'application/json; charset=utf-8' });
    expect(charset.status).toBe(200);
  });

  it('Idempotency-Key: the same key twice gives the same id and one job', async () => {
    const before = await countJobs(queue);
    const headers = { ...auth, 'idempotency-key': 'req-42' };
    const first = await post(`${ingest.url}/v1/email`, signIn('idem@example.com'), headers);
    const second = await post(`${ingest.url}/v1/email`, signIn('idem@example.com'), headers);
    expect(first.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(await countJobs(queue)).toBe(before + 1);
    const tooLong = await post(`${ingest.url}/v1/email`, signIn(), { ...auth, 'idempotency-key': 'k'.repeat(300) });
    expect((tooLong.body as Issues).issues.map((i) => i.path)).toEqual(['Idempotency-Key']);
  });

  it('serves /healthz, /readyz and /metrics with otp_messages_enqueued_total', async () => {
    expect((await fetch(`${ingest.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${ingest.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${ingest.url}/metrics`)).text();
    expect(metrics).toMatch(/otp_messages_enqueued_total\{channel="email",type="SignIn",source="api"\} [1-9]/);
    expect(metrics).not.toContain('ana@example.com');
  });
});

describe('429 when the per-recipient limit is reached', () => {
  const loaded = testConfig({ redisUrl: inject('redisUrl'), limits: { perRecipient: { max: 2, windowSeconds: 600 } } });
  let ingest: Ingest;
  beforeAll(async () => {
    ingest = await startIngest(loaded);
  });
  afterAll(() => ingest?.close());

  it('answers 429 {"error":"rate_limited"} with Retry-After for the third message in the window', async () => {
    expect((await post(`${ingest.url}/v1/email`, signIn('limit@example.com'))).status).toBe(200);
    expect((await post(`${ingest.url}/v1/email`, signIn('limit@example.com'))).status).toBe(200);
    const refused = await post(`${ingest.url}/v1/email`, signIn('limit@example.com'));
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: 'rate_limited' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(590);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // Another recipient is not affected.
    expect((await post(`${ingest.url}/v1/email`, signIn('other@example.com'))).status).toBe(200);
  });
});
