import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { isDeliveryError, type DeliveryError } from '../../src/errors/delivery-error.js';
import { vonageSmsProvider } from '../../src/providers/vonage-sms/index.js';
import { needsUcs2 } from '../../src/providers/shared/sms-text/gsm7.js';
import type { OutgoingMessage, Provider } from '../../src/providers/types.js';
import { startStandIn, type StandIn, type StandInReply } from '../helpers/http-stand-in.js';
import { startConnectionCounter } from './connection-counter.js';

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

const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: 'msg-1',
  channel: 'sms',
  to: '+447700900000',
  type: 'SignIn',
  locale: 'en',
  payload: { code: '123456' },
  content: { kind: 'sms', text: 'Your sign-in code is 123456' },
  ...overrides,
});

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

const ctx = () => ({ signal: new AbortController().signal, attempt: 1 });

const sendError = async (provider: Provider, msg = message()): Promise<DeliveryError> => {
  const error: unknown = await provider.send(msg, ctx()).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isDeliveryError(error)) throw new Error(`expected a DeliveryError, got ${String(error)}`);
  return error;
};

describe('vonage-sms config', () => {
  it('accepts a Logto config unchanged, plus endpoint and timeoutMs', () => {
    expect(vonageSmsProvider.configSchema.parse(logtoConfig)).toEqual(logtoConfig);
    const withExtras = { ...logtoConfig, endpoint: 'https://rest.nexmo.com', timeoutMs: 3000 };
    expect(vonageSmsProvider.configSchema.parse(withExtras)).toEqual(withExtras);
  });

  it.each([
    [{ ...logtoConfig, apiSecret: undefined }, ['apiSecret']],
    [{ ...logtoConfig, brandName: '' }, ['brandName']],
    [{ ...logtoConfig, endpoint: 'not a url' }, ['endpoint']],
    [{ ...logtoConfig, templates: [{ content: 'x' }] }, ['templates', 0, 'usageType']],
    [{ ...logtoConfig, extra: true }, []],
  ])('rejects a bad config with the field path (%#)', (config, path) => {
    const result = vonageSmsProvider.configSchema.safeParse(config);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toContainEqual(path);
  });
});

describe('vonage-sms against a stand-in', () => {
  let standIn: StandIn;
  let provider: Provider;

  beforeAll(async () => {
    standIn = await startStandIn(accepted());
    provider = vonageSmsProvider.create(vonageSmsProvider.configSchema.parse({ ...logtoConfig, endpoint: standIn.url }), deps);
  });
  afterAll(async () => {
    await provider.close();
    await standIn.close();
  });

  it('sends POST /sms/json with every documented field', async () => {
    standIn.reply(accepted());
    await expect(provider.send(message(), ctx())).resolves.toEqual({ providerMessageId: '0C000000217B7F02' });
    const req = standIn.requests.at(-1);
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

  it('asks for type=unicode when the text is not GSM-7', async () => {
    standIn.reply(accepted());
    await provider.send(message({ content: { kind: 'sms', text: 'Ваш код: 123456' } }), ctx());
    const body: unknown = JSON.parse(standIn.requests.at(-1)?.body ?? '');
    expect(body).toMatchObject({ type: 'unicode', text: 'Ваш код: 123456' });
  });

  it('fails when any part of a multi-part message fails', async () => {
    standIn.reply({
      status: 200,
      body: { 'message-count': '2', messages: [{ status: '0', 'message-id': 'A' }, { status: '9', 'error-text': 'Quota Exceeded - rejected' }] },
    });
    const error = await sendError(provider);
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
    standIn.reply(accepted(status, { 'error-text': 'Details that may name +447700900000' }));
    const error = await sendError(provider);
    expect({ kind: error.kind, scope: error.scope, code: error.code }).toEqual({ kind, scope, code: status });
    expect(error.message).not.toMatch(/447700900000|123456/);
  });

  it('waits a second after status 1 (throttled)', async () => {
    standIn.reply(accepted('1', { 'error-text': 'Throughput Rate Exceeded' }));
    expect((await sendError(provider)).retryAfterMs).toBe(1000);
  });

  it.each([
    [{ status: 401, body: { type: 'https://developer.nexmo.com/api-errors#unauthorized', title: 'Unauthorized' } }, 'permanent', 'http_401'],
    [{ status: 429, headers: { 'retry-after': '2' }, body: '' }, 'rate_limited', 'http_429'],
    [{ status: 503, body: '<html>unavailable</html>' }, 'retryable', 'http_503'],
    [{ status: 200, body: 'not json' }, 'retryable', 'invalid_response'],
    [{ status: 204 }, 'retryable', 'invalid_response'],
  ] as const)('classifies HTTP failures %j', async (reply, kind, code) => {
    standIn.reply(reply);
    const error = await sendError(provider);
    expect({ kind: error.kind, code: error.code }).toEqual({ kind, code });
    if (reply.status === 429) expect(error.retryAfterMs).toBe(2000);
  });
});

describe('vonage-sms transport', () => {
  it('times out as retryable "timeout" when the vendor never answers', async () => {
    const standIn = await startStandIn(() => new Promise(() => undefined));
    const provider = vonageSmsProvider.create(vonageSmsProvider.configSchema.parse({ ...logtoConfig, endpoint: standIn.url, timeoutMs: 150 }), deps);
    const error = await sendError(provider);
    expect({ kind: error.kind, code: error.code }).toEqual({ kind: 'retryable', code: 'timeout' });
    await provider.close();
    await standIn.close();
  });

  it('reuses keep-alive connections across sends', async () => {
    const standIn = await startStandIn(accepted());
    const counter = await startConnectionCounter(standIn.url);
    const provider = vonageSmsProvider.create(vonageSmsProvider.configSchema.parse({ ...logtoConfig, endpoint: counter.url }), deps);
    for (let i = 0; i < 6; i += 1) await provider.send(message({ id: `msg-${i}` }), ctx());
    expect(standIn.requests).toHaveLength(6);
    expect(counter.connections).toBeLessThanOrEqual(2);
    await provider.close();
    await counter.close();
    await standIn.close();
  });
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
