import { instantiate } from '../../src/providers/types.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { DeliveryError } from '../../src/errors/delivery-error.js';
import { postmarkProvider } from '../../src/providers/postmark/index.js';
import type { OutgoingMessage, Provider } from '../../src/providers/types.js';
import type { RecordedRequest, StandInReply } from '../helpers/http-stand-in.js';
import { expectAccepted, issuePaths } from './support/config.js';
import { ctx, deliveryFailure as failure, expectSafeError } from './support/delivery.js';
import { emailMessage, renderedEmail as rendered } from './support/messages.js';
import { withStandIn } from './support/stand-in.js';
import { describeTransportBehaviour } from './support/transport.js';

/** A connector config as Logto's console stores it for connector-postmark. */
const logtoConfig = {
  serverToken: 'f1f2f3f4-0000-4000-8000-server-token',
  fromEmail: 'Acme <no-reply@acme.test>',
  templates: [
    { usageType: 'SignIn', templateAlias: 'otp-sign-in' },
    { usageType: 'Register', templateAlias: 'otp-register' },
    { usageType: 'ForgotPassword', templateAlias: 'otp-reset' },
    { usageType: 'Generic', templateAlias: 'otp-generic' },
  ],
};

const logger = pino({ level: 'silent' });
const payload = { code: '123456', locale: 'en', user: { id: 'u1', name: 'Ada' } };
const message = (content: OutgoingMessage['content']): OutgoingMessage => emailMessage({ payload, content });
const okBody = { To: 'user@example.test', SubmittedAt: '2026-01-01T00:00:00Z', MessageID: 'b7bc2f4a-e38e-4336-af7d-e6c392c2f817', ErrorCode: 0, Message: 'OK' };

const create = (overrides: Record<string, unknown>): Provider =>
  instantiate(postmarkProvider, postmarkProvider.configSchema.parse({ ...logtoConfig, ...overrides }), { name: 'primary', channel: 'email', logger });

describe('postmark config', () => {
  it("accepts Logto's connector config unchanged, and our optional fields", () => {
    expectAccepted(postmarkProvider.configSchema, logtoConfig);
    expectAccepted(postmarkProvider.configSchema, { ...logtoConfig, messageStream: 'otp', endpoint: 'http://127.0.0.1:1', timeoutMs: 2000 });
  });

  it('rejects bad configs with the field path', () => {
    const paths = issuePaths(postmarkProvider.configSchema);
    const { serverToken: _t, ...noToken } = logtoConfig;
    expect(paths(noToken)).toEqual(['serverToken']);
    expect(paths({ ...logtoConfig, templates: [{ usageType: 'SignIn' }] })).toEqual(['templates.0.templateAlias']);
    expect(paths({ ...logtoConfig, templates: [{ usageType: 'SignIn', templateAlias: 'a', subject: 'x' }] })).toEqual(['templates.0']);
    expect(paths({ ...logtoConfig, endpoint: 'api.postmarkapp.com' })).toEqual(['endpoint']);
  });

  it('exposes the aliases as remote templates', () => {
    const provider = create({ endpoint: 'http://127.0.0.1:9' });
    expect(provider.templates[0]).toEqual({ kind: 'remote', usageType: 'SignIn', ref: { templateAlias: 'otp-sign-in' } });
    expect(provider.acceptsRenderedContent).toBe(true);
    void provider.close();
  });
});

describe('postmark against a stand-in', () => {
  const fixture = withStandIn({ status: 200, body: okBody }, (url) => create({ endpoint: url }));
  const { lastRequest } = fixture;

  const expectPostmarkHeaders = (req: RecordedRequest) => {
    expect(req.method).toBe('POST');
    expect(req.headers['x-postmark-server-token']).toBe(logtoConfig.serverToken);
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers['content-type']).toBe('application/json');
  };

  it('sends a template alias to POST /email/withTemplate with the payload as TemplateModel', async () => {
    fixture.standIn.reply({ status: 200, body: okBody });
    const result = await fixture.provider.send(message({ kind: 'remote', ref: { templateAlias: 'otp-sign-in' } }), ctx());
    expect(result).toEqual({ providerMessageId: okBody.MessageID });
    const req = lastRequest();
    expectPostmarkHeaders(req);
    expect(req.path).toBe('/email/withTemplate');
    expect(JSON.parse(req.body)).toEqual({
      From: 'Acme <no-reply@acme.test>',
      To: 'user@example.test',
      TemplateAlias: 'otp-sign-in',
      TemplateModel: payload,
      MessageStream: 'outbound',
    });
  });

  it('sends rendered mail to POST /email with every field', async () => {
    fixture.standIn.reply({ status: 200, body: okBody });
    await fixture.provider.send(message(rendered), ctx());
    const req = lastRequest();
    expectPostmarkHeaders(req);
    expect(req.path).toBe('/email');
    expect(JSON.parse(req.body)).toEqual({
      From: 'Acme <no-reply@acme.test>',
      To: 'user@example.test',
      Subject: 'Sign in to Acme',
      HtmlBody: '<p>Your code is <b>123456</b></p>',
      TextBody: 'Your code is 123456',
      ReplyTo: 'help@acme.test',
      MessageStream: 'outbound',
    });
  });

  it('sends plain mail without HtmlBody, on the configured message stream', async () => {
    const streamed = create({ endpoint: fixture.standIn.url, messageStream: 'otp-transactional' });
    try {
      fixture.standIn.reply({ status: 200, body: okBody });
      await streamed.send(message({ kind: 'email', subject: 'Code', text: 'Code: 123456' }), ctx());
      expect(JSON.parse(lastRequest().body)).toEqual({
        From: 'Acme <no-reply@acme.test>',
        To: 'user@example.test',
        Subject: 'Code',
        TextBody: 'Code: 123456',
        MessageStream: 'otp-transactional',
      });
    } finally {
      await streamed.close();
    }
  });

  it('keeps a path prefix of the endpoint (proxies)', async () => {
    const prefixed = create({ endpoint: `${fixture.standIn.url}/postmark/` });
    try {
      fixture.standIn.reply({ status: 200, body: okBody });
      await prefixed.send(message(rendered), ctx());
      expect(lastRequest().path).toBe('/postmark/email');
    } finally {
      await prefixed.close();
    }
  });

  it('refuses a remote ref without templateAlias before any request', async () => {
    const error = await fixture.failsBeforeAnyRequest(() => fixture.provider.send(message({ kind: 'remote', ref: { template: 'x' } }), ctx()));
    expect([error.kind, error.code, error.scope]).toEqual(['permanent', 'template_invalid', 'connector']);
  });

  const pm = (status: number, ErrorCode: number, text: string, headers?: Record<string, string>): StandInReply => ({ status, headers, body: { ErrorCode, Message: text } });

  const cases: Array<[string, StandInReply, DeliveryError['kind'], string, DeliveryError['scope'], number?]> = [
    ['10 bad token (401)', pm(401, 10, 'No Account or Server API tokens were supplied in the HTTP headers.'), 'permanent', '10', 'connector'],
    ['300 invalid email request', pm(422, 300, "Error parsing 'To': Illegal email address 'user@example.test'."), 'permanent', '300', 'message'],
    ['400 sender signature not found', pm(422, 400, 'The From address you supplied is not a Sender Signature on your account.'), 'permanent', '400', 'connector'],
    ['401 sender signature not confirmed', pm(422, 401, 'Sender signature not confirmed.'), 'permanent', '401', 'connector'],
    ['405 not allowed to send', pm(422, 405, 'Not allowed to send: out of credits.'), 'permanent', '405', 'connector'],
    ['406 inactive recipient', pm(422, 406, 'You tried to send to recipient(s) that have been marked as inactive. user@example.test'), 'permanent', '406', 'message'],
    ['412 account pending', pm(422, 412, 'Account is pending approval.'), 'permanent', '412', 'connector'],
    ['413 account may not send', pm(422, 413, 'Account may not send.'), 'permanent', '413', 'connector'],
    ['1101 template not found', pm(422, 1101, "The template alias 'otp-sign-in' was not found."), 'permanent', '1101', 'connector'],
    ['1121 template field too large', pm(422, 1121, 'Template field is too large.'), 'permanent', '1121', 'message'],
    ['429 rate limit (Retry-After)', pm(429, 429, 'Rate limit exceeded.', { 'retry-after': '3' }), 'rate_limited', '429', 'connector', 3000],
    ['100 maintenance', pm(503, 100, 'Maintenance'), 'retryable', '100', 'connector'],
    ['unknown code on 422', pm(422, 9999, 'Something new'), 'permanent', '9999', 'message'],
    ['500 without ErrorCode', { status: 500, body: { Message: 'oops' } }, 'retryable', 'http_500', 'connector'],
    ['503 HTML from a proxy', { status: 503, body: '<html>Service Unavailable</html>' }, 'retryable', 'http_503', 'connector'],
    ['403 HTML from a network layer', { status: 403, body: '<html><h1>403 Forbidden</h1></html>' }, 'permanent', 'http_403', 'connector'],
  ];

  it.each(cases)('classifies %s', async (_name, reply, kind, code, scope, retryAfterMs) => {
    fixture.standIn.reply(reply);
    const error = await failure(fixture.provider.send(message(rendered), ctx()));
    expect({ kind: error.kind, code: error.code, scope: error.scope }).toEqual({ kind, code, scope });
    if (retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(retryAfterMs);
    expectSafeError(error, { recipient: 'user@example.test', code: '123456' });
  });
});

describeTransportBehaviour('postmark', {
  create: (url, extra) => create({ endpoint: url, ...extra }),
  // Alternates rendered mail (POST /email) and templates (POST /email/withTemplate) on one pool.
  message: (i) => (i % 2 === 0 ? message(rendered) : message({ kind: 'remote', ref: { templateAlias: 'otp-generic' } })),
  ok: { status: 200, body: okBody },
  abort: true,
  refused: true,
});
