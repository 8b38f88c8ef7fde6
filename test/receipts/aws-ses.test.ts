import { generateKeyPairSync, createSign, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsSesReceipts, awsSesReceiptsSchema, DEFAULT_SUBSCRIBE_URL_PATTERN, SES_BOUNCE_PERMANENT, SES_EVENT_STATUS, sesReceipt } from '../../src/providers/aws-ses/receipts.js';
import { DEFAULT_CERT_URL_PATTERN, isUsableSnsCert } from '../../src/providers/aws-ses/sns-certs.js';
import type { AwsSesConfig } from '../../src/providers/aws-ses/config.js';
import type { ReceiptVerifier } from '../../src/receipts/types.js';
import { startStandIn, type StandIn } from '../helpers/http-stand-in.js';
import { SES_SAMPLE_EVENTS, signSns, snsNotification, snsSubscriptionConfirmation, TEST_CERT_PEM, TOPIC_ARN, type SignedSns } from './aws-ses-signing.js';
import { receiptRequest, receiptTools } from './support.js';

const tools = receiptTools();
const config: AwsSesConfig = { accessKeyId: 'AKIAEXAMPLEKEY123456', accessKeySecret: 'secret', region: 'us-east-1', templates: [] };
const FORGED = { ok: false, reason: 'signature' };
const MALFORMED = { ok: false, reason: 'malformed' };
const SES_ID = 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000';
const CERT_PATH = '/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem';
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The SNS stand-in on 127.0.0.1: it serves the test certificate and answers confirmation GETs. */
let sns: StandIn;
let certUrl: string;
let subscribeUrl: string;
beforeAll(async () => {
  sns = await startStandIn((req) => {
    if (req.path === CERT_PATH) return { status: 200, body: TEST_CERT_PEM };
    if (req.path === '/' && req.query.get('Action') === 'ConfirmSubscription') return { status: 200, body: '<ConfirmSubscriptionResponse/>' };
    return { status: 404, body: 'not found' };
  });
  certUrl = `${sns.url}${CERT_PATH}`;
  subscribeUrl = `${sns.url}/?Action=ConfirmSubscription&TopicArn=${TOPIC_ARN}&Token=2336412f37fb`;
});
afterAll(() => sns.close());

const block = (extra: Record<string, unknown> = {}) => ({
  topicArns: [TOPIC_ARN],
  certUrlPattern: `^${escape(sns.url)}/SimpleNotificationService-[a-f0-9]+\\.pem$`,
  subscribeUrlPattern: `^${escape(sns.url)}/\\?Action=ConfirmSubscription&`,
  ...extra,
});
const verifier = (extra?: Record<string, unknown>): ReceiptVerifier => awsSesReceipts.create(awsSesReceiptsSchema.parse(block(extra)), config, tools);
const post = (v: ReceiptVerifier, body: unknown, { type, now }: { type?: string; now?: number } = {}) => {
  const parsedType = typeof body === 'object' && body !== null && 'Type' in body ? String(body.Type) : undefined;
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=UTF-8' };
  const messageType = type ?? parsedType;
  if (messageType !== undefined) headers['x-amz-sns-message-type'] = messageType;
  return v.verify(receiptRequest({ url: 'https://otp.example.com/v1/receipts/email/main', headers, body, now }));
};
const certFetches = (): number => sns.requests.filter((r) => r.path === CERT_PATH).length;
const confirmations = (): number => sns.requests.filter((r) => r.query.get('Action') === 'ConfirmSubscription').length;

describe('aws-ses receipts: AWS documented SES events in signed SNS notifications', () => {
  const expected = {
    Delivery: { providerMessageId: SES_ID, status: 'delivered', at: Date.parse('2016-10-19T23:21:04.133Z') },
    Bounce: { providerMessageId: SES_ID, status: 'undelivered', permanent: true, code: 'General', at: Date.parse('2017-08-05T00:41:02.669Z') },
    Complaint: { providerMessageId: SES_ID, status: 'complained', code: 'abuse', at: Date.parse('2017-08-05T00:41:02.669Z') },
    DeliveryDelay: { providerMessageId: SES_ID, status: 'deferred', code: 'TransientCommunicationFailure', at: Date.parse('2020-06-16T00:25:40.095Z') },
  } as const;
  const cases = (['1', '2'] as const).flatMap((version) => (Object.keys(expected) as (keyof typeof expected)[]).map((type) => [type, version] as const));

  it.each(cases)('%s, signature version %s', async (type, version) => {
    const v = verifier();
    const verdict = await post(v, snsNotification(SES_SAMPLE_EVENTS[type], { certUrl, version }));
    expect(verdict).toEqual({ ok: true, receipts: [expected[type]] });
  });

  it('reads identity notifications (notificationType) and a Subject the same way', async () => {
    const { eventType: _drop, ...bounce } = SES_SAMPLE_EVENTS.Bounce;
    const verdict = await post(verifier(), snsNotification({ notificationType: 'Bounce', ...bounce }, { certUrl, subject: 'Amazon SES Email Event Notification' }));
    expect(verdict).toEqual({ ok: true, receipts: [expected.Bounce] });
  });

  it('returns no receipt for events that are not about delivery (Send)', async () => {
    expect(await post(verifier(), snsNotification(SES_SAMPLE_EVENTS.Send, { certUrl }))).toEqual({ ok: true, receipts: [] });
  });
});

describe('aws-ses receipts: refused', () => {
  const delivery = (options: Partial<Parameters<typeof snsNotification>[1]> = {}): SignedSns => snsNotification(SES_SAMPLE_EVENTS.Delivery, { certUrl, ...options });

  it('a certificate URL outside certUrlPattern, without fetching it', async () => {
    const before = sns.requests.length;
    for (const url of ['https://evil.example/SimpleNotificationService-abc.pem', `${sns.url}/cert.pem`, `${sns.url}${CERT_PATH}?x=1`]) {
      expect(await post(verifier(), delivery({ certUrl: url }))).toEqual(FORGED);
    }
    expect(sns.requests.length).toBe(before);
  });

  it('a topic not in topicArns (signed all the same)', async () => {
    expect(await post(verifier(), delivery({ topicArn: 'arn:aws:sns:us-east-1:123456789012:someone-else' }))).toEqual(FORGED);
  });

  it('a tampered Message, Subject or Timestamp', async () => {
    const signed = delivery({ subject: 'subject' });
    const message = JSON.stringify({ ...SES_SAMPLE_EVENTS.Delivery, eventType: 'Bounce' });
    expect(await post(verifier(), { ...signed, Message: message })).toEqual(FORGED);
    expect(await post(verifier(), { ...signed, Subject: 'other' })).toEqual(FORGED);
    expect(await post(verifier(), { ...signed, Subject: undefined })).toEqual(FORGED);
    expect(await post(verifier(), { ...signed, Timestamp: new Date(Date.now() - 1000).toISOString() })).toEqual(FORGED);
  });

  it('a missing, garbled or foreign-key signature, or the wrong version', async () => {
    const signed = delivery();
    const { Signature: _s, ...unsigned } = signed;
    expect(await post(verifier(), unsigned)).toEqual(FORGED);
    expect(await post(verifier(), { ...signed, Signature: 'bm90IGEgc2lnbmF0dXJl' })).toEqual(FORGED);
    expect(await post(verifier(), { ...signed, SignatureVersion: '2' })).toEqual(FORGED);
    expect(await post(verifier(), { ...signed, SignatureVersion: '3' })).toEqual(FORGED);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { Signature: _x, SignatureVersion: _v, SigningCertURL: _c, UnsubscribeURL: _u, ...fields } = signed;
    const text = `Message\n${fields.Message}\nMessageId\n${fields.MessageId}\nTimestamp\n${fields.Timestamp}\nTopicArn\n${fields.TopicArn}\nType\nNotification\n`;
    const foreign = createSign('RSA-SHA1').update(text).sign(privateKey, 'base64');
    expect(await post(verifier(), { ...signed, Signature: foreign })).toEqual(FORGED);
    // The same text signed with the test key verifies: the foreign key is what failed.
    expect(signSns(fields, '1', certUrl).Signature).toBe(signed.Signature);
  });

  it('a Timestamp over an hour old (SNS retries for at most 3,600 s) or ahead beyond 5 minutes', async () => {
    const now = Date.now();
    expect(await post(verifier(), delivery({ now: now - 3601_000 }), { now })).toEqual(FORGED);
    expect(await post(verifier(), delivery({ now: now + 301_000 }), { now })).toEqual(FORGED);
    expect(await post(verifier(), delivery({ now: now - 3590_000 }), { now })).toMatchObject({ ok: true });
  });

  it('a replayed MessageId (once only, fleet-wide in Redis)', async () => {
    const signed = delivery();
    expect(await post(verifier(), signed)).toMatchObject({ ok: true });
    expect(await post(verifier(), signed)).toEqual(FORGED);
  });

  it('a message-type header that contradicts the signed Type', async () => {
    expect(await post(verifier(), delivery(), { type: 'SubscriptionConfirmation' })).toEqual(FORGED);
  });

  it('a certificate that cannot be fetched (and it is tried again next time)', async () => {
    const missing = `${sns.url}/SimpleNotificationService-ffff.pem`;
    const v = verifier();
    expect(await post(v, delivery({ certUrl: missing }))).toEqual(FORGED);
    expect(await post(v, delivery({ certUrl: missing }))).toEqual(FORGED);
    expect(sns.requests.filter((r) => r.path === '/SimpleNotificationService-ffff.pem')).toHaveLength(2);
  });

  it('garbage, wrong-shape and oversized bodies, never throwing', async () => {
    for (const body of ['', 'not json', '[]', '{"Type":"Notification"}', JSON.stringify({ ...delivery(), Type: 'Other' }), Buffer.alloc(1 << 20, 0x7b)]) {
      expect(await post(verifier(), body)).toEqual(FORGED);
    }
  });

  it('an authentic notification whose Message is not an SES event is MALFORMED', async () => {
    expect(await post(verifier(), snsNotification('plain text', { certUrl }))).toEqual(MALFORMED);
    expect(await post(verifier(), snsNotification({ eventType: 'Delivery', delivery: {} }, { certUrl }))).toEqual(MALFORMED);
    expect(await post(verifier(), snsNotification([1, 2], { certUrl }))).toEqual(MALFORMED);
  });
});

describe('aws-ses receipts: certificates', () => {
  it('fetches one certificate once for two messages', async () => {
    const v = verifier();
    const before = certFetches();
    const [a, b] = await Promise.all([
      post(v, snsNotification(SES_SAMPLE_EVENTS.Delivery, { certUrl })),
      post(v, snsNotification(SES_SAMPLE_EVENTS.Bounce, { certUrl, version: '2' })),
    ]);
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect(await post(v, snsNotification(SES_SAMPLE_EVENTS.Complaint, { certUrl }))).toMatchObject({ ok: true });
    expect(certFetches() - before).toBe(1);
  });

  it('uses a certificate only within its validity dates and issued to an SNS name', () => {
    const cert = new X509Certificate(TEST_CERT_PEM);
    expect(isUsableSnsCert(cert, Date.now())).toBe(true);
    expect(isUsableSnsCert(cert, Date.parse(cert.validTo) + 1000)).toBe(false);
    expect(isUsableSnsCert(cert, Date.parse(cert.validFrom) - 1000)).toBe(false);
  });
});

describe('aws-ses receipts: subscriptions', () => {
  it('confirms a SubscriptionConfirmation by a GET to its SubscribeURL', async () => {
    const before = confirmations();
    expect(await post(verifier(), snsSubscriptionConfirmation({ certUrl, subscribeUrl }))).toEqual({ ok: true, receipts: [] });
    expect(confirmations() - before).toBe(1);
    expect(sns.requests.at(-1)?.url).toBe(subscribeUrl.slice(sns.url.length));
  });

  it('refuses a SubscribeURL outside subscribeUrlPattern, without a GET', async () => {
    const before = sns.requests.length;
    const elsewhere = `${sns.url}/confirm?Action=ConfirmSubscription&Token=x`;
    expect(await post(verifier(), snsSubscriptionConfirmation({ certUrl, subscribeUrl: elsewhere }))).toEqual(FORGED);
    expect(sns.requests.length - before).toBe(1); // the certificate only
    expect(await post(verifier(), { ...snsSubscriptionConfirmation({ certUrl, subscribeUrl }), SubscribeURL: elsewhere })).toEqual(FORGED);
  });

  it('refuses a confirmation without its signed Token', async () => {
    const { Token: _t, Signature: _s, SignatureVersion: _v, SigningCertURL: _c, ...fields } = snsSubscriptionConfirmation({ certUrl, subscribeUrl });
    expect(await post(verifier(), signSns(fields, '1', certUrl))).toEqual(FORGED);
  });

  it('answers 502 when the confirmation GET fails, so SNS sends it again', async () => {
    const v = verifier({ subscribeUrlPattern: `^${escape(sns.url)}/` });
    const verdict = await post(v, snsSubscriptionConfirmation({ certUrl, subscribeUrl: `${sns.url}/nowhere?Action=ConfirmSubscription` }));
    expect(verdict).toMatchObject({ ok: true, receipts: [], reply: { status: 502 } });
  });

  it('takes an UnsubscribeConfirmation without acting on it', async () => {
    const before = confirmations();
    expect(await post(verifier(), snsSubscriptionConfirmation({ certUrl, subscribeUrl, type: 'UnsubscribeConfirmation' }))).toEqual({ ok: true, receipts: [] });
    expect(confirmations()).toBe(before);
  });
});

describe('aws-ses receipts: status mapping', () => {
  it('maps SES event types and bounce types (table)', () => {
    expect(Object.fromEntries(SES_EVENT_STATUS)).toEqual({
      Delivery: 'delivered',
      Bounce: 'undelivered',
      Complaint: 'complained',
      DeliveryDelay: 'deferred',
      Reject: 'undelivered',
      'Rendering Failure': 'undelivered',
    });
    expect(Object.fromEntries(SES_BOUNCE_PERMANENT)).toEqual({ Permanent: true, Transient: false, Undetermined: false });
  });

  const mail = { messageId: SES_ID, timestamp: '2024-01-01T00:00:00.000Z' };
  const at = Date.parse(mail.timestamp);
  it.each([
    ['Transient bounce', { eventType: 'Bounce', mail, bounce: { bounceType: 'Transient', bounceSubType: 'MailboxFull' } }, { status: 'undelivered', permanent: false, code: 'MailboxFull', at }],
    ['Undetermined bounce', { eventType: 'Bounce', mail, bounce: { bounceType: 'Undetermined', bounceSubType: 'Undetermined' } }, { status: 'undelivered', permanent: false, code: 'Undetermined', at }],
    ['suppressed bounce', { eventType: 'Bounce', mail, bounce: { bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList' } }, { status: 'undelivered', permanent: true, code: 'OnAccountSuppressionList', at }],
    ['complaint, not sent (suppression list)', { eventType: 'Complaint', mail, complaint: { complaintSubType: 'OnAccountSuppressionList' } }, { status: 'undelivered', permanent: true, code: 'OnAccountSuppressionList', at }],
    ['Reject', { eventType: 'Reject', mail, reject: { reason: 'Bad content' } }, { status: 'undelivered', code: 'Reject', at }],
    ['Rendering Failure', { eventType: 'Rendering Failure', mail }, { status: 'undelivered', code: 'RenderingFailure', at }],
    ['free text is never a code', { eventType: 'Bounce', mail, bounce: { bounceType: 'Permanent', bounceSubType: 'smtp; 550 user@example.com' } }, { status: 'undelivered', permanent: true, code: undefined, at }],
    ['Open', { eventType: 'Open', mail }, undefined],
    ['Click', { eventType: 'Click', mail }, undefined],
    ['Send', { eventType: 'Send', mail }, undefined],
  ])('%s', (_name, event, receipt) => {
    expect(sesReceipt(event as Parameters<typeof sesReceipt>[0])).toEqual(receipt);
  });
});

describe('aws-ses receipts: the receipts block', () => {
  it('needs topicArns, takes the AWS defaults for the patterns', () => {
    expect(awsSesReceiptsSchema.parse({ topicArns: [TOPIC_ARN], configurationSet: 'otp-events' })).toEqual({
      topicArns: [TOPIC_ARN],
      certUrlPattern: DEFAULT_CERT_URL_PATTERN,
      subscribeUrlPattern: DEFAULT_SUBSCRIBE_URL_PATTERN,
      configurationSet: 'otp-events',
    });
  });

  it.each([
    ['empty', {}],
    ['no topics', { topicArns: [] }],
    ['not an ARN', { topicArns: ['ses-events'] }],
    ['a bad regex', { topicArns: [TOPIC_ARN], certUrlPattern: '(' }],
    ['an unknown key', { topicArns: [TOPIC_ARN], secret: 'x' }],
    ['an empty configuration set', { topicArns: [TOPIC_ARN], configurationSet: '' }],
  ])('refuses %s', (_name, value) => {
    expect(awsSesReceiptsSchema.safeParse(value).success).toBe(false);
  });

  it.each([
    ['https://sns.us-east-1.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem', true],
    ['https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc123.pem', true],
    ['http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc123.pem', false],
    ['https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-abc123.pem', false],
    ['https://sns.us-east-1.amazonaws.com@evil.example/SimpleNotificationService-abc123.pem', false],
    ['https://evil.example/sns.us-east-1.amazonaws.com/SimpleNotificationService-abc123.pem', false],
    ['https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc123.pem/../x.pem', false],
  ])('default certUrlPattern: %s → %s', (url, allowed) => {
    expect(new RegExp(DEFAULT_CERT_URL_PATTERN).test(url)).toBe(allowed);
  });

  it.each([
    ['https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:131990247566:t&Token=2336', true],
    ['https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x', false],
    ['https://sns.us-west-2.amazonaws.com.evil.example/?Action=ConfirmSubscription&Token=1', false],
    ['http://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=1', false],
  ])('default subscribeUrlPattern: %s → %s', (url, allowed) => {
    expect(new RegExp(DEFAULT_SUBSCRIBE_URL_PATTERN).test(url)).toBe(allowed);
  });
});
