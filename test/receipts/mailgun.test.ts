import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mailgunProvider } from '../../src/providers/mailgun/index.js';
import { MAILGUN_EVENT_STATUS, mailgunMessageId, mailgunOutcome, mailgunReceipts, mailgunReceiptsSchema } from '../../src/providers/mailgun/receipts.js';
import { mailgunVendor } from '../../src/providers/mailgun/request.js';
import type { MailgunConfig } from '../../src/providers/mailgun/config.js';
import { receiptRequest, receiptTools } from './support.js';

/**
 * Mailgun's published test vector (mailgun/mailgun-php, tests/Api/WebhookTest.php,
 * testVerifyWebhookGood): this key, timestamp and token give this signature.
 */
const PUBLISHED = {
  signingKey: 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0',
  timestamp: '1403645220',
  token: '5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6',
  signature: '9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d33',
};

/** Mailgun's documented "permanent_fail" sample event (the control panel's test webhook). */
const PERMANENT_FAIL = {
  id: 'G9Bn5sl1TC6nu79C8C0bwg',
  timestamp: 1521233195.375624,
  'log-level': 'error',
  event: 'failed',
  severity: 'permanent',
  reason: 'suppress-bounce',
  'delivery-status': { 'attempt-no': 1, message: '', code: 605, 'enhanced-code': '', description: 'Not delivering to previously bounced address', 'session-seconds': 0 },
  flags: { 'is-routed': false, 'is-authenticated': true, 'is-system-test': false, 'is-test-mode': false },
  envelope: { sender: 'bob@sandbox137ba8eb5c17406295e77c3c72985e71.mailgun.org', transport: 'smtp', targets: 'alice@example.com' },
  message: {
    headers: {
      to: 'Alice <alice@example.com>',
      'message-id': '20130503192659.13651.20287@sandbox137ba8eb5c17406295e77c3c72985e71.mailgun.org',
      from: 'Bob <bob@sandbox137ba8eb5c17406295e77c3c72985e71.mailgun.org>',
      subject: 'Test permanent_fail webhook',
    },
    attachments: [],
    size: 111,
  },
  recipient: 'alice@example.com',
  'recipient-domain': 'example.com',
  tags: ['my_tag_1', 'my_tag_2'],
  'user-variables': { my_var_1: 'Mailgun Variable #1', 'my-var-2': 'awesome' },
};

/** The docs' "Delivered Event" (documentation.mailgun.com, Webhook Payloads), trimmed to what matters. */
const DELIVERED = {
  event: 'delivered',
  id: 'MXcc2gEpS-eN8HfkOnmK2w',
  timestamp: 1770146431.6585283,
  'log-level': 'info',
  'delivery-status': { tls: true, 'mx-host': 'mx.sample.mailgun.com', code: 250, description: '', 'attempt-no': 1, message: 'OK' },
  message: { headers: { 'message-id': '20260203192638.000be97f99f8cea1@sample.mailgun.com', subject: 'Sample webhook payload' }, size: 341 },
  recipient: 'recipient@sample.mailgun.com',
};

const SIGNING_KEY = randomBytes(24).toString('hex');
const config: MailgunConfig = { domain: 'sample.mailgun.com', apiKey: 'key-test', from: 'Acme <no-reply@sample.mailgun.com>', deliveries: {} };
const tools = receiptTools();

/** Signs as Mailgun does: hex HMAC-SHA256 of timestamp + token with the webhook signing key. */
const sign = (key: string, timestamp: string, token: string): string => createHmac('sha256', key).update(timestamp + token).digest('hex');

/** A webhook body as Mailgun posts it, signed now (or at `timestamp`) with a fresh token. */
const webhook = (eventData: unknown, { key = SIGNING_KEY, timestamp = String(Math.floor(Date.now() / 1000)), token = randomBytes(25).toString('hex') } = {}) => ({
  signature: { timestamp, token, signature: sign(key, timestamp, token) },
  'event-data': eventData,
});

const verifier = (signingKey = SIGNING_KEY) => mailgunReceipts.create(mailgunReceiptsSchema.parse({ signingKey }), config, tools);
const verify = (body: unknown, now = Date.now(), signingKey = SIGNING_KEY) => verifier(signingKey).verify(receiptRequest({ body, now }));

describe('mailgun receipts: signature', () => {
  it('signs like Mailgun’s published example, and accepts it', async () => {
    expect(sign(PUBLISHED.signingKey, PUBLISHED.timestamp, PUBLISHED.token)).toBe(PUBLISHED.signature);
    const body = { signature: { timestamp: PUBLISHED.timestamp, token: PUBLISHED.token, signature: PUBLISHED.signature }, 'event-data': PERMANENT_FAIL };
    const verdict = await verify(body, Number(PUBLISHED.timestamp) * 1000 + 30_000, PUBLISHED.signingKey);
    expect(verdict).toEqual({
      ok: true,
      receipts: [{ providerMessageId: '<20130503192659.13651.20287@sandbox137ba8eb5c17406295e77c3c72985e71.mailgun.org>', status: 'undelivered', permanent: true, code: '605', at: 1521233195376 }],
    });
  });

  it('refuses a wrong, missing or other-key signature', async () => {
    const good = webhook(DELIVERED);
    await expect(verify({ ...good, signature: { ...good.signature, signature: 'a'.repeat(64) } })).resolves.toEqual({ ok: false, reason: 'signature' });
    await expect(verify({ 'event-data': DELIVERED })).resolves.toEqual({ ok: false, reason: 'signature' });
    await expect(verify({ ...good, signature: { timestamp: good.signature.timestamp, token: good.signature.token } })).resolves.toEqual({ ok: false, reason: 'signature' });
    await expect(verify(webhook(DELIVERED, { key: randomBytes(24).toString('hex') }))).resolves.toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses a timestamp more than 5 minutes away, either way', async () => {
    const now = Date.now();
    const at = (offsetSeconds: number) => String(Math.floor(now / 1000) + offsetSeconds);
    await expect(verify(webhook(DELIVERED, { timestamp: at(-301) }), now)).resolves.toEqual({ ok: false, reason: 'signature' });
    await expect(verify(webhook(DELIVERED, { timestamp: at(301) }), now)).resolves.toEqual({ ok: false, reason: 'signature' });
    await expect(verify(webhook(DELIVERED, { timestamp: at(-290) }), now)).resolves.toMatchObject({ ok: true });
  });

  it('accepts a token once, fleet-wide', async () => {
    const body = webhook(DELIVERED);
    await expect(verify(body)).resolves.toMatchObject({ ok: true });
    await expect(verify(body)).resolves.toEqual({ ok: false, reason: 'signature' });
  });

  it('does not claim the token of a forged request (the genuine one still passes)', async () => {
    const genuine = webhook(DELIVERED);
    await expect(verify({ ...genuine, signature: { ...genuine.signature, signature: 'b'.repeat(64) } })).resolves.toEqual({ ok: false, reason: 'signature' });
    await expect(verify(genuine)).resolves.toMatchObject({ ok: true });
  });
});

describe('mailgun receipts: bodies', () => {
  it('maps the documented events to receipts', async () => {
    await expect(verify(webhook(DELIVERED))).resolves.toEqual({
      ok: true,
      receipts: [{ providerMessageId: '<20260203192638.000be97f99f8cea1@sample.mailgun.com>', status: 'delivered', at: 1770146431659 }],
    });
    const temporary = { ...PERMANENT_FAIL, severity: 'temporary', reason: 'generic', 'delivery-status': { code: 452, message: '4.2.2 over quota' } };
    await expect(verify(webhook(temporary))).resolves.toMatchObject({ ok: true, receipts: [{ status: 'deferred', code: '452' }] });
    const complained = { event: 'complained', timestamp: 1521233195.1, message: { headers: { 'message-id': '<x1@mg.example>' } } };
    await expect(verify(webhook(complained))).resolves.toEqual({ ok: true, receipts: [{ providerMessageId: '<x1@mg.example>', status: 'complained', at: 1521233195100 }] });
    await expect(verify(webhook({ ...DELIVERED, event: 'opened' }))).resolves.toEqual({ ok: true, receipts: [] });
  });

  it('gives the id the send returned', () => {
    const sent = mailgunVendor(config).reply({ status: 200, headers: {}, body: JSON.stringify({ id: `<${DELIVERED.message.headers['message-id']}>`, message: 'Queued. Thank you.' }) });
    expect(mailgunMessageId(DELIVERED.message.headers['message-id'])).toBe(sent.providerMessageId);
    expect(mailgunMessageId('<a@b>')).toBe('<a@b>');
  });

  it('never throws: garbage is forged, an authentic but unreadable event is malformed', async () => {
    for (const body of ['not json', Buffer.from(randomBytes(4096)), '[]', 'null', '{"signature":"x"}', 'x'.repeat(1 << 20)]) {
      await expect(verify(body)).resolves.toEqual({ ok: false, reason: 'signature' });
    }
    await expect(verify(webhook('not an object'))).resolves.toEqual({ ok: false, reason: 'malformed' });
    await expect(verify(webhook({ event: 'delivered' }))).resolves.toEqual({ ok: false, reason: 'malformed' });
    await expect(verify(webhook({ event: 42 }))).resolves.toEqual({ ok: false, reason: 'malformed' });
  });

  it('keeps free text out of the code', async () => {
    const verdict = await verify(webhook({ ...PERMANENT_FAIL, reason: 'Mailbox alice@example.com is full', 'delivery-status': { code: '550 user unknown' } }));
    expect(verdict).toMatchObject({ ok: true, receipts: [{ status: 'undelivered' }] });
    expect(JSON.stringify(verdict)).not.toContain('alice@example.com');
    expect(verdict.ok && verdict.receipts[0]?.code).toBeUndefined();
  });
});

describe('mailgun receipts: tables and schema', () => {
  it.each([
    ['delivered', undefined, { status: 'delivered' }],
    ['failed', 'permanent', { status: 'undelivered', permanent: true }],
    ['failed', 'temporary', { status: 'deferred' }],
    ['failed', undefined, undefined],
    ['complained', undefined, { status: 'complained' }],
    ['accepted', undefined, undefined],
    ['opened', undefined, undefined],
    ['clicked', undefined, undefined],
    ['unsubscribed', undefined, undefined],
  ])('%s (%s) → %j', (event, severity, expected) => {
    expect(mailgunOutcome(event, severity)).toEqual(expected);
  });

  it('the table holds only the four delivery outcomes', () => {
    expect([...MAILGUN_EVENT_STATUS.keys()].sort()).toEqual(['complained', 'delivered', 'failed:permanent', 'failed:temporary']);
  });

  it('takes a signing key, and nothing else', () => {
    expect(mailgunReceiptsSchema.safeParse({ signingKey: SIGNING_KEY }).success).toBe(true);
    expect(mailgunReceiptsSchema.safeParse({}).success).toBe(false);
    expect(mailgunReceiptsSchema.safeParse({ signingKey: 'short' }).success).toBe(false);
    expect(mailgunReceiptsSchema.safeParse({ signingKey: SIGNING_KEY, token: 'x'.repeat(20) }).success).toBe(false);
  });

  it('is the provider’s receipts', () => {
    expect(mailgunProvider.receipts).toBe(mailgunReceipts);
  });
});
