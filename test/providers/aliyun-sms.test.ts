import { instantiate } from '../../src/providers/types.js';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { expectRejectedAt } from './support/config.js';
import { ctx, expectSafeError } from './support/delivery.js';
import { withStandIn } from './support/stand-in.js';
import { describeTransportBehaviour } from './support/transport.js';
import { aliyunSmsProvider } from '../../src/providers/aliyun-sms/index.js';
import { aliyunSmsConfigSchema } from '../../src/providers/aliyun-sms/config.js';
import { classifySmsCode } from '../../src/providers/aliyun-sms/errors.js';
import { isChinaNumber, toAliyunPhoneNumber, toTemplateParam } from '../../src/providers/aliyun-sms/request.js';
import { msUntilNextChinaDay, msUntilNextChinaMonth } from '../../src/providers/shared/china-time.js';
import { signRpc } from './support/aliyun-rpc.js';
import type { OutgoingMessage, Provider } from '../../src/providers/types.js';

const deps = { name: 'primary', channel: 'sms' as const, logger: pino({ level: 'silent' }) };

/** A Logto `connector-aliyun-sms` config as the Logto console saves it. */
const logtoConfig = {
  accessKeyId: 'LTAI5tExampleKeyId',
  accessKeySecret: 'ExampleSecretValue0123456789',
  signName: '阿里云短信测试',
  templates: [
    { type: 2, usageType: 'SignIn', templateCode: 'SMS_460000001' },
    { type: 2, usageType: 'Register', templateCode: 'SMS_460000002' },
    { usageType: 'ForgotPassword', templateCode: 'SMS_460000003' },
    { type: 2, usageType: 'Generic', templateCode: { china: 'SMS_460000004', overseas: 'SMS_460000005' } },
  ],
  strictPhoneRegionNumberCheck: false,
};

const sms = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: 'msg-1',
  channel: 'sms',
  to: '+8613800138000',
  type: 'SignIn',
  locale: 'zh-CN',
  payload: { code: '123456', locale: 'zh-CN', user: { id: 'u1', primaryPhone: '8613800138000' }, minutes: 10, admin: true },
  content: { kind: 'remote', ref: { templateCode: 'SMS_460000001', type: 2 } },
  ...overrides,
});

const build = (endpoint: string, extra: Record<string, unknown> = {}): Provider =>
  instantiate(aliyunSmsProvider, aliyunSmsConfigSchema.parse({ ...logtoConfig, endpoint, ...extra }), deps);

describe('aliyun-sms config', () => {
  it('accepts a Logto config unchanged, defaulting the template type to 2', () => {
    const parsed = aliyunSmsConfigSchema.parse(logtoConfig);
    expect(parsed.templates[2]).toEqual({ type: 2, usageType: 'ForgotPassword', templateCode: 'SMS_460000003' });
    expect(parsed.templates[3]?.templateCode).toEqual({ china: 'SMS_460000004', overseas: 'SMS_460000005' });
  });

  it.each([
    [{ signName: undefined }, ['signName']],
    [{ templates: [] }, ['templates']],
    [{ templates: [{ type: 3, usageType: 'SignIn', templateCode: 'SMS_1' }] }, ['templates', 0, 'type']],
    [{ templates: [{ usageType: 'SignIn', templateCode: { china: 'SMS_1' } }] }, ['templates', 0, 'templateCode']],
    [{ strictPhoneRegionNumberCheck: 'yes' }, ['strictPhoneRegionNumberCheck']],
    [{ endpoint: 'not a url' }, ['endpoint']],
  ])('rejects %j at its path', (patch, path) => expectRejectedAt(aliyunSmsConfigSchema, { ...logtoConfig, ...patch }, path));

  it('rejects unknown keys', () => {
    expect(aliyunSmsConfigSchema.safeParse({ ...logtoConfig, regionId: 'cn-hangzhou' }).success).toBe(false);
  });

  it('offers its templates as remote ones and no rendered text', () => {
    const provider = instantiate(aliyunSmsProvider, aliyunSmsConfigSchema.parse(logtoConfig), deps);
    expect(provider.acceptsRenderedContent).toBe(false);
    expect(provider.templates).toContainEqual({
      kind: 'remote',
      usageType: 'Generic',
      ref: { templateCode: { china: 'SMS_460000004', overseas: 'SMS_460000005' }, type: 2 },
    });
  });
});

describe('aliyun-sms numbers and template parameters', () => {
  it.each([
    ['+8613800138000', false, true, '8613800138000'],
    ['+85261234567', false, false, '85261234567'],
    // Logto's loose rule would take this 11-digit US number for a Chinese one; E.164 says +1.
    ['+12025550123', false, false, '12025550123'],
    ['13800138000', false, true, '13800138000'],
    ['13800138000', true, false, '13800138000'],
    ['8613800138000', true, true, '8613800138000'],
    ['008613800138000', true, true, '008613800138000'],
  ])('%s (strict %s) → china %s, PhoneNumbers %s', (to, strict, china, phoneNumbers) => {
    expect(isChinaNumber(to, strict)).toBe(china);
    expect(toAliyunPhoneNumber(to)).toBe(phoneNumbers);
  });

  it('keeps top-level strings and numbers (as strings), drops locale and nested values', () => {
    expect(toTemplateParam({ code: '123456', locale: 'en', minutes: 10, user: { id: 'u1' }, tags: ['a'], ok: true, none: null })).toEqual({
      code: '123456',
      minutes: '10',
    });
  });
});

describe('aliyun-sms SendSms request', () => {
  const fixture = withStandIn(
    { status: 200, body: { Message: 'OK', RequestId: 'F655A8D5-B967-440B-8683-DAD6FF8DE990', Code: 'OK', BizId: '900619746936498440^0' } },
    (url) => build(url),
  );

  const lastParams = () => Object.fromEntries(new URLSearchParams(fixture.standIn.requests.at(-1)?.body));

  it('sends every documented field, signed', async () => {
    const result = await fixture.provider.send(sms(), ctx());
    expect(result).toEqual({ providerMessageId: '900619746936498440^0' });

    const req = fixture.standIn.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/');
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const { Signature, Timestamp, SignatureNonce, ...rest } = lastParams();
    expect(rest).toEqual({
      Action: 'SendSms',
      Version: '2017-05-25',
      Format: 'JSON',
      AccessKeyId: 'LTAI5tExampleKeyId',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      RegionId: 'cn-hangzhou',
      PhoneNumbers: '8613800138000',
      SignName: '阿里云短信测试',
      TemplateCode: 'SMS_460000001',
      TemplateParam: '{"code":"123456","minutes":"10"}',
    });
    expect(Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(SignatureNonce).toMatch(/^[0-9a-f-]{36}$/);
    expect(Signature).toBe(signRpc('POST', { ...rest, Timestamp: Timestamp ?? '', SignatureNonce: SignatureNonce ?? '' }, logtoConfig.accessKeySecret));
  });

  it.each([
    ['+8613800138000', 'SMS_460000004', '8613800138000'],
    ['+85261234567', 'SMS_460000005', '85261234567'],
    ['+447911123456', 'SMS_460000005', '447911123456'],
  ])('picks the china/overseas code for %s', async (to, templateCode, phoneNumbers) => {
    const ref = { templateCode: { china: 'SMS_460000004', overseas: 'SMS_460000005' }, type: 2 };
    await fixture.provider.send(sms({ to, content: { kind: 'remote', ref } }), ctx());
    expect(lastParams()).toMatchObject({ TemplateCode: templateCode, PhoneNumbers: phoneNumbers });
  });

  it('refuses rendered text without calling the API', async () => {
    const count = fixture.standIn.requests.length;
    await expect(fixture.provider.send(sms({ content: { kind: 'sms', text: 'Your code is 123456' } }), ctx())).rejects.toMatchObject({
      kind: 'permanent',
      code: 'template_not_supported',
    });
    await expect(fixture.provider.send(sms({ content: { kind: 'remote', ref: { templateAlias: 'x' } } }), ctx())).rejects.toMatchObject({
      code: 'template_not_supported',
    });
    expect(fixture.standIn.requests.length).toBe(count);
  });
});

const business = (Code: string, Message: string) => ({ Message, RequestId: 'A9C2F5B0-0000-4C11-8C6B-000000000001', Code });
const gateway = (Code: string, Message: string) => ({
  RequestId: 'A9C2F5B0-0000-4C11-8C6B-000000000002',
  HostId: 'dysmsapi.aliyuncs.com',
  Code,
  Message,
  Recommend: `https://api.aliyun.com/troubleshoot?q=${Code}&product=Dysmsapi`,
});

describe('aliyun-sms error classification', () => {
  const fixture = withStandIn(undefined, (url) => build(url));

  it.each([
    [200, business('isv.BUSINESS_LIMIT_CONTROL', '触发分钟级流控Permits:1'), 'rate_limited', 'message'],
    [200, business('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号'), 'permanent', 'message'],
    [200, business('isv.MOBILE_COUNT_OVER_LIMIT', '手机号码数量超过限制'), 'permanent', 'message'],
    [200, business('isv.BLACK_KEY_CONTROL_LIMIT', '黑名单管控'), 'permanent', 'message'],
    [200, business('isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值'), 'permanent', 'message'],
    [200, business('isv.PARAM_LENGTH_LIMIT', '参数超出长度限制'), 'permanent', 'message'],
    [200, business('isv.TEMPLATE_MISSING_PARAMETERS', '模板缺少变量'), 'permanent', 'connector'],
    [200, business('isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板'), 'permanent', 'connector'],
    [200, business('isv.SMS_SIGNATURE_ILLEGAL', '该账号下找不到对应签名'), 'permanent', 'connector'],
    [200, business('isv.SMS_SIGNATURE_SCENE_ILLEGAL', '签名和模板类型不一致'), 'permanent', 'connector'],
    [200, business('isv.AMOUNT_NOT_ENOUGH', '账户余额不足'), 'permanent', 'connector'],
    [200, business('isv.OUT_OF_SERVICE', '业务停机'), 'permanent', 'connector'],
    [200, business('isp.RAM_PERMISSION_DENY', 'RAM权限DENY'), 'permanent', 'connector'],
    [200, business('isv.DAY_LIMIT_CONTROL', '触发日发送限额'), 'rate_limited', 'connector'],
    [200, business('isv.MONTH_LIMIT_CONTROL', '触发月发送限额'), 'rate_limited', 'connector'],
    [200, business('isp.SYSTEM_ERROR', '系统错误'), 'retryable', 'connector'],
    [200, business('isv.SOMETHING_NEW', 'x'), 'permanent', 'message'],
    [200, business('isp.SOMETHING_NEW', 'x'), 'retryable', 'connector'],
    [400, gateway('SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.'), 'permanent', 'connector'],
    [404, gateway('InvalidAccessKeyId.NotFound', 'Specified access key is not found.'), 'permanent', 'connector'],
    [400, gateway('Throttling.User', 'Request was denied due to user flow control.'), 'rate_limited', 'connector'],
    [503, gateway('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'), 'retryable', 'connector'],
  ])('HTTP %i %j → %s (%s)', async (status, body, kind, scope) => {
    fixture.standIn.reply({ status, body });
    const error = await fixture.provider.send(sms(), ctx()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'DeliveryError', kind, scope, code: body.Code, provider: 'aliyun-sms' });
    expectSafeError(error, { recipient: '13800138000', code: '123456', others: [body.Message] });
  });

  it.each([
    [502, '<html>Bad Gateway</html>', 'retryable', 'http_502'],
    [500, '', 'retryable', 'http_500'],
  ])('HTTP %i %j → %s %s', async (status, body, kind, code) => {
    fixture.standIn.reply({ status, body });
    await expect(fixture.provider.send(sms(), ctx())).rejects.toMatchObject({ kind, code });
  });

  it.each(['OK', '{"Code":"OK","Message":"OK","RequestId":"r"}'])('takes a 2xx %j as an unexpected answer, not an error', async (body) => {
    fixture.standIn.reply({ status: 200, body });
    await expect(fixture.provider.send(sms(), ctx())).resolves.toEqual({ unexpectedResponse: true });
  });

  it('waits out the flow-control window that tripped', () => {
    const now = Date.UTC(2024, 4, 1, 15, 30); // 23:30 in China
    expect(classifySmsCode('isv.BUSINESS_LIMIT_CONTROL', '触发分钟级流控Permits:1', now).retryAfterMs).toBe(60_000);
    expect(classifySmsCode('isv.BUSINESS_LIMIT_CONTROL', '触发小时级流控Permits:5', now).retryAfterMs).toBe(3_600_000);
    expect(classifySmsCode('isv.BUSINESS_LIMIT_CONTROL', '触发天级流控Permits:10', now).retryAfterMs).toBe(1_800_000);
    expect(classifySmsCode('isv.DAY_LIMIT_CONTROL', '', now).retryAfterMs).toBe(1_800_000);
    expect(classifySmsCode('Throttling.User', '', now).retryAfterMs).toBe(1_000);
  });

  it('counts days and months in China time', () => {
    expect(msUntilNextChinaDay(Date.UTC(2024, 4, 1, 16, 0))).toBe(86_400_000); // midnight in China
    expect(msUntilNextChinaMonth(Date.UTC(2024, 4, 31, 15, 0))).toBe(3_600_000); // 23:00 on 31 May
    expect(msUntilNextChinaMonth(Date.UTC(2024, 11, 31, 15, 59))).toBe(60_000); // over the year end
  });
});

describeTransportBehaviour('aliyun-sms', {
  create: (url, extra) => build(url, extra),
  message: () => sms(),
  ok: { status: 200, body: { Message: 'OK', RequestId: 'r', Code: 'OK', BizId: 'b' } },
  singleConnection: 'after-yield',
});
