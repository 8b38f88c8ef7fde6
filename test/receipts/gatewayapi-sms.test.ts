import { SignJWT } from 'jose';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { gatewayapiSmsProvider } from '../../src/providers/gatewayapi-sms/index.js';
import { GATEWAYAPI_STATUSES, gatewayApiSmsReceipts, gatewayApiSmsReceiptsSchema } from '../../src/providers/gatewayapi-sms/receipts.js';
import { instantiate } from '../../src/providers/types.js';
import { ctx } from '../providers/support/delivery.js';
import { smsMessage } from '../providers/support/messages.js';
import { withStandIn } from '../providers/support/stand-in.js';
import { receiptRequest, receiptTools } from './support.js';

const SECRET = 'gatewayapi-webhook-secret-0123';
const TOKEN = 'receipt-token-0123456789abcdef';
const URL = 'https://otp.example.com/v1/receipts/sms/main';
const config = gatewayapiSmsProvider.configSchema.parse({ apiToken: 'api-token', sender: 'ExampleSMS' });
const tools = receiptTools();
const signedVerifier = (secret = SECRET) => gatewayApiSmsReceipts.create({ secret }, config, tools);
const tokenVerifier = () => gatewayApiSmsReceipts.create(gatewayApiSmsReceiptsSchema.parse({ token: TOKEN }), config, tools);

/** The status notification of GatewayAPI's REST docs ("HTTP Callback" example). */
const notification = (extra: Record<string, unknown> = {}) => ({
  id: 1000001, msisdn: 4587654321, time: 1450000000, status: 'DELIVERED', userref: 'foobar', charge_status: 'CAPTURED', country_code: 'DK', country_prefix: 45, ...extra,
});

/** Test-only: GatewayAPI's signing, an HS256 JWT whose claims are the notification. */
const jwtOf = (claims: Record<string, unknown>, secret = SECRET, alg = 'HS256') =>
  new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg }).sign(new TextEncoder().encode(secret));

const signedRequest = async (claims: Record<string, unknown>, jwt?: string) =>
  receiptRequest({ url: URL, body: claims, headers: { 'content-type': 'application/json', 'x-gwapi-signature': jwt ?? (await jwtOf(claims)) } });

describe('gatewayapi-sms signed webhooks (JWT)', () => {
  /** GatewayAPI's REST docs: this token, verified with the secret "secret", in PHP, Python, Node and Ruby. */
  const DOC_JWT = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpZCI6MjM4MTcwMywibXNpc2RuIjo0NTQyNjA5MDQ1LCJ0aW1lIjoxNTIyNzY0MDYyLCJzdGF0dXMiOiJERUxJVkVSRUQiLCJlcnJvciI6bnVsbCwiY29kZSI6bnVsbCwidXNlcnJlZiI6bnVsbCwiY2FsbGJhY2tfdXJsIjoiaHR0cDovL2JiYWY3MTQyLm5ncm9rLmlvIiwiYXBpIjo0fQ.KdfDH65bnQtgxEkFnpAQodOciAJedZFB13r9wEo8t3Y';

  it("verifies GatewayAPI's published example JWT", async () => {
    const verdict = await signedVerifier('secret').verify(receiptRequest({ url: URL, body: '{}', headers: { 'x-gwapi-signature': DOC_JWT } }));
    expect(verdict).toEqual({ ok: true, receipts: [{ providerMessageId: '2381703', status: 'delivered', at: 1522764062_000 }] });
  });

  it('reads the documented notification from the signed claims, not from the unsigned body', async () => {
    const claims = notification();
    const request = receiptRequest({ url: URL, body: { ...claims, status: 'REJECTED', id: 9 }, headers: { 'x-gwapi-signature': await jwtOf(claims) } });
    await expect(signedVerifier().verify(request)).resolves.toEqual({ ok: true, receipts: [{ providerMessageId: '1000001', status: 'delivered', at: 1450000000_000 }] });
  });

  it.each([
    ['an empty header', async () => receiptRequest({ url: URL, body: notification(), headers: { 'x-gwapi-signature': '' } })],
    ['a JWT signed with another secret', async () => signedRequest(notification(), await jwtOf(notification(), 'another-secret-0123456789'))],
    ['a missing header', async () => receiptRequest({ url: URL, body: notification() })],
    ['a tampered JWT', async () => { const jwt = await jwtOf(notification()); return signedRequest(notification(), `${jwt.slice(0, -3)}abc`); }],
    ['HS512 instead of HS256', async () => signedRequest(notification(), await jwtOf(notification(), SECRET, 'HS512'))],
    ['an unsigned JWT (alg none)', async () => signedRequest(notification(), `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(notification())).toString('base64url')}.`)],
    ['an expired JWT', async () => signedRequest(notification(), await new SignJWT(notification()).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) - 600).sign(new TextEncoder().encode(SECRET)))],
    ['a garbage header', async () => signedRequest(notification(), '\u0000garbage')],
    ['an oversized header', async () => signedRequest(notification(), 'e'.repeat(20_000))],
    ['the right token but no JWT', async () => receiptRequest({ url: `${URL}?token=${TOKEN}`, body: notification() })],
  ])('%s → forged', async (_name, request) => {
    await expect(signedVerifier().verify(await request())).resolves.toEqual({ ok: false, reason: 'signature' });
  });

  it('an authentic notification of the wrong shape → malformed', async () => {
    await expect(signedVerifier().verify(await signedRequest({ msisdn: 4587654321, status: 'DELIVERED' }))).resolves.toEqual({ ok: false, reason: 'malformed' });
    await expect(signedVerifier().verify(await signedRequest(notification({ id: 'abc' })))).resolves.toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('gatewayapi-sms statuses', () => {
  it.each([
    ['DELIVERED', {}, { status: 'delivered' }],
    ['UNDELIVERABLE', { code: '0x0215', error: 'Recipient blacklisted +4587654321' }, { status: 'undelivered', code: '0x0215' }],
    ['REJECTED', {}, { status: 'undelivered', code: 'REJECTED' }],
    ['EXPIRED', {}, { status: 'undelivered', code: 'EXPIRED' }],
    ['BUFFERED', {}, { status: 'deferred' }],
    ['ENROUTE', {}, { status: 'deferred' }],
    ['ACCEPTED', {}, { status: 'deferred' }],
  ])('%s → %j', async (status, extra, expected) => {
    const verdict = await signedVerifier().verify(await signedRequest(notification({ status, ...extra })));
    expect(verdict).toEqual({ ok: true, receipts: [{ providerMessageId: '1000001', at: 1450000000_000, ...expected }] });
    expect(JSON.stringify(verdict)).not.toMatch(/4587654321|foobar|blacklisted/);
  });

  it.each(['SCHEDULED', 'UNKNOWN', 'SOMETHING_NEW'])('%s → no receipt', async (status) => {
    await expect(signedVerifier().verify(await signedRequest(notification({ status })))).resolves.toEqual({ ok: true, receipts: [] });
  });

  it('maps statuses by a table', () => {
    expect(Object.fromEntries(GATEWAYAPI_STATUSES)).toEqual({
      DELIVERED: 'delivered', UNDELIVERABLE: 'undelivered', REJECTED: 'undelivered', EXPIRED: 'undelivered', DELETED: 'undelivered', SKIPPED: 'undelivered',
      ENROUTE: 'deferred', BUFFERED: 'deferred', ACCEPTED: 'deferred',
    });
  });
});

describe('gatewayapi-sms token webhooks', () => {
  it('reads the documented notification when ?token= matches', async () => {
    const verdict = await tokenVerifier().verify(receiptRequest({ url: `${URL}?token=${TOKEN}`, body: notification() }));
    expect(verdict).toEqual({ ok: true, receipts: [{ providerMessageId: '1000001', status: 'delivered', at: 1450000000_000 }] });
  });

  it.each([
    ['a wrong token', `${URL}?token=${TOKEN.replace('0', '1')}`],
    ['no token', URL],
    ['the token in another parameter', `${URL}?t=${TOKEN}`],
  ])('%s → forged', async (_name, url) => {
    await expect(tokenVerifier().verify(receiptRequest({ url, body: notification() }))).resolves.toEqual({ ok: false, reason: 'signature' });
  });

  it.each([['garbage', Buffer.from([0xff, 0x00])], ['broken JSON', '{"id": '], ['a JSON array', '[1,2]'], ['oversized', `{"id": "${'9'.repeat(300_000)}"}`]])('%s → malformed', async (_name, body) => {
    await expect(tokenVerifier().verify(receiptRequest({ url: `${URL}?token=${TOKEN}`, body }))).resolves.toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('gatewayapi-sms receipts block', () => {
  it.each([{ secret: SECRET }, { token: TOKEN }])('accepts %j', (block) => {
    expect(gatewayApiSmsReceiptsSchema.safeParse(block).success).toBe(true);
  });

  it.each([{}, { secret: SECRET, token: TOKEN }, { secret: 'secret' }, { token: 'short' }, { secret: SECRET, extra: 1 }])('refuses %j', (block) => {
    expect(gatewayApiSmsReceiptsSchema.safeParse(block).success).toBe(false);
  });

  it('is the provider definition\'s receipts', () => {
    expect(gatewayapiSmsProvider.receipts).toBe(gatewayApiSmsReceipts);
  });
});

describe('gatewayapi-sms per-message callback_url', () => {
  const sent = { status: 200, body: { ids: [421332671], usage: { countries: { DK: 1 }, currency: 'DKK', total_cost: 0.12 } } };
  const deps = (receipts?: unknown) => ({ name: 'main', channel: 'sms' as const, logger: pino({ level: 'silent' }), ...(receipts === undefined ? {} : { receipts }) });
  const message = smsMessage({ to: '+4512345678', content: { kind: 'sms', text: 'Your sign-in code is 123456' } });
  const create = (url: string, receipts?: unknown) =>
    instantiate(gatewayapiSmsProvider, gatewayapiSmsProvider.configSchema.parse({ endpoint: `${url}/rest/mtsms`, apiToken: 'api-token', sender: 'ExampleSMS' }), deps(receipts));
  const token = withStandIn(sent, (url) => create(url, { token: TOKEN }));
  const signed = withStandIn(sent, (url) => create(url, { secret: SECRET }));

  it('with a token block: callback_url is ctx.receiptUrl with ?token=', async () => {
    await token.provider.send(message, { ...ctx(), receiptUrl: URL });
    expect(JSON.parse(token.lastRequest().body)).toMatchObject({ callback_url: `${URL}?token=${TOKEN}`, recipients: [{ msisdn: 4512345678 }] });
  });

  it('without a receipt URL, or with a signed webhook: no callback_url (the webhook set in GatewayAPI applies)', async () => {
    await token.provider.send(message, ctx());
    expect(JSON.parse(token.lastRequest().body)).not.toHaveProperty('callback_url');
    await signed.provider.send(message, { ...ctx(), receiptUrl: URL });
    expect(JSON.parse(signed.lastRequest().body)).not.toHaveProperty('callback_url');
  });
});
