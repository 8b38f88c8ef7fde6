import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { smsaeroProvider } from '../../src/providers/smsaero/index.js';
import { SMSAERO_STATUSES, smsAeroReceipts, smsAeroReceiptsSchema } from '../../src/providers/smsaero/receipts.js';
import { instantiate } from '../../src/providers/types.js';
import { ctx } from '../providers/support/delivery.js';
import { smsMessage } from '../providers/support/messages.js';
import { withStandIn } from '../providers/support/stand-in.js';
import { receiptRequest, receiptTools } from './support.js';

const TOKEN = 'smsaero-receipt-token-0123456789';
const URL = 'https://otp.example.com/v1/receipts/sms/main';
const WITH_TOKEN = `${URL}?token=${TOKEN}`;
const config = smsaeroProvider.configSchema.parse({ email: 'user@example.test', apiKey: 'api-key', senderName: 'SMS Aero' });
const tools = receiptTools();
const verifier = () => smsAeroReceipts.create(smsAeroReceiptsSchema.parse({ token: TOKEN }), config, tools);

/** The v2 message object of SMS Aero's SDK docs (`sms_status` example response). */
const message = (extra: Record<string, unknown> = {}) => ({
  id: 12345, from: 'SMS Aero', number: '79031234567', text: 'Hello, World!', status: 1, extendStatus: 'delivery', channel: 'FREE SIGN',
  cost: '5.49', dateCreate: 1719115820, dateSend: 1719115820, dateAnswer: 1719115825, ...extra,
});

describe('smsaero status callbacks', () => {
  it('reads the documented message object (JSON) when ?token= matches', async () => {
    await expect(verifier().verify(receiptRequest({ url: WITH_TOKEN, body: message() }))).resolves.toEqual({
      ok: true, receipts: [{ providerMessageId: '12345', status: 'delivered', at: 1719115825_000 }],
    });
  });

  it('reads the same fields form-encoded, and arrays of messages', async () => {
    const form = new URLSearchParams({ id: '12345', status: '2', extendStatus: 'undelivered', dateAnswer: '1719115825' }).toString();
    await expect(verifier().verify(receiptRequest({ url: WITH_TOKEN, body: form }))).resolves.toEqual({
      ok: true, receipts: [{ providerMessageId: '12345', status: 'undelivered', code: '2', at: 1719115825_000 }],
    });
    const verdict = await verifier().verify(receiptRequest({ url: WITH_TOKEN, body: [message(), message({ id: 12346, status: 4 })] }));
    expect(verdict).toEqual({ ok: true, receipts: [{ providerMessageId: '12345', status: 'delivered', at: 1719115825_000 }, { providerMessageId: '12346', status: 'deferred' }] });
  });

  it.each([
    [1, { status: 'delivered', at: 1719115825_000 }],
    [2, { status: 'undelivered', code: '2', at: 1719115825_000 }],
    [6, { status: 'undelivered', code: '6', at: 1719115825_000 }],
    [3, { status: 'deferred' }],
    [4, { status: 'deferred' }],
  ])('status %d → %j', async (status, expected) => {
    const verdict = await verifier().verify(receiptRequest({ url: WITH_TOKEN, body: message({ status }) }));
    expect(verdict).toEqual({ ok: true, receipts: [{ providerMessageId: '12345', ...expected }] });
    expect(JSON.stringify(verdict)).not.toMatch(/79031234567|Hello/);
  });

  it.each([0, 8, 99])('status %d → no receipt', async (status) => {
    await expect(verifier().verify(receiptRequest({ url: WITH_TOKEN, body: message({ status }) }))).resolves.toEqual({ ok: true, receipts: [] });
  });

  it('maps statuses by a table', () => {
    expect([...SMSAERO_STATUSES]).toEqual([[1, 'delivered'], [2, 'undelivered'], [6, 'undelivered'], [3, 'deferred'], [4, 'deferred']]);
  });
});

describe('smsaero refuses', () => {
  it.each([
    ['a wrong token', `${URL}?token=${TOKEN.slice(0, -1)}x`],
    ['no token', URL],
    ['a token in another parameter', `${URL}?key=${TOKEN}`],
    ['an empty token', `${URL}?token=`],
  ])('%s → forged', async (_name, url) => {
    await expect(verifier().verify(receiptRequest({ url, body: message() }))).resolves.toEqual({ ok: false, reason: 'signature' });
  });

  it.each([
    ['an empty body', ''],
    ['garbage', Buffer.from([0xff, 0x00, 0x7b])],
    ['broken JSON', '{"id": 1, '],
    ['JSON of the wrong shape', { id: 'abc', status: 'delivered' }],
    ['an empty array', []],
    ['an oversized body', `{"id": ${'9'.repeat(300_000)}, "status": 1}`],
    ['a form without an id', 'status=1'],
  ])('%s → malformed', async (_name, body) => {
    await expect(verifier().verify(receiptRequest({ url: WITH_TOKEN, body }))).resolves.toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('smsaero receipts block', () => {
  it('is a token of at least 16 characters', () => {
    expect(smsAeroReceiptsSchema.safeParse({ token: TOKEN }).success).toBe(true);
    for (const block of [{}, { token: 'short' }, { token: TOKEN, secret: 'x' }]) expect(smsAeroReceiptsSchema.safeParse(block).success).toBe(false);
  });

  it('is the provider definition\'s receipts', () => {
    expect(smsaeroProvider.receipts).toBe(smsAeroReceipts);
  });
});

describe('smsaero per-message callbackUrl', () => {
  const accepted = { status: 200, body: { success: true, data: { id: 686325, status: 8 }, message: null } };
  const deps = (receipts?: unknown) => ({ name: 'main', channel: 'sms' as const, logger: pino({ level: 'silent' }), ...(receipts === undefined ? {} : { receipts }) });
  const create = (url: string, receipts?: unknown) =>
    instantiate(smsaeroProvider, smsaeroProvider.configSchema.parse({ email: 'user@example.test', apiKey: 'api-key', senderName: 'SMS Aero', endpoint: url }), deps(receipts));
  const on = withStandIn(accepted, (url) => create(url, { token: TOKEN }));
  const off = withStandIn(accepted, (url) => create(url));
  const sms = smsMessage({ to: '+79031234567', content: { kind: 'sms', text: 'Ваш код 123456' } });

  it('sends callbackUrl = ctx.receiptUrl with ?token= when receipts are on', async () => {
    await expect(on.provider.send(sms, { ...ctx(), receiptUrl: URL })).resolves.toEqual({ providerMessageId: '686325' });
    expect(JSON.parse(on.lastRequest().body)).toEqual({ number: '79031234567', sign: 'SMS Aero', text: 'Ваш код 123456', callbackUrl: WITH_TOKEN });
  });

  it('sends no callbackUrl without a receipt URL or without a receipts block', async () => {
    await on.provider.send(sms, ctx());
    expect(JSON.parse(on.lastRequest().body)).not.toHaveProperty('callbackUrl');
    await off.provider.send(sms, { ...ctx(), receiptUrl: URL });
    expect(JSON.parse(off.lastRequest().body)).not.toHaveProperty('callbackUrl');
  });

  it('refuses a receipts block its schema does not accept, at start-up', () => {
    expect(() => create('http://127.0.0.1:1', { token: 'short' })).toThrow();
  });
});
