import { createHmac } from 'node:crypto';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { twilioSmsProvider } from '../../src/providers/twilio-sms/index.js';
import { TWILIO_MESSAGE_STATUSES, twilioSmsReceipts, twilioSmsReceiptsSchema } from '../../src/providers/twilio-sms/receipts.js';
import { receiptRequest, receiptTools } from './support.js';

const AUTH_TOKEN = 'twilio-auth-token-0123456789';
const URL = 'https://otp.example.com/v1/receipts/sms/main';
const SID = 'SM1342fe1b2c904d1ab04f0fc7a58abca9';

const config = (authToken = AUTH_TOKEN) =>
  twilioSmsProvider.configSchema.parse({ accountSID: 'AC0123456789abcdef0123456789abcdef', authToken, fromMessagingServiceSID: 'MG0123456789abcdef0123456789abcdef' });

const tools = receiptTools();
const verifier = (authToken = AUTH_TOKEN) => twilioSmsReceipts.create(twilioSmsReceiptsSchema.parse({}), config(authToken), tools);

/** Test-only: Twilio's scheme by hand, HMAC-SHA1 over the URL and each sorted name+value, base64. */
const sign = (authToken: string, url: string, params: Record<string, string>): string =>
  createHmac('sha1', authToken).update(Object.keys(params).sort().reduce((data, name) => data + name + (params[name] ?? ''), url), 'utf8').digest('base64');

/** A status callback as Twilio's messaging docs list its parameters. */
const callback = (status: string, extra: Record<string, string> = {}): Record<string, string> => ({
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
  ApiVersion: '2010-04-01',
  From: '+15017250604',
  MessageSid: SID,
  MessageStatus: status,
  MessagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
  SmsSid: SID,
  SmsStatus: status,
  To: '+15558675310',
  ...extra,
});

const signed = (params: Record<string, string>, { url = URL, token = AUTH_TOKEN, signature }: { url?: string; token?: string; signature?: string } = {}) =>
  receiptRequest({ url, body: new URLSearchParams(params).toString(), headers: { 'x-twilio-signature': signature ?? sign(token, url, params), 'content-type': 'application/x-www-form-urlencoded' } });

describe('twilio-sms signing', () => {
  /** Twilio's security docs: this URL, these POST parameters and auth token 12345 give this signature. */
  const DOC = {
    url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
    params: { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' },
    signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
  };

  it("reproduces Twilio's published example signature, as the twilio library does", () => {
    expect(sign('12345', DOC.url, DOC.params)).toBe(DOC.signature);
    expect(twilio.validateRequest('12345', DOC.signature, DOC.url, DOC.params)).toBe(true);
  });

  it('takes the published example as authentic (a voice webhook: no message status in it, so unreadable)', async () => {
    const verdict = await verifier('12345').verify(signed(DOC.params, { url: DOC.url, signature: DOC.signature }));
    expect(verdict).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('twilio-sms status callbacks', () => {
  it.each([
    ['delivered', {}, { status: 'delivered' }],
    ['read', {}, { status: 'delivered' }],
    ['undelivered', { ErrorCode: '30003' }, { status: 'undelivered', code: '30003' }],
    ['failed', { ErrorCode: '30008' }, { status: 'undelivered', code: '30008' }],
    ['sent', {}, { status: 'deferred' }],
  ])('%s → %j', async (status, extra, expected) => {
    const verdict = await verifier().verify(signed(callback(status, extra)));
    expect(verdict).toEqual({ ok: true, receipts: [{ providerMessageId: SID, ...expected }] });
  });

  it.each(['queued', 'accepted', 'sending', 'scheduled', 'something-new'])('%s is not about delivery: no receipt', async (status) => {
    await expect(verifier().verify(signed(callback(status)))).resolves.toEqual({ ok: true, receipts: [] });
  });

  it('keeps no free text and no number: only the sid, the status and the code', async () => {
    const verdict = await verifier().verify(signed(callback('undelivered', { ErrorCode: '30006', ErrorMessage: 'Landline or unreachable carrier +15558675310' })));
    expect(JSON.stringify(verdict)).not.toContain('+1555');
    expect(JSON.stringify(verdict)).not.toContain('Landline');
  });

  it('maps statuses by a table', () => {
    expect(Object.fromEntries(TWILIO_MESSAGE_STATUSES)).toEqual({
      delivered: 'delivered', read: 'delivered', undelivered: 'undelivered', failed: 'undelivered', canceled: 'undelivered', sent: 'deferred',
    });
  });
});

describe('twilio-sms refuses', () => {
  const params = callback('delivered');

  it.each([
    ['a wrong signature', signed(params, { signature: sign('another-token', URL, params) })],
    ['a missing signature', receiptRequest({ url: URL, body: new URLSearchParams(params).toString() })],
    ['an empty signature', signed(params, { signature: '' })],
    ['a signature for another URL (another connector)', receiptRequest({ url: URL, body: new URLSearchParams(params).toString(), headers: { 'x-twilio-signature': sign(AUTH_TOKEN, `${URL}-backup`, params) } })],
    ['a tampered parameter', receiptRequest({ url: URL, body: new URLSearchParams({ ...params, MessageStatus: 'failed' }).toString(), headers: { 'x-twilio-signature': sign(AUTH_TOKEN, URL, params) } })],
    ['a garbage body', receiptRequest({ url: URL, body: Buffer.from([0xff, 0x00, 0x13, 0x37]), headers: { 'x-twilio-signature': 'x' } })],
    ['an oversized body', receiptRequest({ url: URL, body: `MessageSid=${'A'.repeat(300_000)}`, headers: { 'x-twilio-signature': sign(AUTH_TOKEN, URL, params) } })],
  ])('%s → forged', async (_name, request) => {
    await expect(verifier().verify(request)).resolves.toEqual({ ok: false, reason: 'signature' });
  });

  it('an authentic callback of the wrong shape → malformed', async () => {
    await expect(verifier().verify(signed({ MessageSid: 'not a sid!', MessageStatus: 'delivered' }))).resolves.toEqual({ ok: false, reason: 'malformed' });
    await expect(verifier().verify(signed({ AccountSid: 'AC1' }))).resolves.toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('twilio-sms receipts block', () => {
  it('is empty: the config already has the auth token', () => {
    expect(twilioSmsReceiptsSchema.safeParse({}).success).toBe(true);
    expect(twilioSmsReceiptsSchema.safeParse({ authToken: 'x' }).success).toBe(false);
    expect(twilioSmsReceiptsSchema.safeParse(null).success).toBe(false);
  });

  it('is the provider definition\'s receipts', () => {
    expect(twilioSmsProvider.receipts).toBe(twilioSmsReceipts);
  });
});
