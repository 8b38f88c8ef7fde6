import { instantiate } from '../../src/providers/types.js';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { expectRejectedAt } from './support/config.js';
import { ctx, expectSafeError } from './support/delivery.js';
import { withStandIn } from './support/stand-in.js';
import { describeTransportBehaviour } from './support/transport.js';
import { tencentSmsProvider } from '../../src/providers/tencent-sms/index.js';
import { tencentSmsConfigSchema } from '../../src/providers/tencent-sms/config.js';
import { classifyTencentCode } from '../../src/providers/tencent-sms/errors.js';
import { toTemplateParamSet } from '../../src/providers/tencent-sms/request.js';
import { canonicalRequest, stringToSign, tc3Authorization, tc3Date, tc3Signature } from '../../src/providers/tencent-sms/signature.js';
import type { OutgoingMessage, Provider } from '../../src/providers/types.js';

/**
 * TencentCloud API 3.0 "Signature v3" worked example: CVM DescribeInstances in ap-guangzhou at
 * 1551113065 (2019-02-26 00:44:25 in UTC+8, so the scope date is 2019-02-25), with the
 * published intermediate values and signature.
 */
const EXAMPLE = {
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
  service: 'cvm',
  host: 'cvm.tencentcloudapi.com',
  contentType: 'application/json; charset=utf-8',
  payload: String.raw`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`,
  timestamp: 1551113065,
};

describe('TC3-HMAC-SHA256 (published example)', () => {
  it('builds the published CanonicalRequest (payload hash 35e9c5b0…)', () => {
    expect(canonicalRequest(EXAMPLE)).toBe(
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n' +
        '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
  });

  it('builds the published StringToSign with the UTC date', () => {
    expect(tc3Date(EXAMPLE.timestamp)).toBe('2019-02-25');
    expect(stringToSign(EXAMPLE)).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
    );
  });

  it('reproduces the published signature and Authorization', () => {
    expect(tc3Signature(EXAMPLE)).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    expect(tc3Authorization(EXAMPLE)).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });

  it('reproduces the earlier edition of the example (masked key, signature 2230eefd…)', () => {
    const masked = { ...EXAMPLE, secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******', secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******' };
    expect(tc3Authorization(masked)).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
    );
  });
});

const deps = { name: 'primary', channel: 'sms' as const, logger: pino({ level: 'silent' }) };

/** A Logto `connector-tencent-sms` config as the Logto console saves it. */
const logtoConfig = {
  accessKeyId: 'AKIDexampleSecretId0000000000000000',
  accessKeySecret: 'exampleSecretKey0000000000000000',
  signName: '腾讯云',
  sdkAppId: '1400006666',
  region: 'ap-guangzhou',
  templates: [
    { usageType: 'SignIn', templateCode: '1110' },
    { usageType: 'Register', templateCode: '1111' },
    { usageType: 'ForgotPassword', templateCode: '1112' },
    { usageType: 'Generic', templateCode: '1113' },
  ],
};

const sms = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: 'msg-1',
  channel: 'sms',
  to: '+8613711112222',
  type: 'SignIn',
  locale: 'zh-CN',
  payload: { code: '4370', locale: 'zh-CN', user: { id: 'u1' }, minutes: 10 },
  content: { kind: 'remote', ref: { templateCode: '1110' } },
  ...overrides,
});

const build = (endpoint: string, extra: Record<string, unknown> = {}): Provider =>
  instantiate(tencentSmsProvider, tencentSmsConfigSchema.parse({ ...logtoConfig, endpoint, ...extra }), deps);

describe('tencent-sms config', () => {
  it('accepts a Logto config unchanged', () => {
    expect(tencentSmsConfigSchema.parse(logtoConfig)).toEqual(logtoConfig);
  });

  it.each([
    [{ sdkAppId: undefined }, ['sdkAppId']],
    [{ region: '' }, ['region']],
    [{ templates: [] }, ['templates']],
    [{ templates: [{ usageType: 'SignIn' }] }, ['templates', 0, 'templateCode']],
    [{ endpoint: 'sms.tencentcloudapi.com' }, ['endpoint']],
  ])('rejects %j at its path', (patch, path) => expectRejectedAt(tencentSmsConfigSchema, { ...logtoConfig, ...patch }, path));

  it('rejects unknown keys', () => {
    expect(tencentSmsConfigSchema.safeParse({ ...logtoConfig, senderId: 'x' }).success).toBe(false);
  });

  it('offers its templates as remote ones and no rendered text', () => {
    const provider = instantiate(tencentSmsProvider, tencentSmsConfigSchema.parse(logtoConfig), deps);
    expect(provider.acceptsRenderedContent).toBe(false);
    expect(provider.templates).toContainEqual({ kind: 'remote', usageType: 'Generic', ref: { templateCode: '1113' } });
  });

  it('fills positional parameters from top-level strings and numbers in key order, without locale', () => {
    expect(toTemplateParamSet({ locale: 'en', code: '4370', user: { id: 'u1' }, minutes: 5, link: 'x' })).toEqual(['4370', '5', 'x']);
  });
});

describe('tencent-sms SendSms request', () => {
  const success = {
    Response: {
      SendStatusSet: [
        {
          SerialNo: '5000:1045710669157053657849499619',
          PhoneNumber: '+8613711112222',
          Fee: 1,
          SessionContext: '',
          Code: 'Ok',
          Message: 'send success',
          IsoCode: 'CN',
        },
      ],
      RequestId: 'a0aabda6-cf91-4f3e-a81f-9198114a2279',
    },
  };
  const fixture = withStandIn({ status: 200, body: success }, (url) => build(url));

  it('sends the documented headers and body, signed with TC3', async () => {
    const before = Math.floor(Date.now() / 1000);
    const result = await fixture.provider.send(sms(), ctx());
    expect(result).toEqual({ providerMessageId: '5000:1045710669157053657849499619' });

    const req = fixture.standIn.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/');
    const host = new URL(fixture.standIn.url).host;
    expect(req?.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      host,
      'x-tc-action': 'SendSms',
      'x-tc-version': '2021-01-11',
      'x-tc-region': 'ap-guangzhou',
    });
    const timestamp = Number(req?.headers['x-tc-timestamp']);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));

    expect(JSON.parse(req?.body ?? '')).toEqual({
      PhoneNumberSet: ['+8613711112222'],
      SmsSdkAppId: '1400006666',
      SignName: '腾讯云',
      TemplateId: '1110',
      TemplateParamSet: ['4370', '10'],
    });
    expect(req?.headers.authorization).toBe(
      tc3Authorization({
        secretId: logtoConfig.accessKeyId,
        secretKey: logtoConfig.accessKeySecret,
        service: 'sms',
        host,
        contentType: 'application/json; charset=utf-8',
        payload: req?.body ?? '',
        timestamp,
      }),
    );
    expect(req?.headers.authorization).toMatch(
      new RegExp(`^TC3-HMAC-SHA256 Credential=${logtoConfig.accessKeyId}/\\d{4}-\\d\\d-\\d\\d/sms/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$`),
    );
  });

  it('sends international numbers in E.164 as given', async () => {
    await fixture.provider.send(sms({ to: '+6591234567', content: { kind: 'remote', ref: { templateCode: '2001' } } }), ctx());
    expect(JSON.parse(fixture.standIn.requests.at(-1)?.body ?? '')).toMatchObject({ PhoneNumberSet: ['+6591234567'], TemplateId: '2001' });
  });

  it('refuses rendered text without calling the API', async () => {
    const count = fixture.standIn.requests.length;
    await expect(fixture.provider.send(sms({ content: { kind: 'sms', text: 'Your code is 4370' } }), ctx())).rejects.toMatchObject({
      kind: 'permanent',
      code: 'template_not_supported',
    });
    expect(fixture.standIn.requests.length).toBe(count);
  });
});

const apiError = (Code: string, Message: string) => ({
  Response: { Error: { Code, Message }, RequestId: 'ed93f3cb-f35e-473f-b9f3-0d451b8b79c6' },
});
const numberError = (Code: string, Message: string) => ({
  Response: {
    SendStatusSet: [{ SerialNo: '', PhoneNumber: '+8613711112222', Fee: 0, SessionContext: '', Code, Message, IsoCode: 'CN' }],
    RequestId: 'b2c6a1f4-2f0d-4c8e-9c7b-000000000001',
  },
});

describe('tencent-sms error classification', () => {
  const fixture = withStandIn(undefined, (url) => build(url));

  it.each([
    ['AuthFailure.SignatureFailure', 'The provided credentials could not be validated.', 'permanent', 'connector'],
    ['AuthFailure.SecretIdNotFound', 'The SecretId is not found.', 'permanent', 'connector'],
    ['AuthFailure.SignatureExpire', 'Signature expired.', 'permanent', 'connector'],
    ['UnauthorizedOperation.SmsSdkAppIdVerifyFail', 'SmsSdkAppId verify fail.', 'permanent', 'connector'],
    ['UnauthorizedOperation.SerivceSuspendDueToArrears', 'Service suspended.', 'permanent', 'connector'],
    ['FailedOperation.InsufficientBalanceInSmsPackage', 'Insufficient balance.', 'permanent', 'connector'],
    ['FailedOperation.SignatureIncorrectOrUnapproved', 'Signature unapproved.', 'permanent', 'connector'],
    ['FailedOperation.TemplateIncorrectOrUnapproved', 'Template unapproved.', 'permanent', 'connector'],
    ['FailedOperation.TemplateParamSetNotMatchApprovedTemplate', 'Param count mismatch.', 'permanent', 'connector'],
    ['InvalidParameterValue.IncorrectPhoneNumber', 'incorrect number format', 'permanent', 'message'],
    ['FailedOperation.PhoneNumberInBlacklist', 'in blacklist', 'permanent', 'message'],
    ['InvalidParameterValue.TemplateParameterFormatError', 'format error', 'permanent', 'message'],
    ['FailedOperation.ContainSensitiveWord', 'sensitive word', 'permanent', 'message'],
    ['LimitExceeded.PhoneNumberThirtySecondLimit', '30s limit', 'rate_limited', 'message'],
    ['LimitExceeded.PhoneNumberOneHourLimit', '1h limit', 'rate_limited', 'message'],
    ['LimitExceeded.PhoneNumberDailyLimit', 'daily limit', 'rate_limited', 'message'],
    ['LimitExceeded.AppDailyLimit', 'app daily limit', 'rate_limited', 'connector'],
    ['RequestLimitExceeded', 'Your current request times equals to `3001` in a second.', 'rate_limited', 'connector'],
    ['RequestLimitExceeded.UinLimitExceeded', 'uin limit', 'rate_limited', 'connector'],
    ['InternalError.Timeout', 'timeout', 'retryable', 'connector'],
    ['InternalError.SendAndRecvFail', 'send and recv fail', 'retryable', 'connector'],
    ['InternalError', 'internal', 'retryable', 'connector'],
    ['UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone', 'template region', 'permanent', 'connector'],
    ['FailedOperation.SomethingNew', 'x', 'permanent', 'message'],
  ])('Response.Error %s → %s (%s)', async (code, message, kind, scope) => {
    fixture.standIn.reply({ status: 200, body: apiError(code, message) });
    const error = await fixture.provider.send(sms(), ctx()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'DeliveryError', kind, scope, code, provider: 'tencent-sms' });
    expectSafeError(error, { recipient: '13711112222', code: '4370', others: [message] });
  });

  it.each([
    ['LimitExceeded.PhoneNumberDailyLimit', 'rate_limited', 'message'],
    ['InvalidParameterValue.IncorrectPhoneNumber', 'permanent', 'message'],
    ['FailedOperation.PhoneNumberInBlacklist', 'permanent', 'message'],
    ['UnsupportedOperation.UnsuportedRegion', 'permanent', 'connector'],
  ])('SendStatusSet[0].Code %s → %s (%s)', async (code, kind, scope) => {
    fixture.standIn.reply({ status: 200, body: numberError(code, 'refused') });
    await expect(fixture.provider.send(sms(), ctx())).rejects.toMatchObject({ kind, scope, code });
  });

  it.each([
    [502, '<html>Bad Gateway</html>', 'retryable', 'http_502'],
    [503, '', 'retryable', 'http_503'],
  ])('HTTP %i %j → %s %s', async (status, body, kind, code) => {
    fixture.standIn.reply({ status, body });
    await expect(fixture.provider.send(sms(), ctx())).rejects.toMatchObject({ kind, code });
  });

  it.each(['{"Response":{"RequestId":"x"}}', 'not json'])('takes a 2xx %j as an unexpected answer, not an error', async (body) => {
    fixture.standIn.reply({ status: 200, body });
    await expect(fixture.provider.send(sms(), ctx())).resolves.toEqual({ unexpectedResponse: true });
  });

  it('waits for the window of each per-number limit', () => {
    const now = Date.UTC(2024, 4, 1, 15, 0); // 23:00 in China
    expect(classifyTencentCode('LimitExceeded.PhoneNumberThirtySecondLimit', now).retryAfterMs).toBe(30_000);
    expect(classifyTencentCode('LimitExceeded.PhoneNumberOneHourLimit', now).retryAfterMs).toBe(3_600_000);
    expect(classifyTencentCode('LimitExceeded.PhoneNumberDailyLimit', now).retryAfterMs).toBe(3_600_000);
    expect(classifyTencentCode('LimitExceeded.AppDailyLimit', now).retryAfterMs).toBe(3_600_000);
    expect(classifyTencentCode('RequestLimitExceeded.IPLimitExceeded', now).retryAfterMs).toBe(1_000);
  });
});

describeTransportBehaviour('tencent-sms', {
  create: (url, extra) => build(url, extra),
  message: () => sms(),
  ok: { status: 200, body: { Response: { SendStatusSet: [{ Code: 'Ok', SerialNo: 's' }], RequestId: 'r' } } },
  singleConnection: 'after-yield',
});
