import { describe, expect, it } from 'vitest';
import { vonageSmsProvider } from '../../src/providers/vonage-sms/index.js';
import {
  VONAGE_DLR_STATUSES, VONAGE_SIGNATURE_METHODS, vonageSignature, vonageSmsReceipts, vonageSmsReceiptsSchema, type VonageSignatureMethod,
} from '../../src/providers/vonage-sms/receipts.js';
import { receiptRequest, receiptTools } from './support.js';

const SECRET = 'vonage-signature-secret-0123456789';
const URL = 'https://otp.example.com/v1/receipts/sms/main';
const config = vonageSmsProvider.configSchema.parse({ apiKey: 'abcd1234', apiSecret: 'VonageSecret123', brandName: 'AcmeInc' });
const tools = receiptTools();
const verifier = (signatureMethod?: VonageSignatureMethod) =>
  vonageSmsReceipts.create(vonageSmsReceiptsSchema.parse({ signatureSecret: SECRET, ...(signatureMethod ? { signatureMethod } : {}) }), config, tools);

let nonces = 0;
/** The delivery receipt of Vonage's SMS API reference (its `sig` there is over a secret we do not have). */
const dlr = (now: number, extra: Record<string, string> = {}): Record<string, string> => ({
  msisdn: '447700900000',
  to: 'AcmeInc',
  'network-code': '12345',
  messageId: '0A0000001234567B',
  price: '0.03330000',
  status: 'delivered',
  scts: '2001011400',
  'err-code': '0',
  'api-key': 'abcd1234',
  'client-ref': 'my-personal-reference',
  'message-timestamp': '2020-01-01 12:00:00 +0000',
  timestamp: String(Math.floor(now / 1000)),
  nonce: `ec11dd3e-1e7f-4db5-9467-${String(++nonces).padStart(12, '0')}`,
  ...extra,
});

const withSig = (params: Record<string, string>, method: VonageSignatureMethod = 'md5hash', secret = SECRET): Record<string, string> => ({ ...params, sig: vonageSignature(params, secret, method).toUpperCase() });

const asForm = (params: Record<string, string>, now = Date.now()) => receiptRequest({ url: URL, now, body: new URLSearchParams(params).toString() });
const asJson = (params: Record<string, string | number>, now = Date.now()) => receiptRequest({ url: URL, now, body: params });
const asQuery = (params: Record<string, string>, now = Date.now()) => receiptRequest({ url: `${URL}?${new URLSearchParams(params).toString()}`, now });

describe('vonage-sms signing', () => {
  /** The test vectors of Vonage's Node SDK (`@vonage/sms` verifySignature), one per method. */
  const SDK = {
    params: { 'message-timestamp': '2013-11-21 15:27:30', messageId: '020000001B0FE827', msisdn: '14843472194', text: 'Test again', timestamp: '1385047698', to: '13239877404', type: 'text' },
    secret: 'my_secret_key_for_testing',
    signatures: {
      md5hash: 'd2e7b1dc968737c5998ad624e02f90b7',
      md5: 'DDEBD46008C2D4E93CCE578A332A52D5',
      sha1: '27D0D05C2876C7CB1720DBCDBA4D492E1E55C09A',
      sha256: 'DDB8397C2B90AAC7F3882D306475C9A5058C92322EEF43C92B298B6E0FC0D330',
      sha512: 'E0D3C650F8C9D1A5C174D10DDDBFB003E561F59B265616208B0487C5D819481CD3C311D59CF6165ECD1139622D5BA3A256C0D763AC4A9AD9144B5A426B94FE82',
    } satisfies Record<VonageSignatureMethod, string>,
  };

  it.each(VONAGE_SIGNATURE_METHODS)('%s matches the Vonage SDK test vector', (method) => {
    expect(vonageSignature(SDK.params, SDK.secret, method)).toBe(SDK.signatures[method].toLowerCase());
  });

  it.each(VONAGE_SIGNATURE_METHODS)('a request signed with %s by the SDK vector is authentic (at its own timestamp)', async (method) => {
    const receipts = vonageSmsReceipts.create(vonageSmsReceiptsSchema.parse({ signatureSecret: SDK.secret, signatureMethod: method }), config, tools);
    const verdict = await receipts.verify(asForm({ ...SDK.params, sig: SDK.signatures[method] }, 1385047698_000));
    expect(verdict).toEqual({ ok: false, reason: 'malformed' }); // an inbound SMS, not a DLR: authentic, but no status
  });

  it('ignores sig itself and replaces & and = inside values', () => {
    const a = vonageSignature({ a: 'x&y=z', b: '1' }, 's', 'sha256');
    expect(vonageSignature({ a: 'x_y_z', b: '1', sig: 'whatever' }, 's', 'sha256')).toBe(a);
  });
});

describe('vonage-sms delivery receipts', () => {
  it.each([
    ['form (POST)', asForm],
    ['JSON (POST-JSON)', asJson],
    ['query (GET)', asQuery],
  ] as const)('reads the documented DLR as %s', async (_how, build) => {
    const now = Date.now();
    const verdict = await verifier().verify(build(withSig(dlr(now)), now));
    expect(verdict).toEqual({ ok: true, receipts: [{ providerMessageId: '0A0000001234567B', status: 'delivered', at: Date.UTC(2020, 0, 1, 12) }] });
  });

  it('verifies with the method the block names', async () => {
    const now = Date.now();
    await expect(verifier('sha256').verify(asForm(withSig(dlr(now), 'sha256'), now))).resolves.toMatchObject({ ok: true });
    await expect(verifier('sha256').verify(asForm(withSig(dlr(now), 'md5hash'), now))).resolves.toEqual({ ok: false, reason: 'signature' });
  });

  it('takes JSON numbers as the strings Vonage signed', async () => {
    const now = Date.now();
    const params = withSig(dlr(now));
    await expect(verifier().verify(asJson({ ...params, timestamp: Number(params.timestamp) }, now))).resolves.toMatchObject({ ok: true });
  });

  it.each([
    ['delivered', '0', { status: 'delivered' }],
    ['failed', '1', { status: 'undelivered', code: '1' }],
    ['rejected', '6', { status: 'undelivered', code: '6' }],
    ['expired', '5', { status: 'undelivered', code: '5' }],
    ['buffered', '0', { status: 'deferred' }],
    ['accepted', '0', { status: 'deferred' }],
  ])('%s (err-code %s) → %j', async (status, errCode, expected) => {
    const now = Date.now();
    const verdict = await verifier().verify(asForm(withSig(dlr(now, { status, 'err-code': errCode, 'message-timestamp': '2020-01-01 12:00:00' })), now));
    expect(verdict).toEqual({ ok: true, receipts: [{ providerMessageId: '0A0000001234567B', at: Date.UTC(2020, 0, 1, 12), ...expected }] });
  });

  it('unknown (and anything new) says nothing: no receipt', async () => {
    const now = Date.now();
    await expect(verifier().verify(asForm(withSig(dlr(now, { status: 'unknown' })), now))).resolves.toEqual({ ok: true, receipts: [] });
  });

  it('maps statuses by a table', () => {
    expect(Object.fromEntries(VONAGE_DLR_STATUSES)).toEqual({
      delivered: 'delivered', failed: 'undelivered', rejected: 'undelivered', expired: 'undelivered', accepted: 'deferred', buffered: 'deferred',
    });
  });
});

describe('vonage-sms refuses', () => {
  const now = Date.now();

  it.each([
    ['a wrong signature', () => asForm(withSig(dlr(now), 'md5hash', 'another-secret-0123456789'), now)],
    ['a missing signature', () => asForm(dlr(now), now)],
    ['a tampered status', () => asForm({ ...withSig(dlr(now)), status: 'failed' }, now)],
    ['an old timestamp', () => asForm(withSig(dlr(now - 301_000)), now)],
    ['a timestamp from the future', () => asForm(withSig(dlr(now + 301_000)), now)],
    ['no timestamp', () => { const { timestamp: _t, ...rest } = dlr(now); return asForm(withSig(rest), now); }],
    ['garbage', () => receiptRequest({ url: URL, now, body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) })],
    ['broken JSON', () => receiptRequest({ url: URL, now, body: '{"sig": ' })],
    ['JSON of the wrong shape', () => receiptRequest({ url: URL, now, body: { sig: { nested: true } } })],
    ['an oversized body', () => receiptRequest({ url: URL, now, body: `sig=${'a'.repeat(400_000)}` })],
  ])('%s → forged', async (_name, request) => {
    await expect(verifier().verify(request())).resolves.toEqual({ ok: false, reason: 'signature' });
  });

  it('a reused nonce → forged, the first use stands', async () => {
    const params = withSig(dlr(now));
    await expect(verifier().verify(asForm(params, now))).resolves.toMatchObject({ ok: true });
    await expect(verifier().verify(asForm(params, now))).resolves.toEqual({ ok: false, reason: 'signature' });
  });

  it('an authentic DLR of the wrong shape → malformed', async () => {
    await expect(verifier().verify(asForm(withSig(dlr(now, { messageId: 'not an id!' })), now))).resolves.toEqual({ ok: false, reason: 'malformed' });
    const { status: _s, ...noStatus } = dlr(now);
    await expect(verifier().verify(asForm(withSig(noStatus), now))).resolves.toEqual({ ok: false, reason: 'malformed' });
  });

  it('never puts the number or the client reference in a verdict', async () => {
    const verdict = await verifier().verify(asForm(withSig(dlr(now, { status: 'failed', 'err-code': '1' })), now));
    expect(JSON.stringify(verdict)).not.toMatch(/447700900000|my-personal-reference|abcd1234/);
  });
});

describe('vonage-sms receipts block', () => {
  it('takes a signature secret and a method, md5hash by default', () => {
    expect(vonageSmsReceiptsSchema.parse({ signatureSecret: SECRET })).toEqual({ signatureSecret: SECRET, signatureMethod: 'md5hash' });
    expect(vonageSmsReceiptsSchema.parse({ signatureSecret: SECRET, signatureMethod: 'sha512' }).signatureMethod).toBe('sha512');
  });

  it.each([{}, { signatureSecret: 'short' }, { signatureSecret: SECRET, signatureMethod: 'sha384' }, { signatureSecret: SECRET, token: 'x' }])('refuses %j', (block) => {
    expect(vonageSmsReceiptsSchema.safeParse(block).success).toBe(false);
  });

  it('is the provider definition\'s receipts', () => {
    expect(vonageSmsProvider.receipts).toBe(vonageSmsReceipts);
  });
});
