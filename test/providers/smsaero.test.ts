import { instantiate } from '../../src/providers/types.js';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { smsaeroProvider } from '../../src/providers/smsaero/index.js';
import type { OutgoingMessage, Provider } from '../../src/providers/types.js';
import type { StandInReply } from '../helpers/http-stand-in.js';
import { expectParsesUnchanged, expectRejectedAt } from './support/config.js';
import { ctx, deliveryFailure, expectSafeError } from './support/delivery.js';
import { smsMessage } from './support/messages.js';
import { withStandIn } from './support/stand-in.js';
import { describeTransportBehaviour } from './support/transport.js';

const deps = { name: 'main', channel: 'sms' as const, logger: pino({ level: 'silent' }) };

/** A config exactly as Logto's console saves it for connector-smsaero. */
const logtoConfig = {
  email: 'ops@example.com',
  apiKey: 'smsaero-api-key-0123456789abcdef',
  senderName: 'SMS Aero',
  templates: [
    { usageType: 'SignIn', content: 'Код для входа: {{code}}' },
    { usageType: 'Register', content: 'Код регистрации: {{code}}' },
    { usageType: 'ForgotPassword', content: 'Код сброса пароля: {{code}}' },
    { usageType: 'Generic', content: 'Ваш код: {{code}}' },
  ],
};

const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => smsMessage({ to: '+79990000000', locale: 'ru', content: { kind: 'sms', text: 'Код для входа: 123456' } }, overrides);

/** SMS Aero's documented answer to `sms/send`. */
const sent: StandInReply = {
  status: 200,
  body: {
    success: true,
    data: { id: 686325, from: 'SMS Aero', number: '79990000000', text: 'Код для входа: 123456', status: 8, extendStatus: 'moderation', channel: 'FREE SIGN', cost: 2.99, dateCreate: 1622650986, dateSend: 1622650986 },
    message: null,
  },
};

const sendError = (provider: Provider, msg = message()) => deliveryFailure(provider.send(msg, ctx()));

describe('smsaero config', () => {
  it('accepts a Logto config unchanged, plus endpoint and timeoutMs', () => {
    expectParsesUnchanged(smsaeroProvider.configSchema, logtoConfig, { ...logtoConfig, endpoint: 'https://gate.smsaero.org', timeoutMs: 4000 });
  });

  it.each([
    [{ ...logtoConfig, email: 'not-an-email' }, ['email']],
    [{ ...logtoConfig, apiKey: undefined }, ['apiKey']],
    [{ ...logtoConfig, senderName: 42 }, ['senderName']],
    [{ ...logtoConfig, endpoint: 'gate.smsaero.ru' }, ['endpoint']],
    [{ ...logtoConfig, sign: 'x' }, []],
  ])('rejects a bad config with the field path (%#)', (config, path) => expectRejectedAt(smsaeroProvider.configSchema, config, path));
});

describe('smsaero against a stand-in', () => {
  const fixture = withStandIn(sent, (url) => instantiate(smsaeroProvider, smsaeroProvider.configSchema.parse({ ...logtoConfig, endpoint: url }), deps));

  it('sends POST /v2/sms/send with Basic email:apiKey and {number, sign, text}', async () => {
    fixture.standIn.reply(sent);
    await expect(fixture.provider.send(message(), ctx())).resolves.toEqual({ providerMessageId: '686325' });
    const req = fixture.standIn.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/v2/sms/send');
    expect([...(req?.query.keys() ?? [])]).toEqual([]);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from('ops@example.com:smsaero-api-key-0123456789abcdef').toString('base64')}`);
    expect(JSON.parse(req?.body ?? '')).toEqual({ number: '79990000000', sign: 'SMS Aero', text: 'Код для входа: 123456' });
  });

  it.each([
    [{ status: 200, body: { success: false, data: null, message: 'Insufficient funds' } }, 'permanent', 'connector', 'no_credits'],
    [{ status: 200, body: { result: 'no credits' } }, 'permanent', 'connector', 'no_credits'],
    [{ status: 400, body: { success: false, data: { sign: ['Sign is not approved'] }, message: 'Sign is not approved.' } }, 'permanent', 'connector', 'invalid_sign'],
    [{ status: 400, body: { success: false, data: { number: ['Invalid number +79990000000'] }, message: 'Validation error.' } }, 'permanent', 'message', 'http_400'],
    [{ status: 200, body: { success: false, data: null, message: 'Message rejected' } }, 'permanent', 'message', 'rejected'],
    [{ status: 401, body: { success: false, data: null, message: 'Your authorization data is incorrect' } }, 'permanent', 'connector', 'http_401'],
    [{ status: 429, body: { success: false, data: null, message: 'Too many requests' } }, 'rate_limited', 'connector', 'http_429'],
    [{ status: 500, body: { success: false, data: null, message: 'Internal error' } }, 'retryable', 'connector', 'http_500'],
    [{ status: 503, body: '' }, 'retryable', 'connector', 'http_503'],
  ] as const)('classifies %j', async (reply, kind, scope, code) => {
    fixture.standIn.reply(reply);
    const error = await sendError(fixture.provider);
    expect({ kind: error.kind, scope: error.scope, code: error.code }).toEqual({ kind, scope, code });
    expectSafeError(error, { recipient: '79990000000', code: '123456' });
  });

  it("takes a 2xx that is not SMS Aero's answer as unexpected, not an error (the vendor took it)", async () => {
    fixture.standIn.reply({ status: 200, body: '<html>maintenance</html>' });
    await expect(fixture.provider.send(message(), ctx())).resolves.toEqual({ unexpectedResponse: true });
  });

  it('honours Retry-After on 429', async () => {
    fixture.standIn.reply({ status: 429, headers: { 'retry-after': '5' }, body: '' });
    expect((await sendError(fixture.provider)).retryAfterMs).toBe(5000);
  });
});

describeTransportBehaviour('smsaero', {
  create: (url, extra) => instantiate(smsaeroProvider, smsaeroProvider.configSchema.parse({ ...logtoConfig, endpoint: url, ...extra }), deps),
  message: (i) => message({ id: `msg-${i}` }),
  ok: sent,
});
