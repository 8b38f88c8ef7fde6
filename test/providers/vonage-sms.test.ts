import { instantiate } from '../../src/providers/types.js';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { vonageSmsProvider } from '../../src/providers/vonage-sms/index.js';
import { needsUcs2 } from '../../src/providers/shared/sms-text/gsm7.js';
import type { OutgoingMessage, Provider } from '../../src/providers/types.js';
import type { StandInReply } from '../helpers/http-stand-in.js';
import { expectParsesUnchanged, expectRejectedAt } from './support/config.js';
import { ctx, deliveryFailure, expectSafeError } from './support/delivery.js';
import { smsMessage } from './support/messages.js';
import { withStandIn } from './support/stand-in.js';
import { describeTransportBehaviour } from './support/transport.js';

const deps = { name: 'main', channel: 'sms' as const, logger: pino({ level: 'silent' }) };

/** A config exactly as Logto's console saves it for connector-vonage-sms. */
const logtoConfig = {
  apiKey: 'a1b2c3d4',
  apiSecret: 'VonageSecret123',
  brandName: 'Acme',
  templates: [
    { usageType: 'SignIn', content: 'Your sign-in code is {{code}}' },
    { usageType: 'Register', content: 'Your registration code is {{code}}' },
    { usageType: 'ForgotPassword', content: 'Your reset code is {{code}}' },
    { usageType: 'Generic', content: 'Your code is {{code}}' },
  ],
};

const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => smsMessage({ to: '+447700900000', content: { kind: 'sms', text: 'Your sign-in code is 123456' } }, overrides);

/** Vonage's documented 200 answer (troubleshooting guide). */
const accepted = (status = '0', extra: Record<string, string> = {}): StandInReply => ({
  status: 200,
  body: {
    'message-count': '1',
    messages: [
      { to: '447700900000', 'message-id': '0C000000217B7F02', status, 'remaining-balance': '15.53590000', 'message-price': '0.03330000', network: '23410', ...extra },
    ],
  },
});

const sendError = (provider: Provider, msg = message()) => deliveryFailure(provider.send(msg, ctx()));

describe('vonage-sms config', () => {
  it('accepts a Logto config unchanged, plus endpoint and timeoutMs', () => {
    expectParsesUnchanged(vonageSmsProvider.configSchema, logtoConfig, { ...logtoConfig, endpoint: 'https://rest.nexmo.com', timeoutMs: 3000 });
  });

  it.each([
    [{ ...logtoConfig, apiSecret: undefined }, ['apiSecret']],
    [{ ...logtoConfig, brandName: '' }, ['brandName']],
    [{ ...logtoConfig, endpoint: 'not a url' }, ['endpoint']],
    [{ ...logtoConfig, templates: [{ content: 'x' }] }, ['templates', 0, 'usageType']],
    [{ ...logtoConfig, extra: true }, []],
  ])('rejects a bad config with the field path (%#)', (config, path) => expectRejectedAt(vonageSmsProvider.configSchema, config, path));
});

describe('vonage-sms against a stand-in', () => {
  const fixture = withStandIn(accepted(), (url) => instantiate(vonageSmsProvider, vonageSmsProvider.configSchema.parse({ ...logtoConfig, endpoint: url }), deps));

  it('sends POST /sms/json with every documented field', async () => {
    fixture.standIn.reply(accepted());
    await expect(fixture.provider.send(message(), ctx())).resolves.toEqual({ providerMessageId: '0C000000217B7F02' });
    const req = fixture.standIn.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/sms/json');
    expect([...(req?.query.keys() ?? [])]).toEqual([]);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers.authorization).toBeUndefined();
    expect(JSON.parse(req?.body ?? '')).toEqual({
      api_key: 'a1b2c3d4',
      api_secret: 'VonageSecret123',
      from: 'Acme',
      to: '447700900000',
      text: 'Your sign-in code is 123456',
    });
  });

  it('sends callback=ctx.receiptUrl when receipts are on, so the DLR comes to the ingest', async () => {
    fixture.standIn.reply(accepted());
    const receiptUrl = 'https://otp.example.com/v1/receipts/sms/main';
    await fixture.provider.send(message(), { ...ctx(), receiptUrl });
    const body: unknown = JSON.parse(fixture.standIn.requests.at(-1)?.body ?? '');
    expect(body).toMatchObject({ to: '447700900000', callback: receiptUrl });
  });

  it('asks for type=unicode when the text is not GSM-7', async () => {
    fixture.standIn.reply(accepted());
    await fixture.provider.send(message({ content: { kind: 'sms', text: 'Ваш код: 123456' } }), ctx());
    const body: unknown = JSON.parse(fixture.standIn.requests.at(-1)?.body ?? '');
    expect(body).toMatchObject({ type: 'unicode', text: 'Ваш код: 123456' });
  });

  it('fails when any part of a multi-part message fails', async () => {
    fixture.standIn.reply({
      status: 200,
      body: { 'message-count': '2', messages: [{ status: '0', 'message-id': 'A' }, { status: '9', 'error-text': 'Quota Exceeded - rejected' }] },
    });
    const error = await sendError(fixture.provider);
    expect({ kind: error.kind, code: error.code, scope: error.scope }).toEqual({ kind: 'permanent', code: '9', scope: 'connector' });
  });

  it.each([
    ['1', 'rate_limited', 'connector'],
    ['2', 'permanent', 'connector'],
    ['3', 'permanent', 'message'],
    ['4', 'permanent', 'connector'],
    ['5', 'retryable', 'connector'],
    ['6', 'permanent', 'message'],
    ['7', 'permanent', 'message'],
    ['8', 'permanent', 'connector'],
    ['9', 'permanent', 'connector'],
    ['10', 'rate_limited', 'connector'],
    ['11', 'permanent', 'connector'],
    ['12', 'permanent', 'message'],
    ['14', 'permanent', 'connector'],
    ['15', 'permanent', 'connector'],
    ['22', 'permanent', 'connector'],
    ['23', 'permanent', 'connector'],
    ['29', 'permanent', 'connector'],
    ['32', 'permanent', 'connector'],
    ['33', 'permanent', 'message'],
    ['99', 'permanent', 'message'],
  ] as const)('classifies status %s', async (status, kind, scope) => {
    fixture.standIn.reply(accepted(status, { 'error-text': 'Details that may name +447700900000' }));
    const error = await sendError(fixture.provider);
    expect({ kind: error.kind, scope: error.scope, code: error.code }).toEqual({ kind, scope, code: status });
    expectSafeError(error, { recipient: '447700900000', code: '123456' });
  });

  it('waits a second after status 1 (throttled)', async () => {
    fixture.standIn.reply(accepted('1', { 'error-text': 'Throughput Rate Exceeded' }));
    expect((await sendError(fixture.provider)).retryAfterMs).toBe(1000);
  });

  it.each([
    [{ status: 401, body: { type: 'https://developer.nexmo.com/api-errors#unauthorized', title: 'Unauthorized' } }, 'permanent', 'http_401'],
    [{ status: 429, headers: { 'retry-after': '2' }, body: '' }, 'rate_limited', 'http_429'],
    [{ status: 503, body: '<html>unavailable</html>' }, 'retryable', 'http_503'],
  ] as const)('classifies HTTP failures %j', async (reply, kind, code) => {
    fixture.standIn.reply(reply);
    const error = await sendError(fixture.provider);
    expect({ kind: error.kind, code: error.code }).toEqual({ kind, code });
    if (reply.status === 429) expect(error.retryAfterMs).toBe(2000);
  });
});

describe('vonage-sms unrecognised answers', () => {
  const fixture = withStandIn(accepted(), (url) => instantiate(vonageSmsProvider, vonageSmsProvider.configSchema.parse({ ...logtoConfig, endpoint: url }), deps));

  it.each([{ status: 200, body: 'not json' }, { status: 204 }])('takes %j as unexpected, not an error (the vendor took it)', async (reply) => {
    fixture.standIn.reply(reply);
    await expect(fixture.provider.send(message(), ctx())).resolves.toEqual({ unexpectedResponse: true });
  });
});

describeTransportBehaviour('vonage-sms', {
  create: (url, extra) => instantiate(vonageSmsProvider, vonageSmsProvider.configSchema.parse({ ...logtoConfig, endpoint: url, ...extra }), deps),
  message: (i) => message({ id: `msg-${i}` }),
  ok: accepted(),
});

describe('needsUcs2', () => {
  it.each([
    ['Your code is 123456', false],
    ['Ihr Code: 123456 ¿ñ? äöüß €[]{}~^|\\', false],
    ['Código 123456 (ó is not in GSM 03.38)', true],
    ['Ваш код 123456', true],
    ['验证码 123456', true],
    ['code 123456 ✓', true],
    ['ç lowercase is not in GSM 03.38', true],
  ])('%s → %s', (text, expected) => {
    expect(needsUcs2(text)).toBe(expected);
  });
});
