import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpWebhookConfigSchema, type HttpWebhookConfig } from '../../src/providers/http-webhook/config.js';
import { HTTP_RECEIPT_STATUSES, httpWebhookReceipts } from '../../src/providers/http-webhook/receipts.js';
import { httpEmailProvider } from '../../src/providers/http-email/index.js';
import { httpSmsProvider } from '../../src/providers/http-sms/index.js';
import { instantiate, type OutgoingMessage } from '../../src/providers/types.js';
import { ctx } from '../providers/support/delivery.js';
import { withStandIn } from '../providers/support/stand-in.js';
import { receiptRequest, receiptTools } from './support.js';

const SECRET = `whsec_${Buffer.from('receipt-signing-key-0123456789ab').toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.from('another-signing-key-0123456789ab').toString('base64')}`;
const config: HttpWebhookConfig = httpWebhookConfigSchema.parse({ endpoint: 'https://hooks.example.com/otp', signingSecret: SECRET });

/** A receipt as the receiving service sends it, signed by the standardwebhooks library itself. */
const signedRequest = (body: unknown, { secret = SECRET, id = `evt_${randomUUID()}`, at = Date.now() } = {}) => {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const signature = new Webhook(secret).sign(id, new Date(at), raw);
  return receiptRequest({ url: 'http://127.0.0.1:8080/v1/receipts/email/main', body: raw, headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at / 1000)), 'webhook-signature': signature } });
};

const FORGED = { ok: false, reason: 'signature' };
const MALFORMED = { ok: false, reason: 'malformed' };

describe('http-email / http-sms receipts (Standard Webhooks)', () => {
  const tools = receiptTools();
  const verifier = httpWebhookReceipts.create(httpWebhookReceipts.schema.parse({}), config, tools);
  afterEach(() => vi.useRealTimers());

  it.each([...HTTP_RECEIPT_STATUSES])('status %s → %s, matched on id, at read as ISO or epoch', async (status, expected) => {
    expect(await verifier.verify(signedRequest({ id: 'msg-1', status, at: '2026-01-02T03:04:05Z' }))).toEqual({
      ok: true,
      receipts: [{ providerMessageId: 'msg-1', status: expected, at: Date.UTC(2026, 0, 2, 3, 4, 5) }],
    });
    expect(await verifier.verify(signedRequest({ id: 'msg-1', status, at: 1767323045 }))).toMatchObject({ receipts: [{ at: 1767323045000 }] });
  });

  it("prefers the service's providerMessageId, and returns nothing for other statuses", async () => {
    expect(await verifier.verify(signedRequest({ id: 'msg-2', status: 'undelivered', providerMessageId: 'svc-9' }))).toEqual({
      ok: true,
      receipts: [{ providerMessageId: 'svc-9', status: 'undelivered' }],
    });
    expect(await verifier.verify(signedRequest({ id: 'msg-2', status: 'opened' }))).toEqual({ ok: true, receipts: [] });
  });

  it('accepts the Standard Webhooks published example signature (whsec_MfKQ…, 1614265330, v1,g0hM9SsE…)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1614265330 * 1000 + 60_000);
    const published = httpWebhookReceipts.create({ signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, config, tools);
    const headers = { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' };
    const tampered = receiptRequest({ body: '{"test": 2432232315}', headers });
    expect(await published.verify(tampered)).toEqual(FORGED);
    // Authentic, but not a receipt: the signature passed, the shape did not.
    expect(await published.verify(receiptRequest({ body: '{"test": 2432232314}', headers }))).toEqual(MALFORMED);
  });

  it('refuses a wrong signature, another secret, and each missing header', async () => {
    const good = signedRequest({ id: 'msg-3', status: 'delivered' });
    const bad = { ...good.headers, 'webhook-signature': 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=' };
    expect(await verifier.verify({ ...good, headers: bad })).toEqual(FORGED);
    expect(await verifier.verify(signedRequest({ id: 'msg-3', status: 'delivered' }, { secret: OTHER_SECRET }))).toEqual(FORGED);
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const headers = { ...good.headers, [name]: undefined };
      expect(await verifier.verify({ ...good, headers })).toEqual(FORGED);
    }
    expect(await verifier.verify({ ...good, rawBody: Buffer.from(`${good.rawBody.toString()} `) })).toEqual(FORGED);
  });

  it('refuses a timestamp more than 5 minutes old or ahead', async () => {
    expect(await verifier.verify(signedRequest({ id: 'msg-4', status: 'delivered' }, { at: Date.now() - 6 * 60_000 }))).toEqual(FORGED);
    expect(await verifier.verify(signedRequest({ id: 'msg-4', status: 'delivered' }, { at: Date.now() + 6 * 60_000 }))).toEqual(FORGED);
    expect(await verifier.verify(signedRequest({ id: 'msg-4', status: 'delivered' }, { at: Date.now() - 4 * 60_000 }))).toMatchObject({ ok: true });
  });

  it('takes each webhook-id once (a replay is forged), and only after the signature checked out', async () => {
    const request = signedRequest({ id: 'msg-5', status: 'delivered' }, { id: 'evt_once' });
    const forgedFirst = { ...request, headers: { ...request.headers, 'webhook-signature': 'v1,AAAA' } };
    expect(await verifier.verify(forgedFirst)).toEqual(FORGED);
    expect(await verifier.verify(request)).toMatchObject({ ok: true });
    expect(await verifier.verify(request)).toEqual(FORGED);
  });

  it.each([
    ['garbage', 'not json'],
    ['an array', [{ id: 'msg-6', status: 'delivered' }]],
    ['no id', { status: 'delivered' }],
    ['a numeric status', { id: 'msg-6', status: 3 }],
    ['an oversized body', 'x'.repeat(256 * 1024)],
  ])('a signed body with %s is malformed, never a throw', async (_, body) => {
    expect(await verifier.verify(signedRequest(body))).toEqual(MALFORMED);
  });

  it('refuses an unsigned body of any shape as forged', async () => {
    expect(await verifier.verify(receiptRequest({ body: Buffer.from([0xff, 0x00, 0x7b]) }))).toEqual(FORGED);
    expect(await verifier.verify(receiptRequest({ body: { id: 'msg-7', status: 'delivered' } }))).toEqual(FORGED);
  });

  it("takes the block's signingSecret over the config's; with neither, refuses everything", async () => {
    const own = httpWebhookReceipts.create({ signingSecret: OTHER_SECRET }, config, tools);
    expect(await own.verify(signedRequest({ id: 'msg-8', status: 'delivered' }, { secret: OTHER_SECRET }))).toMatchObject({ ok: true });
    expect(await own.verify(signedRequest({ id: 'msg-8', status: 'delivered' }))).toEqual(FORGED);
    const none = httpWebhookReceipts.create({}, httpWebhookConfigSchema.parse({ endpoint: 'https://hooks.example.com/otp' }), tools);
    expect(await none.verify(signedRequest({ id: 'msg-8', status: 'delivered' }))).toEqual(FORGED);
  });

  it.each([
    [{}, true],
    [{ signingSecret: SECRET }, true],
    [{ signingSecret: 'not-a-whsec' }, false],
    [{ signingSecret: 'whsec_' }, false],
    [{ token: 'a-token-of-sixteen-chars' }, false],
  ])('receipts block %j → %s', (block, ok) => {
    expect(httpWebhookReceipts.schema.safeParse(block).success).toBe(ok);
  });

  it('is the receipts definition of both http-email and http-sms', () => {
    expect(httpEmailProvider.receipts).toBe(httpWebhookReceipts);
    expect(httpSmsProvider.receipts).toBe(httpWebhookReceipts);
  });

  describe('matching the send', () => {
    const deps = { name: 'main', channel: 'email' as const, logger: pino({ level: 'silent' }) };
    const fixture = withStandIn({ status: 204 }, (url) => instantiate(httpEmailProvider, httpWebhookConfigSchema.parse({ endpoint: `${url}/otp`, signingSecret: SECRET }), deps));
    const message: OutgoingMessage = { id: 'msg-send-1', channel: 'email', to: 'ana@example.com', type: 'SignIn', locale: 'en', payload: { code: '123456' }, content: { kind: 'email', subject: 's', text: 't' } };

    it('a service that answers without an id: the send records our message id, the receipt names it as id', async () => {
      fixture.standIn.reply({ status: 204 });
      const sent = await fixture.provider.send(message, ctx());
      expect(sent).toEqual({ providerMessageId: message.id });
      const verdict = await verifier.verify(signedRequest({ id: message.id, status: 'delivered' }));
      expect(verdict.ok && verdict.receipts[0]?.providerMessageId).toBe(sent.providerMessageId);
    });

    it('a service that answers {"providerMessageId"}: the send records it, the receipt carries it', async () => {
      fixture.standIn.reply({ status: 200, body: { providerMessageId: 'svc-42' } });
      const sent = await fixture.provider.send(message, ctx());
      expect(sent).toEqual({ providerMessageId: 'svc-42' });
      const verdict = await verifier.verify(signedRequest({ id: message.id, providerMessageId: 'svc-42', status: 'undelivered' }));
      expect(verdict.ok && verdict.receipts[0]?.providerMessageId).toBe(sent.providerMessageId);
    });
  });
});
