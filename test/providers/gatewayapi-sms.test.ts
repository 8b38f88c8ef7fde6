import { instantiate } from '../../src/providers/types.js';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { gatewayapiSmsProvider } from '../../src/providers/gatewayapi-sms/index.js';
import type { OutgoingMessage, Provider } from '../../src/providers/types.js';
import type { StandInReply } from '../helpers/http-stand-in.js';
import { expectRejectedAt } from './support/config.js';
import { ctx, deliveryFailure, expectSafeError } from './support/delivery.js';
import { smsMessage } from './support/messages.js';
import { withStandIn } from './support/stand-in.js';
import { describeTransportBehaviour } from './support/transport.js';

const deps = { name: 'main', channel: 'sms' as const, logger: pino({ level: 'silent' }) };
const TOKEN = 'GoGenerateAnApiToken_abcdef0123456789';

/** A config exactly as Logto's console saves it for connector-gatewayapi-sms. */
const logtoConfig = {
  endpoint: 'https://gatewayapi.com/rest/mtsms',
  apiToken: TOKEN,
  sender: 'ExampleSMS',
  templates: [
    { usageType: 'SignIn', content: 'Your sign-in code is {{code}}' },
    { usageType: 'Register', content: 'Your registration code is {{code}}' },
    { usageType: 'ForgotPassword', content: 'Your reset code is {{code}}' },
    { usageType: 'Generic', content: 'Your code is {{code}}' },
  ],
};

const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => smsMessage({ to: '+4512345678', locale: 'da', content: { kind: 'sms', text: 'Your sign-in code is 123456' } }, overrides);

/** GatewayAPI's documented 200 answer. */
const sent: StandInReply = { status: 200, body: { ids: [421332671], usage: { countries: { DK: 1 }, currency: 'DKK', total_cost: 0.12 } } };
const failure = (status: number, code: string, text: string, variables: string[] = []): StandInReply => ({
  status,
  body: { code, incident_uuid: 'd8127429-fa0c-4316-b1f2-e610c3958f43', message: text, variables },
});

const sendError = (provider: Provider, msg = message()) => deliveryFailure(provider.send(msg, ctx()));

describe('gatewayapi-sms config', () => {
  it('accepts a Logto config unchanged, plus timeoutMs', () => {
    expect(gatewayapiSmsProvider.configSchema.parse(logtoConfig)).toEqual(logtoConfig);
    const { endpoint: _omitted, ...withoutEndpoint } = logtoConfig;
    expect(gatewayapiSmsProvider.configSchema.parse({ ...withoutEndpoint, timeoutMs: 2000 })).toEqual({ ...withoutEndpoint, timeoutMs: 2000 });
  });

  it.each([
    [{ ...logtoConfig, apiToken: '' }, ['apiToken']],
    [{ ...logtoConfig, sender: undefined }, ['sender']],
    [{ ...logtoConfig, endpoint: 'gatewayapi.com/rest/mtsms' }, ['endpoint']],
    [{ ...logtoConfig, templates: 'none' }, ['templates']],
    [{ ...logtoConfig, token: TOKEN }, []],
  ])('rejects a bad config with the field path (%#)', (config, path) => expectRejectedAt(gatewayapiSmsProvider.configSchema, config, path));
});

describe('gatewayapi-sms against a stand-in', () => {
  const fixture = withStandIn(sent, (url) => instantiate(gatewayapiSmsProvider, gatewayapiSmsProvider.configSchema.parse({ ...logtoConfig, endpoint: `${url}/rest/mtsms` }), deps));

  it('posts Logto’s body to the endpoint URL with Basic token auth', async () => {
    fixture.standIn.reply(sent);
    await expect(fixture.provider.send(message(), ctx())).resolves.toEqual({ providerMessageId: '421332671' });
    const req = fixture.standIn.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/rest/mtsms');
    expect([...(req?.query.keys() ?? [])]).toEqual([]);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`);
    expect(JSON.parse(req?.body ?? '')).toEqual({ sender: 'ExampleSMS', message: 'Your sign-in code is 123456', recipients: [{ msisdn: 4512345678 }] });
  });

  it('keeps a query in the endpoint URL and asks for UCS2 when the text is not GSM-7', async () => {
    const other = instantiate(gatewayapiSmsProvider,
      gatewayapiSmsProvider.configSchema.parse({ ...logtoConfig, endpoint: `${fixture.standIn.url}/eu/rest/mtsms?label=otp` }),
      deps,
    );
    fixture.standIn.reply(sent);
    await other.send(message({ to: '4512345678', content: { kind: 'sms', text: 'Din kode: 123456 🔐' } }), ctx());
    await other.close();
    const req = fixture.standIn.requests.at(-1);
    expect(req?.url).toBe('/eu/rest/mtsms?label=otp');
    expect(JSON.parse(req?.body ?? '')).toEqual({
      sender: 'ExampleSMS',
      message: 'Din kode: 123456 🔐',
      recipients: [{ msisdn: 4512345678 }],
      encoding: 'UCS2',
    });
  });

  it.each([
    [failure(401, '0x0211', 'Invalid password'), 'permanent', 'connector', '0x0211'],
    [failure(403, '0x0213', 'Unauthorized IP-address: %1', ['1.2.3.4']), 'permanent', 'connector', '0x0213'],
    [failure(400, '0x0216', 'Insufficient credit'), 'permanent', 'connector', '0x0216'],
    [failure(400, '0x0217', 'Unauthorized destination: country %1', ['DK']), 'permanent', 'connector', '0x0217'],
    [failure(400, '0x0215', 'MSISDN %1 blacklisted', ['4512345678']), 'permanent', 'message', '0x0215'],
    [failure(400, '0x0214', 'Temporary blacklist for MSISDN %1 with hash %2', ['4512345678', 'x']), 'permanent', 'message', '0x0214'],
    [failure(400, '0x0222', 'Missing required parameter %1', ['message']), 'permanent', 'connector', '0x0222'],
    [failure(400, '0x0308', 'Invalid Argument'), 'permanent', 'message', '0x0308'],
    [failure(503, '0x0309', 'Resource temporarily unavailable'), 'retryable', 'connector', '0x0309'],
    [failure(500, '0x0201', 'Unknown error'), 'retryable', 'connector', '0x0201'],
    [failure(422, '0x0201', 'Invalid json'), 'permanent', 'message', '0x0201'],
    [{ status: 401, body: { message: 'Unauthorized' } }, 'permanent', 'connector', 'http_401'],
    [{ status: 502, body: '' }, 'retryable', 'connector', 'http_502'],
  ] as const)('classifies %j', async (reply, kind, scope, code) => {
    fixture.standIn.reply(reply);
    const error = await sendError(fixture.provider);
    expect({ kind: error.kind, scope: error.scope, code: error.code }).toEqual({ kind, scope, code });
    expectSafeError(error, { recipient: '4512345678', code: '123456' });
  });

  it('takes a 2xx without ids as an unexpected answer, not an error (the vendor took it)', async () => {
    fixture.standIn.reply({ status: 200, body: { unexpected: true } });
    await expect(fixture.provider.send(message(), ctx())).resolves.toEqual({ unexpectedResponse: true });
  });

  it('is rate-limited on 429, honouring Retry-After', async () => {
    fixture.standIn.reply({ status: 429, headers: { 'retry-after': '7' }, body: { message: 'Too many requests' } });
    const error = await sendError(fixture.provider);
    expect({ kind: error.kind, retryAfterMs: error.retryAfterMs }).toEqual({ kind: 'rate_limited', retryAfterMs: 7000 });
  });
});

describeTransportBehaviour('gatewayapi-sms', {
  create: (url, extra) => instantiate(gatewayapiSmsProvider, gatewayapiSmsProvider.configSchema.parse({ ...logtoConfig, endpoint: `${url}/rest/mtsms`, ...extra }), deps),
  message: (i) => message({ id: `msg-${i}` }),
  ok: sent,
});
