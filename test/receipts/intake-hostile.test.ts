import { describe, expect, it } from 'vitest';
import { isRateLimitedError } from '../../src/errors/rate-limited-error.js';
import { eventually } from '../helpers/pipeline.js';
import { useReceiptIngest } from './receipt-ingest.js';

const TOKEN = 'outbox-receipt-token-0123456789';

describe('receipt intake: suppression after a complaint, hostile requests', () => {
  // The outbox's own receipts come late (60 s, cancelled at close): the tests post theirs by hand.
  const fixture = useReceiptIngest(() => ({
    limits: { suppressBouncedSeconds: 3600 },
    email: { connectors: { main: { receipts: { token: TOKEN, delayMs: 60_000 } } } },
  }));
  const url = () => `${fixture.base}/v1/receipts/email/main?token=${TOKEN}`;
  const post = (body: string, target = url()) => fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  const sendEmail = async (to: string) => {
    const { id } = await fixture.pipeline.producer.send({ channel: 'email', to, type: 'SignIn', payload: { code: '123456' } });
    expect(await fixture.pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    return id;
  };

  it('a complaint suppresses the address (by its hash) for limits.suppressBouncedSeconds: the next send is refused', async () => {
    const id = await sendEmail('Bea@Example.com');
    expect((await post(JSON.stringify({ providerMessageId: `outbox-${id}`, status: 'complained' }))).status).toBe(200);
    expect((await fixture.pipeline.producer.status(id)).receipt).toBe('complained');
    const refused = await fixture.pipeline.producer.send({ channel: 'email', to: 'bea@example.com', type: 'SignIn', payload: { code: '1' } }).catch((e: unknown) => e);
    expect(isRateLimitedError(refused) && refused.scope).toBe('suppressed');
    // Another address is not touched.
    await sendEmail('cid@example.com');
  });

  it('a delivered receipt suppresses nothing', async () => {
    const id = await sendEmail('dee@example.com');
    expect((await post(JSON.stringify({ providerMessageId: `outbox-${id}`, status: 'delivered' }))).status).toBe(200);
    await sendEmail('dee@example.com');
  });

  it('refuses a missing or wrong token (401) before reading the body; the message keeps its state', async () => {
    const id = await sendEmail('eve@example.com');
    const forged = JSON.stringify({ providerMessageId: `outbox-${id}`, status: 'undelivered' });
    expect((await post(forged, `${fixture.base}/v1/receipts/email/main`)).status).toBe(401);
    expect((await post(forged, `${fixture.base}/v1/receipts/email/main?token=wrong-token-0123456789`)).status).toBe(401);
    expect((await fixture.pipeline.producer.status(id)).receipt).toBe('none');
  });

  it('refuses an oversized body (413) and survives garbage of every shape', async () => {
    expect((await post('x'.repeat(300 * 1024))).status).toBe(413);
    const garbage = ['', 'null', '[]', '{"providerMessageId":""}', '{"providerMessageId":"x","status":"exploded"}', '\u0000\u0001', '{"__proto__":{"a":1}}'];
    for (const body of garbage) expect((await post(body)).status).toBe(400);
    expect((await fetch(`${fixture.base}/healthz`)).status).toBe(200);
  });

  it('answers a flood of receipts within the in-flight bound: every request gets 200 or 503, none hangs', async () => {
    const id = await sendEmail('fay@example.com');
    const body = JSON.stringify({ providerMessageId: `outbox-${id}`, status: 'delivered' });
    const answers = await Promise.all(Array.from({ length: 300 }, () => post(body).then((r) => r.status)));
    expect(answers.every((s) => s === 200 || s === 503)).toBe(true);
    await eventually(async () => (await fixture.pipeline.producer.status(id)).receipt === 'delivered');
    // Counted once, whatever the number of repeats.
    expect(await fixture.pipeline.metric('otp_receipts_total', { channel: 'email', status: 'delivered' })).toBe(2);
  });
});
