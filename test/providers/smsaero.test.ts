import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { isDeliveryError, type DeliveryError } from '../../src/errors/delivery-error.js';
import { smsaeroProvider } from '../../src/providers/smsaero/index.js';
import type { OutgoingMessage, Provider } from '../../src/providers/types.js';
import { startStandIn, type StandIn, type StandInReply } from '../helpers/http-stand-in.js';
import { startConnectionCounter } from './connection-counter.js';

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

const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: 'msg-1',
  channel: 'sms',
  to: '+79990000000',
  type: 'SignIn',
  locale: 'ru',
  payload: { code: '123456' },
  content: { kind: 'sms', text: 'Код для входа: 123456' },
  ...overrides,
});

/** SMS Aero's documented answer to `sms/send`. */
const sent: StandInReply = {
  status: 200,
  body: {
    success: true,
    data: { id: 686325, from: 'SMS Aero', number: '79990000000', text: 'Код для входа: 123456', status: 8, extendStatus: 'moderation', channel: 'FREE SIGN', cost: 2.99, dateCreate: 1622650986, dateSend: 1622650986 },
    message: null,
  },
};

const ctx = () => ({ signal: new AbortController().signal, attempt: 1 });

const sendError = async (provider: Provider, msg = message()): Promise<DeliveryError> => {
  const error: unknown = await provider.send(msg, ctx()).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isDeliveryError(error)) throw new Error(`expected a DeliveryError, got ${String(error)}`);
  return error;
};

describe('smsaero config', () => {
  it('accepts a Logto config unchanged, plus endpoint and timeoutMs', () => {
    expect(smsaeroProvider.configSchema.parse(logtoConfig)).toEqual(logtoConfig);
    const withExtras = { ...logtoConfig, endpoint: 'https://gate.smsaero.org', timeoutMs: 4000 };
    expect(smsaeroProvider.configSchema.parse(withExtras)).toEqual(withExtras);
  });

  it.each([
    [{ ...logtoConfig, email: 'not-an-email' }, ['email']],
    [{ ...logtoConfig, apiKey: undefined }, ['apiKey']],
    [{ ...logtoConfig, senderName: 42 }, ['senderName']],
    [{ ...logtoConfig, endpoint: 'gate.smsaero.ru' }, ['endpoint']],
    [{ ...logtoConfig, sign: 'x' }, []],
  ])('rejects a bad config with the field path (%#)', (config, path) => {
    const result = smsaeroProvider.configSchema.safeParse(config);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toContainEqual(path);
  });
});

describe('smsaero against a stand-in', () => {
  let standIn: StandIn;
  let provider: Provider;

  beforeAll(async () => {
    standIn = await startStandIn(sent);
    provider = smsaeroProvider.create(smsaeroProvider.configSchema.parse({ ...logtoConfig, endpoint: standIn.url }), deps);
  });
  afterAll(async () => {
    await provider.close();
    await standIn.close();
  });

  it('sends POST /v2/sms/send with Basic email:apiKey and {number, sign, text}', async () => {
    standIn.reply(sent);
    await expect(provider.send(message(), ctx())).resolves.toEqual({ providerMessageId: '686325' });
    const req = standIn.requests.at(-1);
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
    [{ status: 200, body: '<html>maintenance</html>' }, 'retryable', 'connector', 'invalid_response'],
    [{ status: 401, body: { success: false, data: null, message: 'Your authorization data is incorrect' } }, 'permanent', 'connector', 'http_401'],
    [{ status: 429, body: { success: false, data: null, message: 'Too many requests' } }, 'rate_limited', 'connector', 'http_429'],
    [{ status: 500, body: { success: false, data: null, message: 'Internal error' } }, 'retryable', 'connector', 'http_500'],
    [{ status: 503, body: '' }, 'retryable', 'connector', 'http_503'],
  ] as const)('classifies %j', async (reply, kind, scope, code) => {
    standIn.reply(reply);
    const error = await sendError(provider);
    expect({ kind: error.kind, scope: error.scope, code: error.code }).toEqual({ kind, scope, code });
    expect(error.message).not.toMatch(/79990000000|123456/);
  });

  it('honours Retry-After on 429', async () => {
    standIn.reply({ status: 429, headers: { 'retry-after': '5' }, body: '' });
    expect((await sendError(provider)).retryAfterMs).toBe(5000);
  });
});

describe('smsaero transport', () => {
  it('times out as retryable "timeout" when the vendor never answers', async () => {
    const standIn = await startStandIn(() => new Promise(() => undefined));
    const provider = smsaeroProvider.create(smsaeroProvider.configSchema.parse({ ...logtoConfig, endpoint: standIn.url, timeoutMs: 150 }), deps);
    const error = await sendError(provider);
    expect({ kind: error.kind, code: error.code }).toEqual({ kind: 'retryable', code: 'timeout' });
    await provider.close();
    await standIn.close();
  });

  it('reuses keep-alive connections across sends', async () => {
    const standIn = await startStandIn(sent);
    const counter = await startConnectionCounter(standIn.url);
    const provider = smsaeroProvider.create(smsaeroProvider.configSchema.parse({ ...logtoConfig, endpoint: counter.url }), deps);
    for (let i = 0; i < 6; i += 1) await provider.send(message({ id: `msg-${i}` }), ctx());
    expect(standIn.requests).toHaveLength(6);
    expect(counter.connections).toBeLessThanOrEqual(2);
    await provider.close();
    await counter.close();
    await standIn.close();
  });
});
