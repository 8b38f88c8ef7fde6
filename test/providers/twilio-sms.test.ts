import { instantiate } from '../../src/providers/types.js';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { twilioSmsProvider } from '../../src/providers/twilio-sms/index.js';
import { classifyTwilioError } from '../../src/providers/twilio-sms/errors.js';
import type { OutgoingMessage, Provider } from '../../src/providers/types.js';
import { isDeliveryError } from '../../src/errors/delivery-error.js';
import { expectParsesUnchanged, expectRejectedAt } from './support/config.js';
import { ctx, deliveryFailure, expectSafeError } from './support/delivery.js';
import { smsMessage } from './support/messages.js';
import { withStandIn } from './support/stand-in.js';
import { describeTransportBehaviour } from './support/transport.js';

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'auth-token-secret';
const SERVICE_SID = 'MG0123456789abcdef0123456789abcdef';
const deps = { name: 'main', channel: 'sms' as const, logger: pino({ level: 'silent' }) };

/** A config exactly as Logto's console saves it for connector-twilio-sms. */
const logtoConfig = {
  accountSID: ACCOUNT_SID,
  authToken: AUTH_TOKEN,
  fromMessagingServiceSID: SERVICE_SID,
  templates: [
    { usageType: 'SignIn', content: 'Your sign-in code is {{code}}' },
    { usageType: 'Register', content: 'Your registration code is {{code}}' },
    { usageType: 'ForgotPassword', content: 'Your reset code is {{code}}' },
    { usageType: 'Generic', content: 'Your code is {{code}}' },
  ],
};

const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => smsMessage({ to: '+15005550006', content: { kind: 'sms', text: 'Your sign-in code is 123456' } }, overrides);

/** Twilio's 201 answer to `Messages.json` (trimmed Message resource). */
const created = (sid = 'SM0123456789abcdef0123456789abcdef') => ({
  status: 201,
  body: {
    sid,
    account_sid: ACCOUNT_SID,
    messaging_service_sid: SERVICE_SID,
    to: '+15005550006',
    from: null,
    body: 'Your sign-in code is 123456',
    status: 'accepted',
    num_segments: '0',
    direction: 'outbound-api',
    api_version: '2010-04-01',
    price: null,
    error_code: null,
    error_message: null,
    uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}.json`,
  },
});

const twilioError = (status: number, code: number, text: string) => ({
  status,
  body: { code, message: text, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

const sendError = (provider: Provider, msg = message()) => deliveryFailure(provider.send(msg, ctx()));

describe('twilio-sms config', () => {
  it('accepts a Logto config unchanged, plus endpoint and timeoutMs', () => {
    expectParsesUnchanged(twilioSmsProvider.configSchema, logtoConfig, { ...logtoConfig, disableRiskCheck: true, endpoint: 'http://127.0.0.1:1', timeoutMs: 5000 });
  });

  it.each([
    [{ ...logtoConfig, authToken: undefined }, ['authToken']],
    [{ ...logtoConfig, accountSID: 'SK123' }, ['accountSID']],
    [{ ...logtoConfig, endpoint: 'ftp://example.com' }, ['endpoint']],
    [{ ...logtoConfig, timeoutMs: 10 }, ['timeoutMs']],
    [{ ...logtoConfig, templates: [{ usageType: 'SignIn' }] }, ['templates', 0, 'content']],
    [{ ...logtoConfig, disableRiskCheck: 'yes' }, ['disableRiskCheck']],
  ])('rejects a bad config with the field path (%#)', (config, path) => expectRejectedAt(twilioSmsProvider.configSchema, config, path));

  it('rejects unknown keys', () => {
    const result = twilioSmsProvider.configSchema.safeParse({ ...logtoConfig, from: '+15005550006' });
    expect(result.success).toBe(false);
  });

  it('exposes the Logto templates as local templates', () => {
    const provider = instantiate(twilioSmsProvider, twilioSmsProvider.configSchema.parse(logtoConfig), deps);
    expect(provider.templates).toContainEqual({ kind: 'local', usageType: 'Generic', content: 'Your code is {{code}}', contentType: 'text/plain' });
    expect(provider.acceptsRenderedContent).toBe(true);
    return provider.close();
  });
});

describe('twilio-sms against a stand-in', () => {
  const fixture = withStandIn(created(), (url) => instantiate(twilioSmsProvider, twilioSmsProvider.configSchema.parse({ ...logtoConfig, endpoint: url }), deps));

  it('sends the Messages API request Logto sends, through the SDK', async () => {
    fixture.standIn.reply(created('SMaaaa'));
    const result = await fixture.provider.send(message(), ctx());
    expect(result).toEqual({ providerMessageId: 'SMaaaa' });

    const req = fixture.standIn.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect([...(req?.query.keys() ?? [])]).toEqual([]);
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req?.headers.accept).toBe('application/json');
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(req?.headers['user-agent']).toMatch(/^twilio-node\//);
    expect(Object.fromEntries(new URLSearchParams(req?.body))).toEqual({
      To: '+15005550006',
      MessagingServiceSid: SERVICE_SID,
      Body: 'Your sign-in code is 123456',
      RiskCheck: 'enable',
    });
  });

  it('asks for status callbacks at ctx.receiptUrl when receipts are on', async () => {
    fixture.standIn.reply(created());
    const receiptUrl = 'https://otp.example.com/v1/receipts/sms/main';
    await fixture.provider.send(message(), { ...ctx(), receiptUrl });
    const form = new URLSearchParams(fixture.standIn.requests.at(-1)?.body);
    expect(form.get('StatusCallback')).toBe(receiptUrl);
    expect(form.get('To')).toBe('+15005550006');
  });

  it('adds the leading + to To as Logto does, and keeps non-ASCII text intact', async () => {
    fixture.standIn.reply(created());
    await fixture.provider.send(message({ to: '447700900123', content: { kind: 'sms', text: 'Код: 123456 ✓ & más' } }), ctx());
    const form = new URLSearchParams(fixture.standIn.requests.at(-1)?.body);
    expect(form.get('To')).toBe('+447700900123');
    expect(form.get('Body')).toBe('Код: 123456 ✓ & más');
  });

  it('sends RiskCheck=disable when disableRiskCheck is set', async () => {
    const config = twilioSmsProvider.configSchema.parse({ ...logtoConfig, disableRiskCheck: true, endpoint: fixture.standIn.url });
    const other = instantiate(twilioSmsProvider, config, deps);
    fixture.standIn.reply(created());
    await other.send(message(), ctx());
    await other.close();
    expect(new URLSearchParams(fixture.standIn.requests.at(-1)?.body).get('RiskCheck')).toBe('disable');
  });

  it('keeps the path of an endpoint with a prefix (proxies)', async () => {
    const other = instantiate(twilioSmsProvider,
      twilioSmsProvider.configSchema.parse({ ...logtoConfig, endpoint: `${fixture.standIn.url}/twilio/` }),
      deps,
    );
    fixture.standIn.reply(created());
    await other.send(message(), ctx());
    await other.close();
    expect(fixture.standIn.requests.at(-1)?.path).toBe(`/twilio/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
  });

  it.each([
    [twilioError(400, 21211, "The 'To' number +15005550001 is not a valid phone number."), 'permanent', 'message', '21211'],
    [twilioError(400, 21610, 'Attempt to send to unsubscribed recipient'), 'permanent', 'message', '21610'],
    [twilioError(400, 21612, "The 'To' phone number is not currently reachable via SMS"), 'permanent', 'message', '21612'],
    [twilioError(400, 21614, "'To' number is not a valid mobile number"), 'permanent', 'message', '21614'],
    [twilioError(400, 21408, 'Permission to send an SMS has not been enabled for the region'), 'permanent', 'connector', '21408'],
    [twilioError(400, 21606, "The 'From' phone number provided is not a valid message-capable Twilio phone number"), 'permanent', 'connector', '21606'],
    [twilioError(400, 21659, "'From' is not a Twilio phone number"), 'permanent', 'connector', '21659'],
    [twilioError(400, 21705, 'The Messaging Service is invalid'), 'permanent', 'connector', '21705'],
    [twilioError(401, 20003, 'Authenticate'), 'permanent', 'connector', '20003'],
    [twilioError(404, 20404, 'The requested resource was not found'), 'permanent', 'connector', '20404'],
    [twilioError(400, 21611, "This 'From' number has exceeded the maximum number of queued messages"), 'rate_limited', 'connector', '21611'],
    [twilioError(400, 30450, 'Message delivery blocked'), 'permanent', 'message', '30450'],
    [twilioError(500, 20500, 'Internal Server Error'), 'retryable', 'connector', '20500'],
    [twilioError(503, 20503, 'Service unavailable'), 'retryable', 'connector', '20503'],
    [{ status: 502, body: '<html>Bad Gateway</html>' }, 'retryable', 'connector', 'http_502'],
    [twilioError(400, 21999, 'Some new error'), 'permanent', 'message', '21999'],
  ] as const)('classifies %j', async (reply, kind, scope, code) => {
    fixture.standIn.reply(reply);
    const error = await sendError(fixture.provider);
    expect({ kind: error.kind, scope: error.scope, code: error.code }).toEqual({ kind, scope, code });
    expectSafeError(error, { recipient: '15005550006', code: '123456', others: ["To'"] });
  });

  it('honours Retry-After on 429 (20429)', async () => {
    fixture.standIn.reply({ ...twilioError(429, 20429, 'Too Many Requests'), headers: { 'retry-after': '3' } });
    const error = await sendError(fixture.provider);
    expect({ kind: error.kind, code: error.code, retryAfterMs: error.retryAfterMs }).toEqual({ kind: 'rate_limited', code: '20429', retryAfterMs: 3000 });
  });

  it('does not retry inside the SDK (one request per send, even on 429)', async () => {
    fixture.standIn.reply(twilioError(429, 20429, 'Too Many Requests'));
    const before = fixture.standIn.requests.length;
    await sendError(fixture.provider);
    expect(fixture.standIn.requests.length).toBe(before + 1);
  });

  it('passes ctx.signal to the request, per send (concurrent sends are independent)', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    fixture.standIn.reply(async () => {
      await held;
      return created();
    });
    const aborted = new AbortController();
    const first = fixture.provider.send(message(), { signal: aborted.signal, attempt: 1 });
    const second = fixture.provider.send(message({ id: 'msg-2' }), ctx());
    aborted.abort();
    const error: unknown = await first.catch((e: unknown) => e);
    expect(isDeliveryError(error) && error.kind).toBe('retryable');
    release();
    await expect(second).resolves.toEqual({ providerMessageId: 'SM0123456789abcdef0123456789abcdef' });
  });
});

describeTransportBehaviour('twilio-sms', {
  create: (url, extra) => instantiate(twilioSmsProvider, twilioSmsProvider.configSchema.parse({ ...logtoConfig, endpoint: url, ...extra }), deps),
  message: (i) => message({ id: `msg-${i}` }),
  ok: created(),
});

describe('classifyTwilioError', () => {
  it('keeps Retry-After on retryable 5xx and ignores unparsable bodies', () => {
    const error = classifyTwilioError({ status: 503, headers: { 'retry-after': '2' }, body: 'not json' });
    expect({ kind: error.kind, code: error.code, retryAfterMs: error.retryAfterMs }).toEqual({ kind: 'retryable', code: 'http_503', retryAfterMs: 2000 });
  });

  it('accepts string codes', () => {
    expect(classifyTwilioError({ status: 400, headers: {}, body: '{"code":"21211"}' }).code).toBe('21211');
  });
});
