import { randomBytes } from 'node:crypto';
import { Models } from 'postmark';
import { describe, expect, it } from 'vitest';
import { postmarkProvider } from '../../src/providers/postmark/index.js';
import { POSTMARK_BOUNCE_TYPES, postmarkOutcome, postmarkReceipts, postmarkReceiptsSchema } from '../../src/providers/postmark/receipts.js';
import type { PostmarkConfig } from '../../src/providers/postmark/config.js';
import { receiptRequest, receiptTools } from './support.js';

/** Postmark's documented Delivery webhook sample (developer docs, "Delivery webhook"). */
const DELIVERY = {
  RecordType: 'Delivery',
  ServerID: 23,
  MessageStream: 'outbound',
  MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
  Recipient: 'john@example.com',
  Tag: 'welcome-email',
  DeliveredAt: '2014-08-01T13:28:10.2735393-04:00',
  Details: 'Test delivery webhook details',
  Metadata: { a_key: 'a_value', b_key: 'b_value' },
};

/** Postmark's documented Bounce webhook sample ("Bounce webhook"), verbatim: its `ID` is past 2^53. */
const BOUNCE_TEXT = `{
  "RecordType": "Bounce",
  "MessageStream": "outbound",
  "ID": 4323372036854775807,
  "Type": "HardBounce",
  "TypeCode": 1,
  "Name": "Hard bounce",
  "Tag": "Test",
  "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
  "Metadata" : {
    "a_key" : "a_value",
    "b_key": "b_value"
   },
  "ServerID": 23,
  "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
  "Details": "Test bounce details",
  "Email": "john@example.com",
  "From": "sender@example.com",
  "BouncedAt": "2019-11-05T16:33:54.9070259Z",
  "DumpAvailable": true,
  "Inactive": true,
  "CanActivate": true,
  "Subject": "Test subject",
  "Content": "<Full dump of bounce>"
}`;
const BOUNCE = JSON.parse(BOUNCE_TEXT) as Record<string, unknown>;

/** Postmark's documented SpamComplaint webhook sample ("Spam complaint webhook"). */
const SPAM_COMPLAINT = {
  ...BOUNCE,
  RecordType: 'SpamComplaint',
  Type: 'SpamComplaint',
  TypeCode: 100001,
  Name: 'Spam complaint',
  Description: 'The subscriber explicitly marked this message as spam.',
  Details: 'Test spam complaint details',
  Inactive: true,
  CanActivate: false,
};

const config: PostmarkConfig = { serverToken: 'server-token', fromEmail: 'no-reply@acme.test' };
const tools = receiptTools();

/** What Postmark sends for a webhook URL `https://<user>:<password>@host/…`. */
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const CURRENT = basic('postmark', randomBytes(16).toString('hex'));
const PREVIOUS = basic('postmark', randomBytes(16).toString('hex'));

const verifier = (authorization: string | string[] = CURRENT) => postmarkReceipts.create(postmarkReceiptsSchema.parse({ authorization }), config, tools);
/** `authorization: null` sends no Authorization header. */
const verify = (body: unknown, authorization: string | null = CURRENT, accepted?: string | string[]) =>
  verifier(accepted).verify(receiptRequest({ body, headers: authorization === null ? {} : { Authorization: authorization } }));

const FORGED = { ok: false, reason: 'signature' };
const MALFORMED = { ok: false, reason: 'malformed' };

describe('postmark receipts: authorization', () => {
  it('accepts the configured Authorization value, or any of several (rotation)', async () => {
    await expect(verify(DELIVERY)).resolves.toMatchObject({ ok: true });
    await expect(verify(DELIVERY, PREVIOUS, [CURRENT, PREVIOUS])).resolves.toMatchObject({ ok: true });
    await expect(verify(DELIVERY, 'Bearer a-custom-header-token-1234', ['Bearer a-custom-header-token-1234'])).resolves.toMatchObject({ ok: true });
  });

  it('refuses a missing, wrong or near-miss Authorization', async () => {
    await expect(verify(DELIVERY, null)).resolves.toEqual(FORGED);
    await expect(verify(DELIVERY, '')).resolves.toEqual(FORGED);
    await expect(verify(DELIVERY, PREVIOUS)).resolves.toEqual(FORGED);
    await expect(verify(DELIVERY, `${CURRENT} `)).resolves.toEqual(FORGED);
    await expect(verify(DELIVERY, CURRENT.toLowerCase())).resolves.toEqual(FORGED);
  });

  it('checks authorization before reading the body', async () => {
    await expect(verify('not json', PREVIOUS)).resolves.toEqual(FORGED);
    await expect(verify(randomBytes(2048), null)).resolves.toEqual(FORGED);
  });
});

describe('postmark receipts: bodies', () => {
  it('maps the documented Delivery, Bounce and SpamComplaint samples', async () => {
    const providerMessageId = '883953f4-6105-42a2-a16a-77a8eac79483';
    await expect(verify(DELIVERY)).resolves.toEqual({ ok: true, receipts: [{ providerMessageId, status: 'delivered', at: Date.parse('2014-08-01T13:28:10.273-04:00') }] });
    await expect(verify(BOUNCE_TEXT)).resolves.toEqual({
      ok: true,
      receipts: [{ providerMessageId, status: 'undelivered', permanent: true, code: 'HardBounce', at: Date.parse('2019-11-05T16:33:54.907Z') }],
    });
    await expect(verify(SPAM_COMPLAINT)).resolves.toEqual({ ok: true, receipts: [{ providerMessageId, status: 'complained', code: 'SpamComplaint', at: Date.parse('2019-11-05T16:33:54.907Z') }] });
  });

  it('soft bounces and delays', async () => {
    await expect(verify({ ...BOUNCE, Type: 'SoftBounce', TypeCode: 4096 })).resolves.toMatchObject({ ok: true, receipts: [{ status: 'undelivered', permanent: false, code: 'SoftBounce' }] });
    await expect(verify({ ...BOUNCE, Type: 'Transient', TypeCode: 2 })).resolves.toMatchObject({ ok: true, receipts: [{ status: 'deferred', code: 'Transient' }] });
    await expect(verify({ ...BOUNCE, Type: 'AutoResponder', TypeCode: 64 })).resolves.toEqual({ ok: true, receipts: [] });
  });

  it('records that are not about delivery yield no receipt', async () => {
    const open = { RecordType: 'Open', MessageID: 'f4830d10-9c35-4f0c-bca3-3d9b459821f8', FirstOpen: true, ReceivedAt: '2016-04-27T16:21:41.2493688-04:00' };
    await expect(verify(open)).resolves.toEqual({ ok: true, receipts: [] });
    await expect(verify({ ...open, RecordType: 'SubscriptionChange' })).resolves.toEqual({ ok: true, receipts: [] });
  });

  it('never throws: authentic but unreadable bodies are malformed', async () => {
    for (const body of ['not json', randomBytes(4096), 'x'.repeat(1 << 20), '[]', 'null', JSON.stringify([DELIVERY]), '{"MessageID":"a"}']) {
      await expect(verify(body)).resolves.toEqual(MALFORMED);
    }
    const { MessageID: _id, ...noId } = BOUNCE;
    await expect(verify(noId)).resolves.toEqual(MALFORMED);
  });

  it('keeps free text out of the code', async () => {
    const verdict = await verify({ ...BOUNCE, Type: 'HardBounce (john@example.com)', TypeCode: 1 });
    expect(verdict).toMatchObject({ ok: true, receipts: [{ status: 'undelivered', permanent: true, code: '1' }] });
    expect(JSON.stringify(verdict)).not.toContain('john@example.com');
  });
});

describe('postmark receipts: tables and schema', () => {
  it.each([
    ['HardBounce', 1, { status: 'undelivered', permanent: true }],
    ['Transient', 2, { status: 'deferred' }],
    ['Unsubscribe', 16, undefined],
    ['Subscribe', 32, undefined],
    ['AutoResponder', 64, undefined],
    ['AddressChange', 128, undefined],
    ['DnsError', 256, { status: 'deferred' }],
    ['SpamNotification', 512, { status: 'undelivered', permanent: false }],
    ['OpenRelayTest', 1024, undefined],
    ['Unknown', 2048, undefined],
    ['SoftBounce', 4096, { status: 'undelivered', permanent: false }],
    ['VirusNotification', 8192, undefined],
    ['ChallengeVerification', 16384, undefined],
    ['BadEmailAddress', 100000, { status: 'undelivered', permanent: true }],
    ['SpamComplaint', 100001, { status: 'complained' }],
    ['ManuallyDeactivated', 100002, { status: 'undelivered', permanent: true }],
    ['Unconfirmed', 100003, undefined],
    ['Blocked', 100006, { status: 'undelivered', permanent: false }],
    ['SMTPApiError', 100007, { status: 'undelivered', permanent: false }],
    ['InboundError', 100008, undefined],
    ['DMARCPolicy', 100009, { status: 'undelivered', permanent: false }],
    ['TemplateRenderingFailed', 100010, { status: 'undelivered', permanent: false }],
  ])('Bounce %s (%i) → %j, by name and by code', (type, typeCode, expected) => {
    expect(postmarkOutcome('Bounce', type, typeCode)).toEqual(expected);
    expect(postmarkOutcome('Bounce', undefined, typeCode)).toEqual(expected);
    expect(postmarkOutcome('Bounce', type)).toEqual(expected);
  });

  it('record types', () => {
    expect(postmarkOutcome('Delivery')).toEqual({ status: 'delivered' });
    expect(postmarkOutcome('SpamComplaint', 'SpamComplaint', 100001)).toEqual({ status: 'complained' });
    for (const other of ['Open', 'Click', 'SubscriptionChange', 'Inbound']) expect(postmarkOutcome(other)).toBeUndefined();
  });

  it('the table’s names and codes are Postmark’s (the SDK’s BounceTypeCode)', async () => {
    const codes: Record<string, unknown> = Models.BounceTypeCode;
    for (const [type, code] of POSTMARK_BOUNCE_TYPES) expect(codes[type]).toBe(code);
  });

  it('requires authorization: one value or several, none short, nothing else', () => {
    expect(postmarkReceiptsSchema.safeParse({ authorization: CURRENT }).success).toBe(true);
    expect(postmarkReceiptsSchema.safeParse({ authorization: [CURRENT, PREVIOUS] }).success).toBe(true);
    expect(postmarkReceiptsSchema.safeParse({}).success).toBe(false);
    expect(postmarkReceiptsSchema.safeParse({ authorization: [] }).success).toBe(false);
    expect(postmarkReceiptsSchema.safeParse({ authorization: 'Basic YTpi' }).success).toBe(false);
    expect(postmarkReceiptsSchema.safeParse({ authorization: [CURRENT, 'short'] }).success).toBe(false);
    expect(postmarkReceiptsSchema.safeParse({ authorization: CURRENT, token: 'x'.repeat(20) }).success).toBe(false);
  });

  it('is the provider’s receipts', () => {
    expect(postmarkProvider.receipts).toBe(postmarkReceipts);
  });
});
