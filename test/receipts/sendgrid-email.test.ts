import { createPublicKey, generateKeyPairSync, sign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sendgridEmailProvider } from '../../src/providers/sendgrid-email/index.js';
import {
  SENDGRID_EVENT_STATUS,
  sendgridEmailReceipts,
  sendgridMessageId,
  sendgridOutcome,
  sendgridReceiptsSchema,
} from '../../src/providers/sendgrid-email/receipts.js';
import { sendgridVendor } from '../../src/providers/sendgrid-email/request.js';
import type { SendgridEmailConfig } from '../../src/providers/sendgrid-email/config.js';
import { receiptRequest, receiptTools } from './support.js';

/**
 * SendGrid's published example (sendgrid/sendgrid-nodejs, packages/eventwebhook/src/eventwebhook.spec.js):
 * this key signed this timestamp + payload (with its trailing CRLF).
 */
const PUBLISHED = {
  publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==',
  signature: 'MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=',
  timestamp: '1600112502',
  payload: JSON.stringify([{
    email: 'hello@world.com',
    event: 'dropped',
    reason: 'Bounced Address',
    sg_event_id: 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA',
    sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0',
    'smtp-id': '<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>',
    timestamp: 1600112492,
  }]) + '\r\n',
};

/** The same spec's two-event example: a `processed` and a `bounce` of type `blocked`. */
const PUBLISHED_MULTIPLE = {
  publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQ4LIFtWztlsF7skFqOncjD1lun4H5w8XOhyOArHW9RcIx/FfEzx6cikC/yPfUvwaX/JScE7Fc9CJD2afQ9Ok3Q==',
  signature: 'MEYCIQC/I4o6vCgqRYrTljjoVWB/GRWNtxeePlLMHr3x9ETeRQIhAIpV+03nREPTTHWSW0wIOA0EoMPdcNgXa70yCaqDJlu5',
  timestamp: '1619651159',
  payload: JSON.stringify([
    { email: 'invalid@gmail.com', event: 'processed', send_at: 0, sg_event_id: 'cHJvY2Vzc2VkLTE5OTQyMTEyLXFOd0JMZ1BRUWpXNkRKdktRd1NBYnctMA', sg_message_id: 'qNwBLgPQQjW6DJvKQwSAbw.filterdrecv-canary-547b64655b-cw6zx-1-6089EA4A-56.0', 'smtp-id': '<qNwBLgPQQjW6DJvKQwSAbw@ismtpd0178p1mdw1.sendgrid.net>', timestamp: 1619651146 },
    { email: 'invalid@gmail.com', event: 'bounce', ip: '167.89.101.76', reason: '552 5.2.2 The email account that you tried to reach is over quota and inactive. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm c17si1130468pgv.34 - gsmtp', sg_event_id: 'Ym91bmNlLTAtMTk5NDIxMTItcU53QkxnUFFRalc2REp2S1F3U0Fidy0w', sg_message_id: 'qNwBLgPQQjW6DJvKQwSAbw.filterdrecv-canary-547b64655b-cw6zx-1-6089EA4A-56.0', 'smtp-id': '<qNwBLgPQQjW6DJvKQwSAbw@ismtpd0178p1mdw1.sendgrid.net>', status: '5.2.2', timestamp: 1619651147, tls: 1, type: 'blocked' },
  ]).split('},{').join('},\r\n{') + '\r\n',
};

/** SendGrid's documented sample batch (Event Webhook "Test Your Integration"), the delivery events of it. */
const base = { email: 'example@test.com', timestamp: 1664123380, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>', category: ['cat facts'], sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0' };
const SAMPLE_BATCH = [
  { ...base, event: 'processed', sg_event_id: 'rbtnWrG1DVDGGGFHFyun0A==' },
  { ...base, event: 'deferred', sg_event_id: 'rbtnWrG1DVDGGGFHFyun0A==', response: '400 try again later', attempt: '5' },
  { ...base, event: 'delivered', sg_event_id: 'vC8wJnv4_2PRpRRY9VcZsg==', response: '250 OK' },
  { ...base, event: 'open', sg_event_id: '6_LJGllWCDMwzfCIlYHKCA==', useragent: 'Mozilla/4.0', ip: '255.255.255.255' },
  { ...base, event: 'bounce', sg_event_id: 'Qn_R5pH5Z4napfBubqGi7Q==', reason: '500 unknown recipient', status: '5.0.0' },
  { ...base, event: 'dropped', sg_event_id: 'X1ADYFP3kM5id94plECz3w==', reason: 'Bounced Address', status: '5.0.0' },
  { ...base, event: 'spamreport', sg_event_id: 'WK_OfaHiqnKFvzFy6vGETw==' },
  { ...base, event: 'unsubscribe', sg_event_id: 'cFDjKZsZIHT2m4aO8IUW3g==' },
];

const config: SendgridEmailConfig = { apiKey: 'SG.test', fromEmail: 'no-reply@acme.test' };
const keyPair = (namedCurve = 'prime256v1') => generateKeyPairSync('ec', { namedCurve });
const derBase64 = (key: KeyObject): string => key.export({ format: 'der', type: 'spki' }).toString('base64');

/** Signs as SendGrid does: ECDSA P-256 / SHA-256 over timestamp + raw body, DER, base64. */
const signAsSendgrid = (privateKey: KeyObject, timestamp: string, body: string): string =>
  sign('sha256', Buffer.from(timestamp + body, 'utf8'), privateKey).toString('base64');

const ours = keyPair();
const tools = receiptTools();
const nowSeconds = () => String(Math.floor(Date.now() / 1000));

const headers = (signature: string, timestamp: string) => ({ 'X-Twilio-Email-Event-Webhook-Signature': signature, 'X-Twilio-Email-Event-Webhook-Timestamp': timestamp });
const verifier = (publicKey = derBase64(ours.publicKey)) => sendgridEmailReceipts.create(sendgridReceiptsSchema.parse({ publicKey }), config, tools);
const signed = (body: string, { privateKey = ours.privateKey, timestamp = nowSeconds() } = {}) => ({ body, headers: headers(signAsSendgrid(privateKey, timestamp, body), timestamp) });
const verify = (parts: { body: string | Buffer; headers: Record<string, string> }, now = Date.now(), publicKey?: string) =>
  verifier(publicKey).verify(receiptRequest({ ...parts, now }));

const FORGED = { ok: false, reason: 'signature' };

describe('sendgrid-email receipts: signature', () => {
  it('accepts SendGrid’s published examples, through SendGrid’s library', async () => {
    const one = await verify({ body: PUBLISHED.payload, headers: headers(PUBLISHED.signature, PUBLISHED.timestamp) }, 1600112502_000, PUBLISHED.publicKey);
    expect(one).toEqual({ ok: true, receipts: [{ providerMessageId: 'LRzXl_NHStOGhQ4kofSm_A', status: 'undelivered', permanent: true, at: 1600112492_000 }] });
    const two = await verify({ body: PUBLISHED_MULTIPLE.payload, headers: headers(PUBLISHED_MULTIPLE.signature, PUBLISHED_MULTIPLE.timestamp) }, 1619651159_000, PUBLISHED_MULTIPLE.publicKey);
    expect(two).toEqual({ ok: true, receipts: [{ providerMessageId: 'qNwBLgPQQjW6DJvKQwSAbw', status: 'undelivered', permanent: false, code: '5.2.2', at: 1619651147_000 }] });
  });

  it('signs the way SendGrid does: node:crypto agrees with the published signature, and the library with ours', async () => {
    const publishedKey = createPublicKey({ key: Buffer.from(PUBLISHED.publicKey, 'base64'), format: 'der', type: 'spki' });
    expect(cryptoVerify('sha256', Buffer.from(PUBLISHED.timestamp + PUBLISHED.payload), publishedKey, Buffer.from(PUBLISHED.signature, 'base64'))).toBe(true);
    await expect(verify(signed(JSON.stringify(SAMPLE_BATCH)))).resolves.toMatchObject({ ok: true });
  });

  it('refuses a wrong, missing, undecodable or other-key signature, and a changed body', async () => {
    const body = JSON.stringify(SAMPLE_BATCH);
    const good = signed(body);
    await expect(verify(signed(body, { privateKey: keyPair().privateKey }))).resolves.toEqual(FORGED);
    await expect(verify({ body, headers: {} })).resolves.toEqual(FORGED);
    await expect(verify({ body, headers: { 'X-Twilio-Email-Event-Webhook-Timestamp': nowSeconds() } })).resolves.toEqual(FORGED);
    await expect(verify({ body, headers: headers('!!not base64!!', nowSeconds()) })).resolves.toEqual(FORGED);
    await expect(verify({ body, headers: headers('MAYCAQACAQA=', nowSeconds()) })).resolves.toEqual(FORGED);
    await expect(verify({ body: body.replace('delivered', 'bounce'), headers: good.headers })).resolves.toEqual(FORGED);
    await expect(verify(good, Date.now(), derBase64(keyPair().publicKey))).resolves.toEqual(FORGED);
  });

  it('refuses a timestamp more than 5 minutes away, or one the signature does not cover', async () => {
    const body = JSON.stringify(SAMPLE_BATCH);
    const now = Date.now();
    const at = (offset: number) => String(Math.floor(now / 1000) + offset);
    await expect(verify(signed(body, { timestamp: at(-301) }), now)).resolves.toEqual(FORGED);
    await expect(verify(signed(body, { timestamp: at(301) }), now)).resolves.toEqual(FORGED);
    await expect(verify(signed(body, { timestamp: at(-290) }), now)).resolves.toMatchObject({ ok: true });
    const old = signed(body, { timestamp: at(-1000) });
    await expect(verify({ body, headers: { ...old.headers, 'X-Twilio-Email-Event-Webhook-Timestamp': at(0) } }, now)).resolves.toEqual(FORGED);
  });
});

describe('sendgrid-email receipts: bodies', () => {
  it('maps SendGrid’s sample batch to receipts for the send’s X-Message-Id', async () => {
    const verdict = await verify(signed(JSON.stringify(SAMPLE_BATCH)));
    const id = '14c5d75ce93.dfd.64b469';
    const at = 1664123380_000;
    expect(verdict).toEqual({
      ok: true,
      receipts: [
        { providerMessageId: id, status: 'deferred', at },
        { providerMessageId: id, status: 'delivered', at },
        { providerMessageId: id, status: 'undelivered', permanent: true, code: '5.0.0', at },
        { providerMessageId: id, status: 'undelivered', permanent: true, code: '5.0.0', at },
        { providerMessageId: id, status: 'complained', at },
      ],
    });
  });

  it('gives the id the send returned', () => {
    const sent = sendgridVendor(config).reply({ status: 202, headers: { 'x-message-id': 'LRzXl_NHStOGhQ4kofSm_A' }, body: '' });
    expect(sendgridMessageId('LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0')).toBe(sent.providerMessageId);
    expect(sendgridMessageId('LRzXl_NHStOGhQ4kofSm_A.0.0')).toBe('LRzXl_NHStOGhQ4kofSm_A');
    expect(sendgridMessageId('plain')).toBe('plain');
  });

  it('never throws: unsigned garbage is forged, signed garbage malformed', async () => {
    for (const body of ['not json', randomGarbage(4096), 'x'.repeat(1 << 20)]) {
      await expect(verify({ body, headers: {} })).resolves.toEqual(FORGED);
      await expect(verify({ body, headers: headers('MEUCIGHQVtGj', nowSeconds()) })).resolves.toEqual(FORGED);
    }
    for (const body of ['not json', '{"event":"delivered"}', '[1,2]', '[{"sg_message_id":"a.b"}]', 'null']) {
      await expect(verify(signed(body))).resolves.toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('skips events it cannot match, keeps the rest, and keeps free text out of codes', async () => {
    const batch = [{ event: 'delivered', timestamp: 1 }, { event: 'bounce', sg_message_id: 'm1.filter0', status: '550 mailbox example@test.com unknown', reason: 'x' }];
    const verdict = await verify(signed(JSON.stringify(batch)));
    expect(verdict).toEqual({ ok: true, receipts: [{ providerMessageId: 'm1', status: 'undelivered', permanent: true }] });
  });
});

describe('sendgrid-email receipts: tables and schema', () => {
  it.each([
    ['delivered', undefined, { status: 'delivered' }],
    ['bounce', 'bounce', { status: 'undelivered', permanent: true }],
    ['bounce', 'blocked', { status: 'undelivered', permanent: false }],
    ['bounce', undefined, { status: 'undelivered', permanent: true }],
    ['bounce', 'new-kind', { status: 'undelivered', permanent: true }],
    ['dropped', undefined, { status: 'undelivered', permanent: true }],
    ['deferred', undefined, { status: 'deferred' }],
    ['spamreport', undefined, { status: 'complained' }],
    ['processed', undefined, undefined],
    ['open', undefined, undefined],
    ['click', undefined, undefined],
    ['unsubscribe', undefined, undefined],
    ['group_unsubscribe', undefined, undefined],
  ])('%s (%s) → %j', (event, type, expected) => {
    expect(sendgridOutcome(event, type)).toEqual(expected);
  });

  it('the table holds only delivery events', () => {
    expect([...SENDGRID_EVENT_STATUS.keys()].sort()).toEqual(['bounce', 'bounce:blocked', 'bounce:bounce', 'deferred', 'delivered', 'dropped', 'spamreport']);
  });

  it('takes a base64 DER P-256 public key, and nothing else', () => {
    expect(sendgridReceiptsSchema.safeParse({ publicKey: PUBLISHED.publicKey }).success).toBe(true);
    expect(sendgridReceiptsSchema.safeParse({ publicKey: derBase64(ours.publicKey) }).success).toBe(true);
    expect(sendgridReceiptsSchema.safeParse({}).success).toBe(false);
    expect(sendgridReceiptsSchema.safeParse({ publicKey: 'not a key' }).success).toBe(false);
    expect(sendgridReceiptsSchema.safeParse({ publicKey: derBase64(keyPair('secp384r1').publicKey) }).success).toBe(false);
    expect(sendgridReceiptsSchema.safeParse({ publicKey: derBase64(keyPair('secp256k1').publicKey) }).success).toBe(false);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(sendgridReceiptsSchema.safeParse({ publicKey: derBase64(rsa) }).success).toBe(false);
    expect(sendgridReceiptsSchema.safeParse({ publicKey: PUBLISHED.publicKey, token: 'x'.repeat(20) }).success).toBe(false);
  });

  it('is the provider’s receipts', () => {
    expect(sendgridEmailProvider.receipts).toBe(sendgridEmailReceipts);
  });
});

function randomGarbage(size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i * 131 + 7) % 256));
}
