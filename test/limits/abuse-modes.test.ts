import { describe, expect, inject, it } from 'vitest';
import { metricValue } from '../helpers/metrics.js';
import { post, useIngests, type Ingest } from '../ingest/support/harness.js';

const sms = (to: string) => ({ to, type: 'SignIn', payload: { code: '123456' } });

const metric = (ingest: Ingest, name: string, labels: Record<string, string>): Promise<number> => metricValue(ingest.registry, name, labels);

describe('abuse limits through the ingest (SPEC §12): silent, observe, metrics', () => {
  const start = useIngests(inject('redisUrl'));

  it('silent: a refused request gets the same status and body shape as an accepted one, and nothing is enqueued', async () => {
    const ingest = await start({ silent: true, perRecipient: { max: 1, windowSeconds: 600 } });
    const accepted = await post(`${ingest.url}/v1/sms`, sms('+447911123457'));
    const refused = await post(`${ingest.url}/v1/sms`, sms('+447911123457'));
    expect([accepted.status, refused.status]).toEqual([200, 200]);
    const shape = (r: typeof accepted) => Object.keys(r.body as object).sort();
    expect(shape(refused)).toEqual(shape(accepted));
    const ids = [accepted, refused].map((r) => (r.body as { id: string }).id);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ingest.producer.status(ids[1] ?? '')).toMatchObject({ outcome: 'pending', receipt: 'none' });
    expect(await metric(ingest, 'otp_limited_total', { channel: 'sms', limit: 'recipient', mode: 'enforce' })).toBe(1);
    expect(await metric(ingest, 'otp_messages_enqueued_total', { channel: 'sms' })).toBe(1);
  });

  it('observe: refuses nothing and counts what it would have refused, by limit', async () => {
    const ingest = await start({ mode: 'observe', perRecipient: { max: 1000, windowSeconds: 600 }, sms: { perPrefix: { max: 2, windowSeconds: 3600, digits: 8 } } });
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push((await post(`${ingest.url}/v1/sms`, sms(`+23480312345${String(10 + i)}`))).status);
    expect(answers).toEqual([200, 200, 200, 200, 200]);
    expect(await metric(ingest, 'otp_limited_total', { limit: 'prefix', mode: 'observe' })).toBe(3);
    expect(await metric(ingest, 'otp_sends_by_country_total', { channel: 'sms', country: 'NG' })).toBe(5);
  });

  it('enforce: a prefix burst is answered 429 past its limit, another prefix passes', async () => {
    const ingest = await start({ perRecipient: { max: 1000, windowSeconds: 600 }, sms: { perPrefix: { max: 2, windowSeconds: 3600, digits: 8 } } });
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push((await post(`${ingest.url}/v1/sms`, sms(`+23480312345${String(10 + i)}`))).status);
    expect(answers).toEqual([200, 200, 429, 429]);
    expect((await post(`${ingest.url}/v1/sms`, sms('+447911123456'))).status).toBe(200);
    expect(await metric(ingest, 'otp_limited_total', { limit: 'prefix', mode: 'enforce' })).toBe(2);
  });
});
