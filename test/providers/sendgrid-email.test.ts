import { instantiate } from '../../src/providers/types.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { DeliveryError } from '../../src/errors/delivery-error.js';
import { classifySendgridError, sendgridRetryAfterMs } from '../../src/providers/sendgrid-email/errors.js';
import { sendgridEmailProvider } from '../../src/providers/sendgrid-email/index.js';
import type { OutgoingMessage, Provider } from '../../src/providers/types.js';
import type { StandInReply } from '../helpers/http-stand-in.js';
import { expectAccepted, issuePaths } from './support/config.js';
import { ctx, deliveryFailure as failure, expectSafeError } from './support/delivery.js';
import { emailMessage } from './support/messages.js';
import { withStandIn } from './support/stand-in.js';
import { describeTransportBehaviour } from './support/transport.js';

/** A connector config as Logto's console stores it for connector-sendgrid-email. */
const logtoConfig = {
  apiKey: 'SG.test-key.abcdef',
  fromEmail: 'no-reply@acme.test',
  fromName: 'Acme',
  templates: [
    { usageType: 'SignIn', type: 'text/html', subject: 'Sign in', content: '<p>{{code}}</p>' },
    { usageType: 'Register', type: 'text/plain', subject: 'Welcome', content: 'Code: {{code}}' },
    { usageType: 'ForgotPassword', type: 'text/html', subject: 'Reset', content: '<p>{{code}}</p>' },
    { usageType: 'Generic', type: 'text/plain', subject: 'Code', content: '{{code}}' },
  ],
};

const logger = pino({ level: 'silent' });
const message = (content?: OutgoingMessage['content']): OutgoingMessage => emailMessage(content && { content });
const accepted: StandInReply = { status: 202, headers: { 'x-message-id': 'sg-msg-id-1' } };

const create = (overrides: Record<string, unknown>): Provider =>
  instantiate(sendgridEmailProvider, sendgridEmailProvider.configSchema.parse({ ...logtoConfig, ...overrides }), { name: 'primary', channel: 'email', logger });

describe('sendgrid-email config', () => {
  it("accepts Logto's connector config unchanged", () => {
    expectAccepted(sendgridEmailProvider.configSchema, logtoConfig);
    const { fromName: _n, ...noName } = logtoConfig;
    expectAccepted(sendgridEmailProvider.configSchema, noName);
  });

  it('rejects bad configs with the field path', () => {
    const paths = issuePaths(sendgridEmailProvider.configSchema);
    const { apiKey: _k, ...noKey } = logtoConfig;
    expect(paths(noKey)).toEqual(['apiKey']);
    expect(paths({ ...logtoConfig, templates: [{ usageType: 'SignIn', type: 'text/markdown', subject: 's', content: 'c' }] })).toEqual(['templates.0.type']);
    expect(paths({ ...logtoConfig, endpoint: 'not a url' })).toEqual(['endpoint']);
    expect(paths({ ...logtoConfig, fromAddress: 'x' })).toEqual(['']);
  });

  it("keeps each Logto template's content type", () => {
    const provider = create({ endpoint: 'http://127.0.0.1:9' });
    expect(provider.templates.map((t) => (t.kind === 'local' ? t.contentType : t.kind))).toEqual(['text/html', 'text/plain', 'text/html', 'text/plain']);
    void provider.close();
  });
});

describe('sendgrid-email against a stand-in', () => {
  const fixture = withStandIn(accepted, (url) => create({ endpoint: url }));
  const { lastRequest } = fixture;

  it('sends POST /v3/mail/send with Bearer auth and every body field, text/plain first', async () => {
    fixture.standIn.reply(accepted);
    expect(await fixture.provider.send(message(), ctx())).toEqual({ providerMessageId: 'sg-msg-id-1' });
    const req = lastRequest();
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v3/mail/send');
    expect([...req.query.keys()]).toEqual([]);
    expect(req.headers.authorization).toBe('Bearer SG.test-key.abcdef');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.accept).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({
      personalizations: [{ to: [{ email: 'user@example.test' }] }],
      from: { email: 'no-reply@acme.test', name: 'Acme' },
      reply_to: { email: 'help@acme.test' },
      subject: 'Sign in to Acme',
      content: [
        { type: 'text/plain', value: 'Your code is 123456' },
        { type: 'text/html', value: '<p>Your code is <b>123456</b></p>' },
      ],
    });
  });

  it('sends plain mail as text/plain only, without from.name or reply_to when absent', async () => {
    const { fromName: _n, ...noName } = logtoConfig;
    const plain = instantiate(sendgridEmailProvider, sendgridEmailProvider.configSchema.parse({ ...noName, endpoint: fixture.standIn.url }), { name: 'p', channel: 'email', logger });
    try {
      fixture.standIn.reply(accepted);
      await plain.send(message({ kind: 'email', subject: 'Code', text: 'Code: 123456' }), ctx());
      expect(JSON.parse(lastRequest().body)).toEqual({
        personalizations: [{ to: [{ email: 'user@example.test' }] }],
        from: { email: 'no-reply@acme.test' },
        subject: 'Code',
        content: [{ type: 'text/plain', value: 'Code: 123456' }],
      });
    } finally {
      await plain.close();
    }
  });

  it('refuses vendor templates before any request', async () => {
    const error = await fixture.failsBeforeAnyRequest(() => fixture.provider.send(message({ kind: 'remote', ref: { template_id: 'd-1' } }), ctx()));
    expect([error.kind, error.code]).toEqual(['permanent', 'template_not_supported']);
  });

  const errors = (...items: Array<{ message: string; field: string | null; help?: string | null }>) => ({ errors: items });

  const cases: Array<[string, StandInReply, DeliveryError['kind'], string, DeliveryError['scope'], number?]> = [
    [
      '400 invalid recipient',
      { status: 400, body: errors({ message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email', help: 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.personalizations.to' }) },
      'permanent',
      'http_400',
      'message',
    ],
    ['400 invalid sender (config)', { status: 400, body: errors({ message: 'The from object must be provided for every email send.', field: 'from.email', help: null }) }, 'permanent', 'http_400', 'connector'],
    ['401 bad key', { status: 401, body: errors({ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }) }, 'permanent', 'http_401', 'connector'],
    [
      '403 unverified sender identity',
      { status: 403, body: errors({ message: 'The from address does not match a verified Sender Identity.', field: 'from', help: 'https://sendgrid.com/docs/for-developers/sending-email/sender-identity/' }) },
      'permanent',
      'http_403',
      'connector',
    ],
    ['406 missing Accept', { status: 406, body: errors({ message: 'Accept header missing', field: null }) }, 'permanent', 'http_406', 'connector'],
    ['413 payload too large', { status: 413, body: '<html>413 Request Entity Too Large</html>' }, 'permanent', 'http_413', 'message'],
    ['429 rate limited (Retry-After)', { status: 429, headers: { 'retry-after': '2' }, body: errors({ message: 'too many requests', field: null }) }, 'rate_limited', 'http_429', 'connector', 2000],
    ['451 data residency', { status: 451, body: errors({ message: 'unavailable for legal reasons', field: null }) }, 'permanent', 'http_451', 'connector'],
    ['500', { status: 500, body: errors({ message: 'internal error', field: null }) }, 'retryable', 'http_500', 'connector'],
    ['503', { status: 503, body: '' }, 'retryable', 'http_503', 'connector'],
  ];

  it.each(cases)('classifies %s', async (_name, reply, kind, code, scope, retryAfterMs) => {
    fixture.standIn.reply(reply);
    const error = await failure(fixture.provider.send(message(), ctx()));
    expect({ kind: error.kind, code: error.code, scope: error.scope }).toEqual({ kind, code, scope });
    if (retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(retryAfterMs);
    expectSafeError(error, { recipient: 'user@example.test', code: '123456' });
  });
});

describe('sendgrid-email rate-limit headers', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it('uses X-RateLimit-Reset (Unix seconds) when there is no Retry-After', () => {
    expect(sendgridRetryAfterMs({ 'x-ratelimit-reset': String(now / 1000 + 30) }, now)).toBe(30_000);
    expect(sendgridRetryAfterMs({ 'x-ratelimit-reset': String(now / 1000 - 5) }, now)).toBe(0);
    expect(sendgridRetryAfterMs({ 'retry-after': '4', 'x-ratelimit-reset': String(now / 1000 + 30) }, now)).toBe(4000);
    expect(sendgridRetryAfterMs({}, now)).toBeUndefined();
    const error = classifySendgridError({ status: 429, headers: { 'x-ratelimit-reset': String(now / 1000 + 60) }, body: '' }, now);
    expect([error.kind, error.retryAfterMs]).toEqual(['rate_limited', 60_000]);
  });
});

describeTransportBehaviour('sendgrid-email', {
  create: (url, extra) => create({ endpoint: url, ...extra }),
  message: () => message(),
  ok: accepted,
  refused: true,
});
