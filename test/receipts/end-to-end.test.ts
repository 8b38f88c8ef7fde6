import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '../helpers/http-stand-in.js';
import { eventually } from '../helpers/pipeline.js';
import { useReceiptIngest } from './receipt-ingest.js';

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'auth-token-secret';
const TOKEN = 'outbox-receipt-token-0123456789';

/** Twilio's 201 Message resource, trimmed. */
const created = (sid: string) => ({ status: 201, body: { sid, status: 'accepted', error_code: null } });

describe('receipts end to end: worker, ingest and a vendor stand-in on a real Redis', () => {
  let twilioStandIn: StandIn | undefined;
  let sid = 0;
  beforeAll(async () => {
    twilioStandIn = await startStandIn(() => created(`SM${String((sid += 1)).padStart(32, '0')}`));
  });
  afterAll(() => twilioStandIn?.close());
  const twilioRequests = () => twilioStandIn?.requests ?? [];
  const fixture = useReceiptIngest(() => ({
    receipts: { windowSeconds: 60 },
    // `main` is the pipeline's outbox on both channels: with receipts on here.
    email: { connectors: { main: { receipts: { token: TOKEN, delayMs: 0 } } } },
    sms: {
      active: 'twilio',
      fallback: ['main'],
      receiptFailover: true,
      connectors: {
        twilio: { provider: 'twilio-sms', config: { accountSID: ACCOUNT_SID, authToken: AUTH_TOKEN, fromMessagingServiceSID: 'MG0123456789abcdef0123456789abcdef', templates: [{ usageType: 'Generic', content: 'Code {{code}}' }], endpoint: twilioStandIn?.url }, receipts: {} },
        main: { receipts: { token: TOKEN, delayMs: 0 } },
      },
    },
  }));

  /** Posts a Twilio status callback for `messageSid`, signed as Twilio signs it (or not). */
  const twilioCallback = async (messageSid: string, status: string, signed = true) => {
    const url = `${fixture.base}/v1/receipts/sms/twilio`;
    const params = { MessageSid: messageSid, MessageStatus: status, AccountSid: ACCOUNT_SID, ErrorCode: status === 'undelivered' ? '30003' : '' };
    const signature = signed ? twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params) : 'forged';
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params) });
  };

  const sendSms = async () => {
    const { id } = await fixture.pipeline.producer.send({ channel: 'sms', to: '+14155550123', type: 'SignIn', payload: { code: '123456' } });
    expect(await fixture.pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    const form = new URLSearchParams(twilioRequests().at(-1)?.body);
    // Twilio was asked for receipts at the ingest's public URL.
    expect(form.get('StatusCallback')).toBe(`${fixture.base}/v1/receipts/sms/twilio`);
    return { id, messageSid: `SM${String(sid).padStart(32, '0')}` };
  };

  it('an email through the outbox gets its receipt: status delivered, counted, latency observed', async () => {
    const { id } = await fixture.pipeline.producer.send({ channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '123456' } });
    const status = await eventually(async () => {
      const s = await fixture.pipeline.producer.status(id);
      return s.receipt === 'delivered' ? s : undefined;
    });
    expect(status).toEqual({ id, outcome: 'delivered', receipt: 'delivered', provider: 'outbox' });
    // The intake counts right after it stored the status: the status may be read in between.
    await eventually(async () => (await fixture.pipeline.metric('otp_receipts_total', { channel: 'email', provider: 'outbox', status: 'delivered' })) === 1);
    const latency = await fixture.pipeline.registry.getSingleMetric('otp_receipt_latency_seconds')?.get();
    expect(latency?.values.find((v) => (v as { metricName?: string }).metricName === 'otp_receipt_latency_seconds_count' && v.labels.channel === 'email')?.value).toBe(1);
  });

  it('a delivered Twilio callback sets the status; its repeat changes nothing and is not counted again', async () => {
    const { id, messageSid } = await sendSms();
    expect((await fixture.pipeline.producer.status(id)).receipt).toBe('none');
    expect((await twilioCallback(messageSid, 'sent')).status).toBe(200);
    expect((await fixture.pipeline.producer.status(id)).receipt).toBe('deferred');
    expect((await twilioCallback(messageSid, 'delivered')).status).toBe(200);
    expect((await twilioCallback(messageSid, 'delivered')).status).toBe(200);
    expect(await fixture.pipeline.producer.status(id)).toEqual({ id, outcome: 'delivered', receipt: 'delivered', provider: 'twilio-sms' });
    expect(await fixture.pipeline.metric('otp_receipts_total', { provider: 'twilio-sms', status: 'delivered' })).toBe(1);
    expect(await fixture.pipeline.metric('otp_receipts_by_country_total', { country: 'US', status: 'delivered' })).toBe(1);
  });

  it('an undelivered SMS is resent once through the next connector (the outbox), which delivers it; a repeated receipt does not resend', async () => {
    const { id, messageSid } = await sendSms();
    const before = (await fixture.pipeline.outbox()).filter((l) => l.id === id).length;
    expect((await twilioCallback(messageSid, 'undelivered')).status).toBe(200);
    const status = await eventually(async () => {
      const s = await fixture.pipeline.producer.status(id);
      return s.receipt === 'delivered' ? s : undefined;
    });
    expect(status?.provider).toBe('outbox');
    expect((await twilioCallback(messageSid, 'undelivered')).status).toBe(200);
    expect((await twilioCallback(messageSid, 'failed')).status).toBe(200);
    expect((await fixture.pipeline.outbox()).filter((l) => l.id === id).length).toBe(before + 1);
    expect(await fixture.pipeline.metric('otp_receipt_failovers_total', { channel: 'sms', from: 'twilio-sms', to: 'outbox' })).toBe(1);
    // Each message counts once in the SPEC §6 totals (this one and the one before), whatever the failover did.
    expect(await fixture.pipeline.metric('otp_messages_total', { channel: 'sms', result: 'delivered' })).toBe(2);
  });

  it('refuses a forged callback (401, counted) and takes one about an unknown message (200, counted)', async () => {
    const { id, messageSid } = await sendSms();
    expect((await twilioCallback(messageSid, 'delivered', false)).status).toBe(401);
    expect((await fixture.pipeline.producer.status(id)).receipt).toBe('none');
    expect(await fixture.pipeline.metric('otp_receipts_rejected_total', { provider: 'twilio-sms', reason: 'signature' })).toBe(1);
    expect((await twilioCallback('SM99999999999999999999999999999999', 'delivered')).status).toBe(200);
    expect(await fixture.pipeline.metric('otp_receipts_rejected_total', { provider: 'twilio-sms', reason: 'unknown_message' })).toBe(1);
  });

  it('answers 404 for a connector without receipts and 400 for an unreadable body', async () => {
    expect((await fetch(`${fixture.base}/v1/receipts/sms/nobody`, { method: 'POST', body: '{}' })).status).toBe(404);
    const garbage = await fetch(`${fixture.base}/v1/receipts/email/main?token=${TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"not":"a receipt"' });
    expect(garbage.status).toBe(400);
    expect(await fixture.pipeline.metric('otp_receipts_rejected_total', { channel: 'email', reason: 'malformed' })).toBe(1);
  });
});
