import { instantiate } from '../../src/providers/types.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { DeliveryError } from '../../src/errors/delivery-error.js';
import { mailgunProvider } from '../../src/providers/mailgun/index.js';
import type { OutgoingMessage, Provider } from '../../src/providers/types.js';
import type { RecordedRequest, StandInReply } from '../helpers/http-stand-in.js';
import { expectAccepted, issuePaths } from './support/config.js';
import { ctx, deliveryFailure as failure, expectSafeError } from './support/delivery.js';
import { emailMessage } from './support/messages.js';
import { withStandIn } from './support/stand-in.js';
import { describeTransportBehaviour } from './support/transport.js';

/** A connector config as Logto's console stores it for connector-mailgun (EU region). */
const logtoConfig = {
  endpoint: 'https://api.eu.mailgun.net',
  domain: 'mg.acme.test',
  apiKey: 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0',
  from: 'Acme <no-reply@mg.acme.test>',
  deliveries: {
    SignIn: { html: '<p>Your code is {{code}}</p>', text: 'Your code is {{code}}', subject: 'Sign in', replyTo: 'help@acme.test' },
    Register: { html: '<p>{{code}}</p>' },
    Generic: { template: 'otp-generic', variables: { brand: 'Acme', code: 'overridden' }, subject: 'Your code', replyTo: 'help@acme.test' },
  },
};

const logger = pino({ level: 'silent' });
const payload = { code: '123456', locale: 'en' };
const message = (content?: OutgoingMessage['content']): OutgoingMessage => emailMessage({ payload, ...(content && { content }) });
const queued: StandInReply = { status: 200, body: { id: '<20260101120000.1.ABCDEF@mg.acme.test>', message: 'Queued. Thank you.' } };

const create = (overrides: Record<string, unknown>): Provider =>
  instantiate(mailgunProvider, mailgunProvider.configSchema.parse({ ...logtoConfig, ...overrides }), { name: 'primary', channel: 'email', logger });

describe('mailgun config', () => {
  it("accepts Logto's connector config unchanged (endpoint optional)", () => {
    expectAccepted(mailgunProvider.configSchema, logtoConfig);
    const { endpoint: _e, ...us } = logtoConfig;
    expectAccepted(mailgunProvider.configSchema, us);
    expectAccepted(mailgunProvider.configSchema, { ...logtoConfig, endpoint: 'http://127.0.0.1:8080', timeoutMs: 3000 });
  });

  it('rejects bad configs with the field path', () => {
    const paths = issuePaths(mailgunProvider.configSchema);
    const { domain: _d, ...noDomain } = logtoConfig;
    expect(paths(noDomain)).toEqual(['domain']);
    expect(paths({ ...logtoConfig, endpoint: 'api.mailgun.net' })).toEqual(['endpoint']);
    expect(paths({ ...logtoConfig, deliveries: { SignIn: { subject: 'no body' } } })).toEqual(['deliveries.SignIn']);
    const unknownType = mailgunProvider.configSchema.safeParse({ ...logtoConfig, deliveries: { Login: { html: 'x' } } });
    expect(unknownType.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['deliveries', 'Unrecognized key: "Login"']]);
  });

  it('turns deliveries into local (html) and remote (template) templates', () => {
    const provider = create({ endpoint: 'http://127.0.0.1:9' });
    expect(provider.templates).toEqual([
      { kind: 'local', usageType: 'SignIn', subject: 'Sign in', content: '<p>Your code is {{code}}</p>', contentType: 'text/html', text: 'Your code is {{code}}', replyTo: 'help@acme.test' },
      { kind: 'local', usageType: 'Register', subject: undefined, content: '<p>{{code}}</p>', contentType: 'text/html', text: undefined, replyTo: undefined },
      { kind: 'remote', usageType: 'Generic', ref: logtoConfig.deliveries.Generic },
    ]);
    void provider.close();
  });
});

describe('mailgun against a stand-in', () => {
  const fixture = withStandIn(queued, (url) => create({ endpoint: url }));
  const { lastRequest } = fixture;

  const expectMailgunRequest = (req: RecordedRequest) => {
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v3/mg.acme.test/messages');
    expect([...req.query.keys()]).toEqual([]);
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`api:${logtoConfig.apiKey}`).toString('base64')}`);
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
  };

  it('sends rendered mail as form fields from, to, subject, h:Reply-To, html, text', async () => {
    fixture.standIn.reply(queued);
    expect(await fixture.provider.send(message(), ctx())).toEqual({ providerMessageId: '<20260101120000.1.ABCDEF@mg.acme.test>' });
    const req = lastRequest();
    expectMailgunRequest(req);
    expect([...new URLSearchParams(req.body)]).toEqual([
      ['from', 'Acme <no-reply@mg.acme.test>'],
      ['to', 'user@example.test'],
      ['subject', 'Sign in to Acme'],
      ['h:Reply-To', 'help@acme.test'],
      ['html', '<p>Your code is <b>123456</b></p>'],
      ['text', 'Your code is 123456'],
    ]);
  });

  it('sends a Mailgun template with its variables merged with the payload', async () => {
    fixture.standIn.reply(queued);
    await fixture.provider.send(message({ kind: 'remote', ref: logtoConfig.deliveries.Generic }), ctx());
    const req = lastRequest();
    expectMailgunRequest(req);
    const form = new URLSearchParams(req.body);
    expect([...form.keys()]).toEqual(['from', 'to', 'subject', 'h:Reply-To', 'template', 'h:X-Mailgun-Variables']);
    expect(form.get('from')).toBe('Acme <no-reply@mg.acme.test>');
    expect(form.get('to')).toBe('user@example.test');
    expect(form.get('subject')).toBe('Your code');
    expect(form.get('h:Reply-To')).toBe('help@acme.test');
    expect(form.get('template')).toBe('otp-generic');
    expect(JSON.parse(form.get('h:X-Mailgun-Variables') ?? '')).toEqual({ brand: 'Acme', code: '123456', locale: 'en' });
  });

  it('leaves absent optional fields out (template without subject, plain mail without html)', async () => {
    fixture.standIn.reply(queued);
    await fixture.provider.send(message({ kind: 'remote', ref: { template: 'otp' } }), ctx());
    expect([...new URLSearchParams(lastRequest().body).keys()]).toEqual(['from', 'to', 'template', 'h:X-Mailgun-Variables']);
    await fixture.provider.send(message({ kind: 'email', subject: 'Code', text: 'Code: 123456' }), ctx());
    expect([...new URLSearchParams(lastRequest().body)]).toEqual([
      ['from', 'Acme <no-reply@mg.acme.test>'],
      ['to', 'user@example.test'],
      ['subject', 'Code'],
      ['text', 'Code: 123456'],
    ]);
  });

  it('refuses a remote ref without a template name before any request', async () => {
    const error = await fixture.failsBeforeAnyRequest(() => fixture.provider.send(message({ kind: 'remote', ref: { templateAlias: 'x' } }), ctx()));
    expect([error.kind, error.code, error.scope]).toEqual(['permanent', 'template_invalid', 'connector']);
  });

  const cases: Array<[string, StandInReply, DeliveryError['kind'], string, DeliveryError['scope'], number?]> = [
    ["400 'to' not a valid address", { status: 400, body: { message: "'to' parameter is not a valid address. please check documentation" } }, 'permanent', 'http_400', 'message'],
    ['401 Forbidden (bad key)', { status: 401, body: 'Forbidden' }, 'permanent', 'http_401', 'connector'],
    ['402 request failed', { status: 402, body: { message: 'Request failed' } }, 'permanent', 'http_402', 'connector'],
    [
      '403 sandbox recipient not authorized',
      { status: 403, body: { message: 'Domain mg.acme.test is not allowed to send: Free accounts are for test purposes only.' } },
      'permanent',
      'http_403',
      'connector',
    ],
    ['404 domain not found (wrong region)', { status: 404, body: { message: 'Domain not found: mg.acme.test' } }, 'permanent', 'http_404', 'connector'],
    ['413 too large', { status: 413, body: { message: 'Request Entity Too Large' } }, 'permanent', 'http_413', 'message'],
    ['429 rate limited', { status: 429, headers: { 'retry-after': '5' }, body: { message: 'Too many requests' } }, 'rate_limited', 'http_429', 'connector', 5000],
    ['500', { status: 500, body: { message: 'Internal Server Error' } }, 'retryable', 'http_500', 'connector'],
    ['502 HTML', { status: 502, body: '<html>Bad Gateway</html>' }, 'retryable', 'http_502', 'connector'],
  ];

  it.each(cases)('classifies %s', async (_name, reply, kind, code, scope, retryAfterMs) => {
    fixture.standIn.reply(reply);
    const error = await failure(fixture.provider.send(message(), ctx()));
    expect({ kind: error.kind, code: error.code, scope: error.scope }).toEqual({ kind, code, scope });
    if (retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(retryAfterMs);
    expectSafeError(error, { recipient: 'user@example.test', code: '123456', others: ['mg.acme.test'] });
  });
});

describeTransportBehaviour('mailgun', {
  create: (url, extra) => create({ endpoint: url, ...extra }),
  message: () => message(),
  ok: queued,
  refused: true,
});
