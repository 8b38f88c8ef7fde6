import { instantiate } from '../../src/providers/types.js';
import { createHash, createHmac } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { DeliveryError } from '../../src/errors/delivery-error.js';
import { classifySesError } from '../../src/providers/aws-ses/errors.js';
import { awsSesProvider } from '../../src/providers/aws-ses/index.js';
import type { OutgoingMessage, Provider } from '../../src/providers/types.js';
import type { StandInReply } from '../helpers/http-stand-in.js';
import { expectAccepted, issuePaths } from './support/config.js';
import { ctx, deliveryFailure as failure, expectSafeError } from './support/delivery.js';
import { emailMessage } from './support/messages.js';
import { withStandIn } from './support/stand-in.js';
import { describeTransportBehaviour } from './support/transport.js';

/** A connector config as Logto's console stores it for connector-aws-ses. */
const logtoConfig = {
  accessKeyId: 'AKIAEXAMPLEKEY123456',
  accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'eu-west-1',
  emailAddress: 'Acme <no-reply@acme.test>',
  emailAddressIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/acme.test',
  templates: [
    { usageType: 'SignIn', subject: 'Sign in', content: '<p>Your code is {{code}}</p>' },
    { usageType: 'Register', subject: 'Welcome', content: '<p>{{code}}</p>' },
    { usageType: 'ForgotPassword', subject: 'Reset', content: '<p>{{code}}</p>' },
    { usageType: 'Generic', subject: 'Code', content: '<p>{{code}}</p>' },
  ],
  feedbackForwardingEmailAddress: 'bounces@acme.test',
  feedbackForwardingEmailAddressIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/bounces.acme.test',
  configurationSetName: 'otp',
};

const logger = pino({ level: 'silent' });
const message = (content?: OutgoingMessage['content']): OutgoingMessage => emailMessage(content && { content });

const create = (overrides: Record<string, unknown>): Provider =>
  instantiate(awsSesProvider, awsSesProvider.configSchema.parse({ ...logtoConfig, ...overrides }), { name: 'primary', channel: 'email', logger });

// ---- SigV4, recomputed independently over the request the stand-in recorded ----

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

type SignedRequest = { method: string; path: string; query: URLSearchParams; headers: Record<string, string | string[] | undefined>; body: string };

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/** Returns the Authorization header's parts and the signature recomputed with `secret`. */
const recomputeSigV4 = (req: SignedRequest, secret: string) => {
  const auth = String(req.headers.authorization ?? '');
  const m = AUTH.exec(auth);
  if (!m) throw new Error('malformed Authorization header');
  const [, accessKeyId = '', date = '', region = '', service = '', signedHeaders = '', signature = ''] = m;
  const amzDate = String(req.headers['x-amz-date']);
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((h) => `${h}:${String(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalQuery = [...req.query.entries()]
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort()
    .join('&');
  const canonicalUri = req.path.split('/').map((seg) => rfc3986(decodeURIComponent(seg))).join('/');
  const canonicalRequest = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, sha256Hex(req.body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  return { accessKeyId, date, region, service, signedHeaders, signature, expected: hmac(key, stringToSign).toString('hex'), canonicalRequest };
};

describe('SigV4 verifier used by these tests', () => {
  it("reproduces AWS's published example (IAM ListUsers, 2015-08-30)", () => {
    const r = recomputeSigV4(
      {
        method: 'GET',
        path: '/',
        query: new URLSearchParams('Action=ListUsers&Version=2010-05-08'),
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          host: 'iam.amazonaws.com',
          'x-amz-date': '20150830T123600Z',
          authorization:
            'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
        },
        body: '',
      },
      'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    );
    expect(sha256Hex(r.canonicalRequest)).toBe('f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
    expect(r.expected).toBe(r.signature);
  });
});

describe('aws-ses config', () => {
  it("accepts Logto's connector config unchanged", () => {
    expectAccepted(awsSesProvider.configSchema, logtoConfig, { accessKeyId: 'a', accessKeySecret: 'b', region: 'us-east-1', templates: [] });
  });

  it('rejects bad configs with the field path', () => {
    const paths = issuePaths(awsSesProvider.configSchema);
    const { region: _region, ...noRegion } = logtoConfig;
    expect(paths(noRegion)).toEqual(['region']);
    expect(paths({ ...logtoConfig, secretAccessKey: 'x' })).toEqual(['']); // unknown key (strict)
    expect(paths({ ...logtoConfig, endpoint: 'ftp://ses.test' })).toEqual(['endpoint']);
    expect(paths({ ...logtoConfig, templates: [{ usageType: 'SignIn', subject: 's' }] })).toEqual(['templates.0.content']);
    expect(paths({ ...logtoConfig, timeoutMs: 5 })).toEqual(['timeoutMs']);
  });

  it("normalises Logto's templates to local HTML templates", () => {
    const provider = create({ endpoint: 'http://127.0.0.1:9' });
    expect(provider.templates[0]).toEqual({ kind: 'local', usageType: 'SignIn', subject: 'Sign in', content: '<p>Your code is {{code}}</p>', contentType: 'text/html' });
    expect(provider.acceptsRenderedContent).toBe(true);
    void provider.close();
  });
});

describe('aws-ses against a stand-in', () => {
  const fixture = withStandIn({ status: 200, body: { MessageId: '0102018f-ses-message-id' } }, (url) => create({ endpoint: url }));
  const { lastRequest } = fixture;

  it('sends SendEmail (POST /v2/email/outbound-emails) with every field', async () => {
    fixture.standIn.reply({ status: 200, body: { MessageId: '0102018f-ses-message-id' } });
    const result = await fixture.provider.send(message(), ctx());
    expect(result).toEqual({ providerMessageId: '0102018f-ses-message-id' });

    const req = lastRequest();
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v2/email/outbound-emails');
    expect([...req.query.keys()]).toEqual([]);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['amz-sdk-request']).toBe('attempt=1; max=1');
    expect(JSON.parse(req.body)).toEqual({
      FromEmailAddress: 'Acme <no-reply@acme.test>',
      FromEmailAddressIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/acme.test',
      Destination: { ToAddresses: ['user@example.test'] },
      ReplyToAddresses: ['help@acme.test'],
      FeedbackForwardingEmailAddress: 'bounces@acme.test',
      FeedbackForwardingEmailAddressIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/bounces.acme.test',
      ConfigurationSetName: 'otp',
      Content: {
        Simple: {
          Subject: { Data: 'Sign in to Acme', Charset: 'UTF-8' },
          Body: {
            Html: { Data: '<p>Your code is <b>123456</b></p>', Charset: 'UTF-8' },
            Text: { Data: 'Your code is 123456', Charset: 'UTF-8' },
          },
        },
      },
    });
  });

  it('signs the request with a valid SigV4 signature for ses in the configured region', async () => {
    fixture.standIn.reply({ status: 200, body: { MessageId: 'id-2' } });
    await fixture.provider.send(message(), ctx());
    const req = lastRequest();
    const sig = recomputeSigV4(req, logtoConfig.accessKeySecret);
    expect(sig.accessKeyId).toBe(logtoConfig.accessKeyId);
    expect(sig.region).toBe('eu-west-1');
    expect(sig.service).toBe('ses');
    expect(sig.date).toBe(String(req.headers['x-amz-date']).slice(0, 8));
    expect(sig.signedHeaders.split(';')).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'content-type']));
    expect(req.headers['x-amz-content-sha256']).toBe(sha256Hex(req.body));
    expect(sig.expected).toBe(sig.signature);
    // And a wrong secret does not verify: the check is real.
    expect(recomputeSigV4(req, 'not-the-secret').expected).not.toBe(sig.signature);
  });

  it('sends plain mail as a Text body only, and leaves absent optional fields out', async () => {
    const plain = create({
      endpoint: fixture.standIn.url,
      emailAddressIdentityArn: undefined,
      feedbackForwardingEmailAddress: undefined,
      feedbackForwardingEmailAddressIdentityArn: undefined,
      configurationSetName: undefined,
    });
    try {
      fixture.standIn.reply({ status: 200, body: { MessageId: 'id-3' } });
      await plain.send(message({ kind: 'email', subject: 'Code', text: 'Code: 123456' }), ctx());
      expect(JSON.parse(lastRequest().body)).toEqual({
        FromEmailAddress: 'Acme <no-reply@acme.test>',
        Destination: { ToAddresses: ['user@example.test'] },
        Content: { Simple: { Subject: { Data: 'Code', Charset: 'UTF-8' }, Body: { Text: { Data: 'Code: 123456', Charset: 'UTF-8' } } } },
      });
    } finally {
      await plain.close();
    }
  });

  it("sends the receipts block's configurationSet as ConfigurationSetName, so SES publishes the message's events", async () => {
    const receipts = { topicArns: ['arn:aws:sns:eu-west-1:123456789012:ses-events'], configurationSet: 'otp-receipts' };
    const configs = [{ configurationSetName: undefined }, { configurationSetName: 'otp' }];
    for (const overrides of configs) {
      const config = awsSesProvider.configSchema.parse({ ...logtoConfig, ...overrides, endpoint: fixture.standIn.url });
      const withReceipts = instantiate(awsSesProvider, config, { name: 'primary', channel: 'email', logger, receipts });
      try {
        fixture.standIn.reply({ status: 200, body: { MessageId: 'id-receipts' } });
        expect(await withReceipts.send(message(), ctx())).toEqual({ providerMessageId: 'id-receipts' });
        expect(JSON.parse(lastRequest().body)).toMatchObject({ ConfigurationSetName: 'otp-receipts' });
      } finally {
        await withReceipts.close();
      }
    }
  });

  it('refuses vendor templates (SES content is rendered here)', async () => {
    const error = await fixture.failsBeforeAnyRequest(() => fixture.provider.send(message({ kind: 'remote', ref: { template: 'x' } }), ctx()));
    expect([error.kind, error.code]).toEqual(['permanent', 'template_not_supported']);
  });

  const errorReply = (status: number, type: string, text: string, via: 'header' | 'body' = 'header'): StandInReply =>
    via === 'header'
      ? { status, headers: { 'x-amzn-errortype': type, 'x-amzn-requestid': 'req-1' }, body: { message: text } }
      : { status, body: { __type: type, message: text } };

  const cases: Array<[string, StandInReply, DeliveryError['kind'], string, DeliveryError['scope']]> = [
    ['MessageRejected', errorReply(400, 'MessageRejected', 'Email address is not verified. user@example.test'), 'permanent', 'MessageRejected', 'message'],
    ['MailFromDomainNotVerified', errorReply(400, 'MailFromDomainNotVerifiedException', 'MAIL FROM domain not verified'), 'permanent', 'MailFromDomainNotVerifiedException', 'connector'],
    ['AccountSuspended', errorReply(400, 'AccountSuspendedException', 'suspended'), 'permanent', 'AccountSuspendedException', 'connector'],
    ['SendingPaused', errorReply(400, 'SendingPausedException', 'paused'), 'permanent', 'SendingPausedException', 'connector'],
    ['NotFound (configuration set)', errorReply(404, 'NotFoundException', 'Configuration set <otp> does not exist.'), 'permanent', 'NotFoundException', 'connector'],
    ['BadRequest', errorReply(400, 'BadRequestException', 'Missing final @domain'), 'permanent', 'BadRequestException', 'message'],
    ['LimitExceeded', errorReply(400, 'LimitExceededException', 'Daily message quota exceeded.'), 'rate_limited', 'LimitExceededException', 'connector'],
    ['TooManyRequests', errorReply(429, 'TooManyRequestsException', 'Maximum sending rate exceeded.'), 'rate_limited', 'TooManyRequestsException', 'connector'],
    ['InternalServiceError', errorReply(500, 'InternalServiceErrorException', 'internal'), 'retryable', 'InternalServiceErrorException', 'connector'],
    ['Throttling (body __type)', errorReply(400, 'ThrottlingException', 'Rate exceeded', 'body'), 'rate_limited', 'ThrottlingException', 'connector'],
    [
      'SignatureDoesNotMatch (namespaced type)',
      errorReply(403, 'SignatureDoesNotMatch:http://internal.amazon.com/coral/com.amazon.coral.service/', 'signature mismatch'),
      'permanent',
      'SignatureDoesNotMatch',
      'connector',
    ],
    ['UnrecognizedClient', errorReply(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.'), 'permanent', 'UnrecognizedClientException', 'connector'],
    ['AccessDenied', errorReply(403, 'AccessDeniedException', 'not authorized to perform ses:SendEmail'), 'permanent', 'AccessDeniedException', 'connector'],
    ['untyped 500', { status: 500, body: { message: 'oops' } }, 'retryable', 'http_500', 'connector'],
    ['503 HTML from a proxy', { status: 503, body: '<html>Service Unavailable</html>' }, 'retryable', 'http_503', 'connector'],
    ['403 HTML from a proxy', { status: 403, body: '<html>Forbidden</html>' }, 'permanent', 'http_403', 'connector'],
  ];

  it.each(cases)('classifies %s', async (_name, reply, kind, code, scope) => {
    fixture.standIn.reply(reply);
    const before = fixture.standIn.requests.length;
    const error = await failure(fixture.provider.send(message(), ctx()));
    expect({ kind: error.kind, code: error.code, scope: error.scope }).toEqual({ kind, code, scope });
    expect(fixture.standIn.requests.length - before).toBe(1); // maxAttempts 1: the SDK never retries
    expectSafeError(error, { recipient: 'user@example.test', code: '123456' });
    expect(error.cause).toBeUndefined(); // SES's message text can name the recipient
  });
});

describe('classifySesError', () => {
  const base = { timedOut: false, aborted: false };
  it('falls back to the HTTP status for error types it does not know, keeping their name', () => {
    expect(classifySesError({ ...base, name: 'SomeNewException', httpStatusCode: 400 })).toMatchObject({ kind: 'permanent', code: 'SomeNewException', scope: 'message' });
    expect(classifySesError({ ...base, name: 'constructor', httpStatusCode: 503 })).toMatchObject({ kind: 'retryable', code: 'constructor' });
    expect(classifySesError({ ...base, name: 'Unknown', httpStatusCode: 429 })).toMatchObject({ kind: 'rate_limited', code: 'http_429' });
  });
  it('maps transport failures without a status to retryable', () => {
    expect(classifySesError({ ...base, name: 'Error', systemCode: 'ECONNRESET' })).toMatchObject({ kind: 'retryable', code: 'ECONNRESET' });
    expect(classifySesError({ ...base, name: 'TimeoutError' })).toMatchObject({ kind: 'retryable', code: 'timeout' });
  });
});

describeTransportBehaviour('aws-ses', {
  create: (url, extra) => create({ endpoint: url, ...extra }),
  message: () => message(),
  ok: { status: 200, body: { MessageId: 'id' } },
  singleConnection: 'back-to-back',
  abort: true,
  refused: true,
});
