import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { aliyunSmsConfigSchema } from '../../src/providers/aliyun-sms/config.js';
import { aliyunSmsProvider } from '../../src/providers/aliyun-sms/index.js';
import { ALIYUN_SMS_RECEIPT_REPLY, ALIYUN_SMS_REPORT_STATUSES, aliyunSmsReceipts } from '../../src/providers/aliyun-sms/receipts.js';
import { instantiate } from '../../src/providers/types.js';
import { ctx } from '../providers/support/delivery.js';
import { withStandIn } from '../providers/support/stand-in.js';
import { receiptRequest, receiptTools } from './support.js';

const TOKEN = 'aliyun-sms-receipt-token-0123456789';
const URL_WITH_TOKEN = `http://127.0.0.1:8080/v1/receipts/sms/main?token=${TOKEN}`;

const config = aliyunSmsConfigSchema.parse({
  accessKeyId: 'LTAI5tExampleKeyId',
  accessKeySecret: 'ExampleSecretValue0123456789',
  signName: '阿里云短信测试',
  templates: [{ usageType: 'Generic', templateCode: 'SMS_460000004' }],
});

/** The documented SmsReport push (HTTP batch push mode), as Aliyun shows it. */
const DOCUMENTED = [
  {
    phone_number: '1381111****',
    send_time: '2017-01-01 00:00:00',
    report_time: '2017-01-01 00:00:00',
    success: true,
    err_code: 'DELIVERED',
    err_msg: '用户接收成功',
    sms_size: '1',
    biz_id: '12345********',
    out_id: '67890**',
  },
];

const failed = { ...DOCUMENTED[0], success: false, err_code: 'MK:0001', err_msg: '号码状态异常', report_time: '2017-01-01 00:00:09', biz_id: '54321^0' };

describe('aliyun-sms receipts', () => {
  const tools = receiptTools();
  const verifier = aliyunSmsReceipts.create(aliyunSmsReceipts.schema.parse({ token: TOKEN }), config, tools);
  const verify = (parts: Parameters<typeof receiptRequest>[0]) => verifier.verify(receiptRequest({ url: URL_WITH_TOKEN, ...parts }));

  it('reads the documented push and answers {"code":0,"msg":"接收成功"}', async () => {
    expect(await verify({ body: [...DOCUMENTED, failed] })).toEqual({
      ok: true,
      receipts: [
        // 2017-01-01 00:00:00 in China is 2016-12-31 16:00:00 UTC.
        { providerMessageId: '12345********', status: 'delivered', at: Date.UTC(2016, 11, 31, 16, 0, 0), code: 'DELIVERED' },
        { providerMessageId: '54321^0', status: 'undelivered', at: Date.UTC(2016, 11, 31, 16, 0, 9), code: 'MK:0001' },
      ],
      reply: ALIYUN_SMS_RECEIPT_REPLY,
    });
    expect(JSON.parse(ALIYUN_SMS_RECEIPT_REPLY.body)).toEqual({ code: 0, msg: '接收成功' });
  });

  it('drops a wordy err_code and an unreadable report_time, and takes an empty batch', async () => {
    const odd = [{ ...failed, err_code: 'user has switched the phone off', report_time: 'soon' }];
    expect(await verify({ body: odd })).toEqual({ ok: true, receipts: [{ providerMessageId: '54321^0', status: 'undelivered' }], reply: ALIYUN_SMS_RECEIPT_REPLY });
    expect(await verify({ body: [] })).toEqual({ ok: true, receipts: [], reply: ALIYUN_SMS_RECEIPT_REPLY });
  });

  it.each([
    ['no token', 'http://127.0.0.1:8080/v1/receipts/sms/main'],
    ['a wrong token', `http://127.0.0.1:8080/v1/receipts/sms/main?token=${TOKEN.toUpperCase()}`],
    ['the token in another parameter', `http://127.0.0.1:8080/v1/receipts/sms/main?t=${TOKEN}`],
  ])('refuses %s as forged, before reading the body', async (_, url) => {
    expect(await verifier.verify(receiptRequest({ url, body: DOCUMENTED }))).toEqual({ ok: false, reason: 'signature' });
    expect(await verifier.verify(receiptRequest({ url, body: '' }))).toEqual({ ok: false, reason: 'signature' });
  });

  it.each([
    ['garbage', '{{{'],
    ['an empty body', ''],
    ['one report, not an array', DOCUMENTED[0]],
    ['success as a string', [{ ...DOCUMENTED[0], success: 'true' }]],
    ['a report without biz_id', [{ ...DOCUMENTED[0], biz_id: '' }]],
    ['an oversized body', Buffer.alloc(256 * 1024, '{')],
  ])('%s is malformed, never a throw', async (_, body) => {
    expect(await verify({ body })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('maps success by table', () => {
    expect([...ALIYUN_SMS_REPORT_STATUSES]).toEqual([
      [true, 'delivered'],
      [false, 'undelivered'],
    ]);
  });

  it.each([
    [{ token: TOKEN }, true],
    [{}, false],
    [{ token: '123456789012345' }, false],
    [{ token: TOKEN, accessKeySecret: 'x' }, false],
  ])('receipts block %j → %s', (block, ok) => {
    expect(aliyunSmsReceipts.schema.safeParse(block).success).toBe(ok);
  });

  describe('matching the send', () => {
    const bizId = '900619746936498440^0';
    const reply = { status: 200, body: { Message: 'OK', RequestId: 'F655A8D5-B967-440B-8683-DAD6FF8DE990', Code: 'OK', BizId: bizId } };
    const deps = { name: 'main', channel: 'sms' as const, logger: pino({ level: 'silent' }) };
    const fixture = withStandIn(reply, (url) => instantiate(aliyunSmsProvider, { ...config, endpoint: url }, deps));

    it("a report's biz_id is the SendSms BizId the send recorded", async () => {
      const message = { id: 'm-1', channel: 'sms' as const, to: '+8613800138000', type: 'SignIn' as const, locale: 'zh-CN', payload: { code: '123456' } };
      const sent = await fixture.provider.send({ ...message, content: { kind: 'remote', ref: { templateCode: 'SMS_460000004' } } }, ctx());
      const verdict = await verify({ body: [{ ...DOCUMENTED[0], biz_id: bizId }] });
      expect(verdict.ok && verdict.receipts[0]?.providerMessageId).toBe(sent.providerMessageId);
      expect(sent.providerMessageId).toBe(bizId);
    });
  });
});
