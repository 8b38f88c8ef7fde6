import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { aliyunDmConfigSchema } from '../../src/providers/aliyun-dm/config.js';
import { aliyunDmProvider } from '../../src/providers/aliyun-dm/index.js';
import { aliyunDmReceipts, DM_EVENT_STATUSES } from '../../src/providers/aliyun-dm/receipts.js';
import { instantiate } from '../../src/providers/types.js';
import { ctx } from '../providers/support/delivery.js';
import { withStandIn } from '../providers/support/stand-in.js';
import { receiptRequest, receiptTools } from './support.js';

const TOKEN = 'aliyun-dm-receipt-token-0123456789';
const URL_WITH_TOKEN = `http://127.0.0.1:8080/v1/receipts/email/main?token=${TOKEN}`;

const config = aliyunDmConfigSchema.parse({ accessKeyId: 'LTAI5tExampleKeyId', accessKeySecret: 'ExampleSecretValue0123456789', accountName: 'noreply@mail.example.com' });

/** EventBridge's documented "mail delivery failed" event (Direct Mail events), as Aliyun shows it. */
const DOCUMENTED_FAIL = {
  data: {
    header: { 'X-Notify-Message-ID': 'test******@******' },
    env_id: '60000******',
    account: 'batch******@top',
    from: 'batch******@top',
    rcpt: 'xxx******@aliyun.com',
    msg_id: '1df******@******',
    channel_name: 'bg:vip_*',
    outbound_ip: '8.*.*.7',
    send_time: '2024-04-29T11:07:04',
    deliver_time: '2024-04-29T11:07:12',
    status: '2',
    event: 'dm:Deliver:Fail',
    region: 'cn-hangzhou',
    err_code: '554',
    err_msg: "554  RCPT xxx******@aliyun.com dosn't exist",
    failed_type: 'SmtpNxBox',
    esp: '*mail.com',
    ip_pool_id: '10306c37-****-****-a82f-1dafb56a9dd2',
    is_dedicated_ip: true,
    tag: 'xxxxx',
  },
  id: '8734hhidu983hi457',
  source: 'acs:dm',
  specversion: '1.0',
  subject: 'acs:dm:cn-hangzhou:{AccountId}:*',
  time: '2024-04-29T11:07:12+08:00',
  type: 'dm:Deliver:Fail',
  aliyunaccountid: '123456789098****',
  aliyunpublishtime: '2024-04-29T11:07:13.179PRC',
  aliyuneventbusname: 'default',
  aliyunregionid: 'cn-hangzhou',
  aliyunpublishaddr: '172.25.XX.XX',
};

/** The same envelope for a delivered mail (`dm:Deliver:Succeed`, status 0). */
const succeeded = (envId: string) => ({
  ...DOCUMENTED_FAIL,
  type: 'dm:Deliver:Succeed',
  data: { ...DOCUMENTED_FAIL.data, env_id: envId, event: 'dm:Deliver:Succeed', status: '0', err_code: '250', err_msg: '250 Send Mail OK', failed_type: undefined },
});

// 2024-04-29 11:07:12 in China is 03:07:12 UTC.
const AT = Date.UTC(2024, 3, 29, 3, 7, 12);

describe('aliyun-dm receipts', () => {
  const tools = receiptTools();
  const verifier = aliyunDmReceipts.create(aliyunDmReceipts.schema.parse({ token: TOKEN }), config, tools);
  const verify = (parts: Parameters<typeof receiptRequest>[0]) => verifier.verify(receiptRequest({ url: URL_WITH_TOKEN, ...parts }));

  it('reads the documented failure event: undelivered, a hard bounce (status 2), code from failed_type', async () => {
    expect(await verify({ body: DOCUMENTED_FAIL })).toEqual({
      ok: true,
      receipts: [{ providerMessageId: '60000******', status: 'undelivered', at: AT, code: 'SmtpNxBox', permanent: true }],
    });
  });

  it('reads a delivered event, and a batch of events', async () => {
    expect(await verify({ body: [succeeded('600000123456'), { ...DOCUMENTED_FAIL, data: { ...DOCUMENTED_FAIL.data, status: '4', failed_type: undefined } }] })).toEqual({
      ok: true,
      receipts: [
        { providerMessageId: '600000123456', status: 'delivered', at: AT },
        { providerMessageId: '60000******', status: 'undelivered', at: AT, code: '554', permanent: false },
      ],
    });
  });

  it('returns nothing for opens, clicks, unsubscribes and events without env_id; falls back to the event time', async () => {
    const open = { ...succeeded('1'), type: 'dm:Trace:Open' };
    const unsubscribe = { ...succeeded('2'), type: 'dm:Feedback:UnSubscribe' };
    const noEnv = { ...DOCUMENTED_FAIL, data: { ...DOCUMENTED_FAIL.data, env_id: undefined } };
    const fbl = { ...DOCUMENTED_FAIL, type: 'dm:Feedback:FblReport', data: { env_id: 600000777, block_time: '1726821667' } };
    expect(await verify({ body: [open, unsubscribe, noEnv, fbl] })).toEqual({
      ok: true,
      receipts: [{ providerMessageId: '600000777', status: 'complained', at: AT }],
    });
  });

  it.each([
    ['no token', 'http://127.0.0.1:8080/v1/receipts/email/main'],
    ['a wrong token', 'http://127.0.0.1:8080/v1/receipts/email/main?token=aliyun-dm-receipt-token-XXXXXXXXXX'],
  ])('refuses %s as forged, before reading the body', async (_, url) => {
    expect(await verifier.verify(receiptRequest({ url, body: DOCUMENTED_FAIL }))).toEqual({ ok: false, reason: 'signature' });
    expect(await verifier.verify(receiptRequest({ url, body: '\u0000' }))).toEqual({ ok: false, reason: 'signature' });
  });

  it.each([
    ['garbage', '<xml/>'],
    ['a bare string', '"dm:Deliver:Fail"'],
    ['an event without type', { ...DOCUMENTED_FAIL, type: undefined }],
    ['data that is not an object', { ...DOCUMENTED_FAIL, data: 'x' }],
    ['an oversized body', Buffer.alloc(256 * 1024, '[')],
  ])('%s is malformed, never a throw', async (_, body) => {
    expect(await verify({ body })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('maps event types by table', () => {
    expect([...DM_EVENT_STATUSES]).toEqual([
      ['dm:Deliver:Succeed', 'delivered'],
      ['dm:Deliver:Fail', 'undelivered'],
      ['dm:Feedback:FblReport', 'complained'],
    ]);
  });

  it.each([
    [{ token: TOKEN }, true],
    [{}, false],
    [{ token: 42 }, false],
    [{ token: TOKEN, topic: 'dm' }, false],
  ])('receipts block %j → %s', (block, ok) => {
    expect(aliyunDmReceipts.schema.safeParse(block).success).toBe(ok);
  });

  describe('matching the send', () => {
    const reply = { status: 200, body: { EnvId: '600000123456', RequestId: '2D8D1E25-7B21-4F3B-9A8E-0B9F1E1F0001' } };
    const deps = { name: 'main', channel: 'email' as const, logger: pino({ level: 'silent' }) };
    const fixture = withStandIn(reply, (url) => instantiate(aliyunDmProvider, { ...config, endpoint: `${url}/` }, deps));

    it("an event's env_id is the SingleSendMail EnvId the send recorded", async () => {
      const message = { id: 'm-1', channel: 'email' as const, to: 'ana@example.com', type: 'SignIn' as const, locale: 'en', payload: { code: '123456' } };
      const sent = await fixture.provider.send({ ...message, content: { kind: 'email', subject: 'Code', text: 'Your code is 123456' } }, ctx());
      const verdict = await verify({ body: succeeded('600000123456') });
      expect(verdict.ok && verdict.receipts[0]?.providerMessageId).toBe(sent.providerMessageId);
    });
  });
});
