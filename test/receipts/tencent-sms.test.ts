import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { tencentSmsConfigSchema } from '../../src/providers/tencent-sms/config.js';
import { tencentSmsProvider } from '../../src/providers/tencent-sms/index.js';
import { TENCENT_RECEIPT_REPLY, TENCENT_REPORT_STATUSES, tencentSmsReceipts } from '../../src/providers/tencent-sms/receipts.js';
import { instantiate } from '../../src/providers/types.js';
import { ctx } from '../providers/support/delivery.js';
import { withStandIn } from '../providers/support/stand-in.js';
import { receiptRequest, receiptTools } from './support.js';

const TOKEN = 'tencent-receipt-token-0123456789';
const URL_WITH_TOKEN = `http://127.0.0.1:8080/v1/receipts/sms/main?token=${TOKEN}`;

const config = tencentSmsConfigSchema.parse({
  accessKeyId: 'AKIDexampleSecretId0000000000000000',
  accessKeySecret: 'exampleSecretKey0000000000000000',
  signName: '腾讯云',
  sdkAppId: '1400006666',
  region: 'ap-guangzhou',
  templates: [{ usageType: 'Generic', templateCode: '1113' }],
});

/** The documented "SMS sending status notification" request (one report), as Tencent shows it. */
const DOCUMENTED = [
  {
    user_receive_time: '2015-10-17 08:03:04',
    nationcode: '86',
    mobile: '13xxxxxxxxx',
    report_status: 'SUCCESS',
    errmsg: 'DELIVRD',
    description: '用户短信送达成功',
    sid: 'xxxxxxx',
  },
];

const failed = { ...DOCUMENTED[0], report_status: 'FAIL', errmsg: 'MK:0001', description: '号码状态异常', sid: 'yyyyyyy' };

describe('tencent-sms receipts', () => {
  const tools = receiptTools();
  const verifier = tencentSmsReceipts.create(tencentSmsReceipts.schema.parse({ token: TOKEN }), config, tools);
  const verify = (parts: Parameters<typeof receiptRequest>[0]) => verifier.verify(receiptRequest({ url: URL_WITH_TOKEN, ...parts }));

  it('reads the documented callback and answers {"result":0,"errmsg":"OK"}', async () => {
    const verdict = await verify({ body: [...DOCUMENTED, failed] });
    expect(verdict).toEqual({
      ok: true,
      receipts: [
        // 2015-10-17 08:03:04 in China is 00:03:04 UTC.
        { providerMessageId: 'xxxxxxx', status: 'delivered', at: Date.UTC(2015, 9, 17, 0, 3, 4), code: 'DELIVRD' },
        { providerMessageId: 'yyyyyyy', status: 'undelivered', at: Date.UTC(2015, 9, 17, 0, 3, 4), code: 'MK:0001' },
      ],
      reply: TENCENT_RECEIPT_REPLY,
    });
    expect(JSON.parse(TENCENT_RECEIPT_REPLY.body)).toEqual({ result: 0, errmsg: 'OK' });
  });

  it('returns nothing for an unknown report_status, drops a wordy errmsg, and takes an empty batch', async () => {
    const odd = [{ ...failed, report_status: 'PENDING' }, { ...failed, errmsg: 'number is switched off', user_receive_time: 'later' }];
    expect(await verify({ body: odd })).toEqual({ ok: true, receipts: [{ providerMessageId: 'yyyyyyy', status: 'undelivered' }], reply: TENCENT_RECEIPT_REPLY });
    expect(await verify({ body: [] })).toEqual({ ok: true, receipts: [], reply: TENCENT_RECEIPT_REPLY });
  });

  it.each([
    ['no token', 'http://127.0.0.1:8080/v1/receipts/sms/main'],
    ['a wrong token', `http://127.0.0.1:8080/v1/receipts/sms/main?token=${TOKEN.slice(0, -1)}x`],
    ['an empty token', 'http://127.0.0.1:8080/v1/receipts/sms/main?token='],
  ])('refuses %s as forged, before reading the body', async (_, url) => {
    expect(await verifier.verify(receiptRequest({ url, body: DOCUMENTED }))).toEqual({ ok: false, reason: 'signature' });
    expect(await verifier.verify(receiptRequest({ url, body: 'not json' }))).toEqual({ ok: false, reason: 'signature' });
  });

  it.each([
    ['garbage', 'not json {'],
    ['a single report, not an array', DOCUMENTED[0]],
    ['a reply-SMS callback', { mobile: '13xxxxxxxxx', time: 1457336869, text: '...', port: '106901333914', extend: '' }],
    ['a report without sid', [{ ...DOCUMENTED[0], sid: undefined }]],
    ['an oversized body', Buffer.alloc(256 * 1024, '[')],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe, 0x5b, 0x5d])],
  ])('%s is malformed, never a throw', async (_, body) => {
    expect(await verify({ body })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('maps report_status by table', () => {
    expect([...TENCENT_REPORT_STATUSES]).toEqual([
      ['SUCCESS', 'delivered'],
      ['FAIL', 'undelivered'],
    ]);
  });

  it.each([
    [{ token: TOKEN }, true],
    [{}, false],
    [{ token: 'short' }, false],
    [{ token: TOKEN, secret: 'x' }, false],
  ])('receipts block %j → %s', (block, ok) => {
    expect(tencentSmsReceipts.schema.safeParse(block).success).toBe(ok);
  });

  describe('matching the send', () => {
    const serialNo = '5000:1045710669157053657849499619';
    const reply = { status: 200, body: { Response: { SendStatusSet: [{ SerialNo: serialNo, Code: 'Ok', Message: 'send success' }], RequestId: 'r-1' } } };
    const deps = { name: 'main', channel: 'sms' as const, logger: pino({ level: 'silent' }) };
    const fixture = withStandIn(reply, (url) => instantiate(tencentSmsProvider, { ...config, endpoint: url }, deps));

    it("a report's sid is the SendSms SerialNo the send recorded", async () => {
      const message = { id: 'm-1', channel: 'sms' as const, to: '+8613711112222', type: 'SignIn' as const, locale: 'zh-CN', payload: { code: '4370' } };
      const sent = await fixture.provider.send({ ...message, content: { kind: 'remote', ref: { templateCode: '1113' } } }, ctx());
      const verdict = await verify({ body: [{ ...DOCUMENTED[0], sid: serialNo }] });
      expect(verdict.ok && verdict.receipts[0]?.providerMessageId).toBe(sent.providerMessageId);
    });
  });
});
