import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '../helpers/http-stand-in.js';
import { canonicalQuery, percentEncode } from '../../src/providers/aliyun-rpc/signature.js';
import { formatTimestamp, signedFormBody } from '../../src/providers/aliyun-rpc/request.js';
import { aliyunErrorCode } from '../../src/providers/aliyun-rpc/errors.js';
import { classifyAliyunCommonCode, createAliyunRpcClient, signedParams, signRpc, stringToSign } from './support/aliyun-rpc.js';

/**
 * Alibaba Cloud "Request signature" (RPC, signature v1.0), worked example: DescribeRegions with
 * AccessKeyId `testid`, AccessKeySecret `testsecret`, signed with key `testsecret&`.
 */
const DESCRIBE_REGIONS = {
  Timestamp: '2016-02-23T12:46:24Z',
  Format: 'XML',
  AccessKeyId: 'testid',
  Action: 'DescribeRegions',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
  Version: '2014-05-26',
  SignatureVersion: '1.0',
};

/**
 * Alibaba Cloud SMS "HTTP protocol and signature" worked example (SendSms, AccessKeyId `testId`,
 * secret `testSecret`): Chinese SignName and a JSON TemplateParam, with its published
 * StringToSign and Signature.
 */
const SEND_SMS = {
  AccessKeyId: 'testId',
  Action: 'SendSms',
  Format: 'XML',
  OutId: '123',
  PhoneNumbers: '15300000001',
  RegionId: 'cn-hangzhou',
  SignName: '阿里云短信测试专用',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
  SignatureVersion: '1.0',
  TemplateCode: 'SMS_71390007',
  TemplateParam: '{"customer":"test"}',
  Timestamp: '2017-07-12T02:42:19Z',
  Version: '2017-05-25',
};
const SEND_SMS_STRING_TO_SIGN =
  'GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001' +
  '%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1' +
  '%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1' +
  '%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007' +
  '%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z' +
  '%26Version%3D2017-05-25';

describe('Aliyun RPC signature v1.0 (published examples)', () => {
  it('reproduces the DescribeRegions example signature', () => {
    expect(signRpc('GET', DESCRIBE_REGIONS, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('reproduces the SendSms example StringToSign and signature (UTF-8 SignName, JSON param)', () => {
    expect(stringToSign('GET', SEND_SMS)).toBe(SEND_SMS_STRING_TO_SIGN);
    expect(signRpc('GET', SEND_SMS, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('sorts by name, so input order does not matter, and ignores an existing Signature', () => {
    const reversed = Object.fromEntries(Object.entries(DESCRIBE_REGIONS).reverse());
    expect(canonicalQuery(reversed)).toBe(canonicalQuery(DESCRIBE_REGIONS));
    expect(signRpc('GET', { ...DESCRIBE_REGIONS, Signature: 'stale' }, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    expect(canonicalQuery(DESCRIBE_REGIONS)).toBe(
      'AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1' +
        '&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0' +
        '&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26',
    );
  });

  it('signs POST requests with the POST method in the StringToSign', () => {
    expect(stringToSign('POST', { A: '1' })).toBe('POST&%2F&A%3D1');
  });

  it.each([
    ['a b', 'a%20b'],
    ['*', '%2A'],
    ['~-_.', '~-_.'],
    ['/=&+', '%2F%3D%26%2B'],
    ["!'()", '%21%27%28%29'],
    ['派', '%E6%B4%BE'],
    ['2016-02-23T12:46:24Z', '2016-02-23T12%3A46%3A24Z'],
    ['\uD800', '%EF%BF%BD'],
  ])('percent-encodes %j as %j', (input, expected) => {
    expect(percentEncode(input)).toBe(expected);
  });
});

describe('common RPC parameters', () => {
  const input = {
    action: 'SingleSendMail',
    version: '2015-11-23',
    accessKeyId: 'LTAIexample',
    accessKeySecret: 'secret',
    params: { AccountName: 'no-reply@example.com', Subject: 'Hi & bye' },
    timestamp: new Date('2024-05-01T08:09:10.123Z'),
    nonce: '6f1c7c1e-0000-4000-8000-000000000001',
  };

  it('formats the timestamp as ISO 8601 UTC without milliseconds', () => {
    expect(formatTimestamp(new Date('2024-05-01T08:09:10.999Z'))).toBe('2024-05-01T08:09:10Z');
  });

  it('adds every common parameter and a POST signature over all of them', () => {
    const params = signedParams(input);
    const { Signature, ...rest } = params;
    expect(rest).toEqual({
      AccountName: 'no-reply@example.com',
      Subject: 'Hi & bye',
      Action: 'SingleSendMail',
      Version: '2015-11-23',
      Format: 'JSON',
      AccessKeyId: 'LTAIexample',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: '6f1c7c1e-0000-4000-8000-000000000001',
      Timestamp: '2024-05-01T08:09:10Z',
    });
    expect(Signature).toBe(signRpc('POST', rest, 'secret'));
  });

  it('encodes the form body so a standard form parser gets the exact values back', () => {
    const decoded = Object.fromEntries(new URLSearchParams(signedFormBody(input)));
    expect(decoded).toEqual(signedParams(input));
  });
});

describe('createAliyunRpcClient', () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startStandIn({ status: 200, body: { RequestId: 'r-1' } });
  });
  afterAll(() => standIn.close());

  it('POSTs a signed form to the base path with a fresh nonce per call', async () => {
    let n = 0;
    const client = createAliyunRpcClient({
      baseUrl: `${standIn.url}/proxy`,
      provider: 'aliyun-test',
      timeoutMs: 2_000,
      accessKeyId: 'LTAIexample',
      accessKeySecret: 'secret',
      version: '2017-05-25',
      now: () => new Date('2024-05-01T08:09:10Z'),
      nonce: () => `nonce-${++n}`,
    });
    try {
      const res = await client.call('SendSms', { PhoneNumbers: '8613800138000' });
      await client.call('SendSms', { PhoneNumbers: '8613800138000' });
      expect(res.status).toBe(200);
      const [first, second] = standIn.requests.slice(-2);
      expect(first?.method).toBe('POST');
      expect(first?.path).toBe('/proxy/');
      expect(first?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      const params = Object.fromEntries(new URLSearchParams(first?.body));
      const { Signature, ...signed } = params;
      expect(Signature).toBe(signRpc('POST', signed, 'secret'));
      expect(signed).toMatchObject({ Action: 'SendSms', Version: '2017-05-25', SignatureNonce: 'nonce-1', Timestamp: '2024-05-01T08:09:10Z' });
      expect(new URLSearchParams(second?.body).get('SignatureNonce')).toBe('nonce-2');
    } finally {
      await client.close();
    }
  });
});

describe('Aliyun common error codes', () => {
  it.each([
    ['SignatureDoesNotMatch', 'permanent', 'connector'],
    ['InvalidAccessKeyId.NotFound', 'permanent', 'connector'],
    ['InvalidAccessKeyId.Inactive', 'permanent', 'connector'],
    ['Forbidden.RAM', 'permanent', 'connector'],
    ['Forbidden.SomethingNew', 'permanent', 'connector'],
    ['InvalidTimeStamp.Expired', 'permanent', 'connector'],
    ['MissingParameter', 'permanent', 'connector'],
    ['InvalidParameter', 'permanent', 'message'],
    ['SignatureNonceUsed', 'retryable', 'connector'],
    ['Throttling.User', 'rate_limited', 'connector'],
    ['Throttling.Api', 'rate_limited', 'connector'],
    ['Throttling', 'rate_limited', 'connector'],
    ['InternalError', 'retryable', 'connector'],
    ['ServiceUnavailable', 'retryable', 'connector'],
  ])('%s → %s (%s)', (code, kind, scope) => {
    const error = classifyAliyunCommonCode('aliyun-test', code);
    expect(error).toMatchObject({ kind, scope, code, provider: 'aliyun-test' });
  });

  it('leaves product codes to the provider', () => {
    expect(classifyAliyunCommonCode('aliyun-test', 'isv.MOBILE_NUMBER_ILLEGAL')).toBeUndefined();
  });

  it('reads the code of an error body, and nothing from other bodies', () => {
    expect(aliyunErrorCode('{"RequestId":"x","HostId":"dm.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied due to user flow control."}')).toBe(
      'Throttling.User',
    );
    expect(aliyunErrorCode('<html>bad gateway</html>')).toBeUndefined();
    expect(aliyunErrorCode('{"EnvId":"1"}')).toBeUndefined();
  });
});
