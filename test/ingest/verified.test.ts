import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { metricValue } from '../helpers/metrics.js';
import { post, startIngest, testConfig, type Ingest } from './support/harness.js';

type Issues = { error: string; issues: { path: string; message: string }[] };

describe('POST /v1/verified {id} and the conversion limit through the ingest (SPEC §12)', () => {
  const loaded = testConfig({
    redisUrl: inject('redisUrl'),
    ingest: { authorization: ['Bearer t'] },
    limits: { perRecipient: { max: 1000, windowSeconds: 600 }, sms: { minConversion: { ratio: 0.5, minSends: 4, windowSeconds: 3600, blockSeconds: 600 } } },
  });
  const auth = { authorization: 'Bearer t' };
  let ingest: Ingest;
  const sms = (to: string) => post(`${ingest.url}/v1/sms`, { to, type: 'SignIn', payload: { code: '123456' } }, auth);
  const verified = (body: unknown) => post(`${ingest.url}/v1/verified`, body, auth);

  beforeAll(async () => {
    ingest = await startIngest(loaded);
  });
  afterAll(() => ingest?.close());

  it('{id} converts the code the send was answered with, once; an unknown id is no conversion', async () => {
    const sent = await sms('+33612345678');
    const { id } = sent.body as { id: string };
    expect(await verified({ id })).toMatchObject({ status: 200, body: { converted: true } });
    expect(await verified({ id })).toMatchObject({ status: 200, body: { converted: false } });
    expect(await verified({ id: randomUUID() })).toMatchObject({ status: 200, body: { converted: false } });
    expect(await metricValue(ingest.registry, 'otp_conversions_total', { channel: 'sms', country: 'FR' })).toBe(1);
  });

  it.each([
    [{ id: 'not-a-uuid' }, 'id'],
    [{ id: 42 }, 'id'],
    [{ id: '' }, 'id'],
    [{ id: randomUUID(), channel: 'sms' }, 'channel'],
    [{ channel: 'sms' }, 'to'],
    [{}, 'channel'],
    [[], ''],
    ['"id"', ''],
  ])('400 naming the field for %j, nothing changed', async (body, path) => {
    const { id } = (await sms('+4915112345678')).body as { id: string };
    const res = await verified(body);
    expect(res.status).toBe(400);
    expect((res.body as Issues).error).toBe('invalid_request');
    expect((res.body as Issues).issues.map((i) => i.path)).toContain(path);
    expect(await verified({ id })).toMatchObject({ status: 200, body: { converted: true } }); // still pending: the bad report took nothing
  });

  it('sends racing under one Idempotency-Key leave the marks of the one message stored: its id converts', async () => {
    const key = { ...auth, 'idempotency-key': randomUUID() };
    const body = { to: '+33698765432', type: 'SignIn', payload: { code: '654321' } };
    const answers = await Promise.all(Array.from({ length: 4 }, () => post(`${ingest.url}/v1/sms`, body, key)));
    const ids = new Set(answers.map((a) => (a.body as { id: string }).id));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(ids.size).toBe(1);
    expect(await verified({ id: [...ids][0] })).toMatchObject({ status: 200, body: { converted: true } });
  });

  it('a prefix nobody converts is answered 429 once blocked; one whose codes are used passes', async () => {
    const pumped = [];
    for (let i = 0; i < 6; i += 1) pumped.push((await sms(`+23480312345${String(10 + i)}`)).status);
    expect(pumped).toEqual([200, 200, 200, 200, 429, 429]);
    const refused = await sms('+2348031234599');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(590);
    expect(refused.body).toEqual({ error: 'rate_limited' });
    for (let i = 0; i < 6; i += 1) {
      const res = await sms(`+1415555${String(2100 + i)}`);
      expect(res.status).toBe(200);
      expect((await verified({ id: (res.body as { id: string }).id })).body).toEqual({ converted: true });
    }
    expect(await metricValue(ingest.registry, 'otp_prefix_blocks_total', { channel: 'sms', country: 'NG', mode: 'enforce' })).toBe(1);
    expect(await metricValue(ingest.registry, 'otp_prefix_blocks_total', { country: 'US' })).toBe(0);
    expect(await metricValue(ingest.registry, 'otp_limited_total', { limit: 'conversion', mode: 'enforce' })).toBe(3);
  });
});
