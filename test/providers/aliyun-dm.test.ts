import { instantiate } from '../../src/providers/types.js';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { expectRejectedAt } from './support/config.js';
import { ctx, expectSafeError } from './support/delivery.js';
import { withStandIn } from './support/stand-in.js';
import { describeTransportBehaviour } from './support/transport.js';
import { aliyunDmProvider } from '../../src/providers/aliyun-dm/index.js';
import { aliyunDmConfigSchema, dmBaseUrl, DM_REGIONS } from '../../src/providers/aliyun-dm/config.js';
import { classifyDmError } from '../../src/providers/aliyun-dm/errors.js';
import { signRpc } from './support/aliyun-rpc.js';
import type { OutgoingMessage, Provider } from '../../src/providers/types.js';

const deps = { name: 'primary', channel: 'email' as const, logger: pino({ level: 'silent' }) };

/** A Logto `connector-aliyun-dm` config as the Logto console saves it. */
const logtoConfig = {
  accessKeyId: 'LTAI5tExampleKeyId',
  accessKeySecret: 'ExampleSecretValue0123456789',
  accountName: 'no-reply@mail.example.com',
  fromAlias: 'Example',
  regionId: 'ap-southeast-1',
  templates: [
    { usageType: 'SignIn', subject: 'Sign-in code', content: '<p>Your sign-in code is {{code}}.</p>' },
    { usageType: 'Register', subject: 'Sign-up code', content: '<p>Your sign-up code is {{code}}.</p>' },
    { usageType: 'ForgotPassword', subject: 'Reset code', content: '<p>Your reset code is {{code}}.</p>' },
    { usageType: 'Generic', subject: 'Verification code', content: '<p>Your code is {{code}}.</p>' },
  ],
};

const email = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: 'msg-1',
  channel: 'email',
  to: 'alice@example.org',
  type: 'SignIn',
  locale: 'en',
  payload: { code: '123456', locale: 'en' },
  content: { kind: 'email', subject: 'Sign-in code', text: 'Your sign-in code is 123456.', html: '<p>Your sign-in code is 123456.</p>' },
  ...overrides,
});

const build = (endpoint: string, extra: Record<string, unknown> = {}): Provider =>
  instantiate(aliyunDmProvider, aliyunDmConfigSchema.parse({ ...logtoConfig, endpoint, ...extra }), deps);

describe('aliyun-dm config', () => {
  it('accepts a Logto config unchanged', () => {
    const parsed = aliyunDmConfigSchema.parse(logtoConfig);
    expect(parsed).toMatchObject(logtoConfig);
  });

  it.each([
    [{ accountName: undefined }, ['accountName']],
    [{ regionId: 'cn-beijing' }, ['regionId']],
    [{ templates: [{ usageType: 'SignIn', content: 'x' }] }, ['templates', 0, 'subject']],
    [{ endpoint: 'ftp://dm.example.com' }, ['endpoint']],
    [{ timeoutMs: 5 }, ['timeoutMs']],
    [{ accessKeySecret: '' }, ['accessKeySecret']],
  ])('rejects %j at its path', (patch, path) => expectRejectedAt(aliyunDmConfigSchema, { ...logtoConfig, ...patch }, path));

  it('rejects unknown keys', () => {
    const result = aliyunDmConfigSchema.safeParse({ ...logtoConfig, replyTo: 'x@example.com' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it.each([
    ['cn-hangzhou', 'https://dm.aliyuncs.com'],
    ['ap-southeast-1', 'https://dm.ap-southeast-1.aliyuncs.com'],
    ['ap-southeast-2', 'https://dm.ap-southeast-2.aliyuncs.com'],
    ['eu-central-1', 'https://dm.eu-central-1.aliyuncs.com'],
    ['us-east-1', 'https://dm.us-east-1.aliyuncs.com'],
  ] as const)('uses the %s endpoint %s', (regionId, url) => {
    expect(DM_REGIONS).toContain(regionId);
    expect(dmBaseUrl({ regionId })).toBe(url);
  });

  it('defaults to Hangzhou and lets endpoint override the region', () => {
    expect(dmBaseUrl({})).toBe('https://dm.aliyuncs.com');
    expect(dmBaseUrl({ regionId: 'us-east-1', endpoint: 'http://127.0.0.1:9/dm' })).toBe('http://127.0.0.1:9/dm');
  });

  it('exposes the config templates as local HTML templates', () => {
    const provider = instantiate(aliyunDmProvider, aliyunDmConfigSchema.parse(logtoConfig), deps);
    expect(provider.acceptsRenderedContent).toBe(true);
    expect(provider.templates[0]).toEqual({
      kind: 'local',
      usageType: 'SignIn',
      subject: 'Sign-in code',
      content: '<p>Your sign-in code is {{code}}.</p>',
      contentType: 'text/html',
    });
  });
});

describe('aliyun-dm SingleSendMail request', () => {
  const fixture = withStandIn({ status: 200, body: { EnvId: '600000123456', RequestId: '2D8D1E25-7B21-4F3B-9A8E-0B9F1E1F0001' } }, (url) => build(`${url}/`));

  const lastParams = () => Object.fromEntries(new URLSearchParams(fixture.standIn.requests.at(-1)?.body));

  it('sends every documented field, signed', async () => {
    const before = Date.now();
    const result = await fixture.provider.send(email(), ctx());
    expect(result).toEqual({ providerMessageId: '600000123456' });

    const req = fixture.standIn.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/');
    expect(req?.url).toBe('/');
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');

    const { Signature, Timestamp, SignatureNonce, ...rest } = lastParams();
    expect(rest).toEqual({
      Action: 'SingleSendMail',
      Version: '2015-11-23',
      Format: 'JSON',
      AccessKeyId: 'LTAI5tExampleKeyId',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      RegionId: 'ap-southeast-1',
      AccountName: 'no-reply@mail.example.com',
      AddressType: '1',
      ReplyToAddress: 'false',
      ToAddress: 'alice@example.org',
      FromAlias: 'Example',
      Subject: 'Sign-in code',
      HtmlBody: '<p>Your sign-in code is 123456.</p>',
    });
    expect(Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(Timestamp ?? '')).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(SignatureNonce).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Signature).toBe(signRpc('POST', { ...rest, Timestamp: Timestamp ?? '', SignatureNonce: SignatureNonce ?? '' }, logtoConfig.accessKeySecret));
  });

  it('draws a new nonce for every request', async () => {
    await fixture.provider.send(email(), ctx());
    const first = lastParams().SignatureNonce;
    await fixture.provider.send(email(), ctx());
    expect(lastParams().SignatureNonce).not.toBe(first);
  });

  it('sends plain-text mail as TextBody and a template reply-to as ReplyAddress', async () => {
    await fixture.provider.send(
      email({ content: { kind: 'email', subject: 'Code', text: 'Your code is 123456.', replyTo: 'support@example.com' } }),
      ctx(),
    );
    const params = lastParams();
    expect(params.TextBody).toBe('Your code is 123456.');
    expect(params.HtmlBody).toBeUndefined();
    expect(params.ReplyAddress).toBe('support@example.com');
    expect(params.ReplyToAddress).toBe('false');
  });

  it('omits FromAlias when Logto has none', async () => {
    const noAlias = build(`${fixture.standIn.url}/`, { fromAlias: undefined });
    try {
      await noAlias.send(email(), ctx());
      expect(lastParams().FromAlias).toBeUndefined();
    } finally {
      await noAlias.close();
    }
  });

  it('refuses vendor-template content without calling the API', async () => {
    const count = fixture.standIn.requests.length;
    await expect(fixture.provider.send(email({ content: { kind: 'remote', ref: { templateCode: 'x' } } }), ctx())).rejects.toMatchObject({
      kind: 'permanent',
      code: 'template_not_supported',
      scope: 'connector',
    });
    expect(fixture.standIn.requests.length).toBe(count);
  });
});

const errorBody = (Code: string, Message: string) => ({
  RequestId: '5E2A2B8C-8B7C-4F1E-9D9B-000000000001',
  HostId: 'dm.aliyuncs.com',
  Code,
  Message,
  Recommend: `https://api.aliyun.com/troubleshoot?q=${Code}&product=Dm`,
});

describe('aliyun-dm error classification', () => {
  const fixture = withStandIn(undefined, (url) => build(url));

  it.each([
    [400, errorBody('InvalidToAddress', 'The specified toAddress is wrongly formed.'), 'permanent', 'message', 'InvalidToAddress'],
    [400, errorBody('InvalidToAddress.Spam', 'Sendmail rejected by invalid address.'), 'permanent', 'message', 'InvalidToAddress.Spam'],
    [400, errorBody('InvalidReceiverName.Malformed', 'The specified receiver name is wrongly formed.'), 'permanent', 'message', 'InvalidReceiverName.Malformed'],
    [400, errorBody('InvalidBody', 'The specified textBody or htmlBody is wrongly formed.'), 'permanent', 'message', 'InvalidBody'],
    [400, errorBody('InvalidSubject.Malformed', 'The specified subject is wrongly formed.'), 'permanent', 'message', 'InvalidSubject.Malformed'],
    [404, errorBody('InvalidMailAddress.NotFound', 'The specified mailAddress does not exist.'), 'permanent', 'connector', 'InvalidMailAddress.NotFound'],
    [400, errorBody('InvalidMailAddressStatus.Malformed', 'The specified mailAddress status is wrongly formed.'), 'permanent', 'connector', 'InvalidMailAddressStatus.Malformed'],
    [400, errorBody('InvalidFromAlias.Malformed', 'The specified fromAlias is wrongly formed.'), 'permanent', 'connector', 'InvalidFromAlias.Malformed'],
    [400, errorBody('InvalidSendMail.Spam', 'Sendmail rejected by spam filter.'), 'rate_limited', 'connector', 'InvalidSendMail.Spam'],
    [400, errorBody('Throttling.User', 'Request was denied due to user flow control.'), 'rate_limited', 'connector', 'Throttling.User'],
    [404, errorBody('InvalidAccessKeyId.NotFound', 'Specified access key is not found.'), 'permanent', 'connector', 'InvalidAccessKeyId.NotFound'],
    [400, errorBody('SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.'), 'permanent', 'connector', 'SignatureDoesNotMatch'],
    [403, errorBody('Forbidden.RAM', 'User not authorized to operate on the specified resource.'), 'permanent', 'connector', 'Forbidden.RAM'],
    [500, errorBody('InternalError', 'The request processing has failed due to some unknown error.'), 'retryable', 'connector', 'InternalError'],
    [503, errorBody('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'), 'retryable', 'connector', 'ServiceUnavailable'],
    [400, errorBody('SomeFutureCode', 'x'), 'permanent', 'message', 'SomeFutureCode'],
    [502, '<html>Bad Gateway</html>', 'retryable', 'connector', 'http_502'],
    [429, '', 'rate_limited', 'connector', 'http_429'],
  ])('HTTP %i %j → %s (%s, %s)', async (status, body, kind, scope, code) => {
    fixture.standIn.reply({ status, body });
    const error = await fixture.provider.send(email(), ctx()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'DeliveryError', kind, scope, code, provider: 'aliyun-dm' });
    expectSafeError(error, { recipient: 'alice@example.org', code: '123456', others: ['wrongly formed'] });
  });

  it('takes a 2xx without EnvId as an unexpected answer, not an error (the vendor took it)', async () => {
    fixture.standIn.reply({ status: 200, body: '{"RequestId":"x"}' });
    await expect(fixture.provider.send(email(), ctx())).resolves.toEqual({ unexpectedResponse: true });
  });

  it('keeps Retry-After on a 503', () => {
    const error = classifyDmError({ status: 503, headers: { 'retry-after': '7' }, body: '' });
    expect(error).toMatchObject({ kind: 'retryable', retryAfterMs: 7_000 });
  });

  it('gives throttles a wait', () => {
    const error = classifyDmError({ status: 400, headers: {}, body: JSON.stringify(errorBody('Throttling.User', 'x')) });
    expect(error?.retryAfterMs).toBeGreaterThan(0);
  });
});

describeTransportBehaviour('aliyun-dm', {
  create: (url, extra) => build(url, extra),
  message: () => email(),
  ok: { status: 200, body: { EnvId: '1', RequestId: 'r' } },
  singleConnection: 'after-yield',
});
