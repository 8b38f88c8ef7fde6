import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDeliveryError, type DeliveryError } from '../../src/errors/delivery-error.js';
import { postmarkProvider } from '../../src/providers/postmark/index.js';
import type { OutgoingMessage, Provider, RenderedEmail } from '../../src/providers/types.js';
import { startStandIn, type RecordedRequest, type StandIn, type StandInReply } from '../helpers/http-stand-in.js';
import { startConnectionCounter } from './connection-counter.js';

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
const ctx = () => ({ signal: new AbortController().signal, attempt: 1 });
const rendered: RenderedEmail = { kind: 'email', subject: 'Sign in to Acme', text: 'Your code is 123456', html: '<p>Your code is <b>123456</b></p>', replyTo: 'help@acme.test' };
const payload = { code: '123456', locale: 'en', user: { id: 'u1', name: 'Ada' } };
const message = (content: OutgoingMessage['content']): OutgoingMessage => ({
  id: 'msg-1',
  channel: 'email',
  to: 'user@example.test',
  type: 'SignIn',
  locale: 'en',
  payload,
  content,
});
const okBody = { To: 'user@example.test', SubmittedAt: '2026-01-01T00:00:00Z', MessageID: 'b7bc2f4a-e38e-4336-af7d-e6c392c2f817', ErrorCode: 0, Message: 'OK' };

const create = (overrides: Record<string, unknown>): Provider =>
  postmarkProvider.create(postmarkProvider.configSchema.parse({ ...logtoConfig, ...overrides }), { name: 'primary', channel: 'email', logger });

const failure = async (p: Promise<unknown>): Promise<DeliveryError> => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isDeliveryError(error)) throw new Error(`expected a DeliveryError, got ${String(error)}`);
  return error;
};

describe('postmark config', () => {
  it("accepts Logto's connector config unchanged, and our optional fields", () => {
    expect(postmarkProvider.configSchema.safeParse(logtoConfig).success).toBe(true);
    expect(postmarkProvider.configSchema.safeParse({ ...logtoConfig, messageStream: 'otp', endpoint: 'http://127.0.0.1:1', timeoutMs: 2000 }).success).toBe(true);
  });

  it('rejects bad configs with the field path', () => {
    const paths = (input: unknown) => {
      const r = postmarkProvider.configSchema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    };
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
  let standIn: StandIn;
  let provider: Provider;
  beforeAll(async () => {
    standIn = await startStandIn({ status: 200, body: okBody });
    provider = create({ endpoint: standIn.url });
  });
  afterAll(async () => {
    await provider.close();
    await standIn.close();
  });

  const lastRequest = (): RecordedRequest => {
    const req = standIn.requests.at(-1);
    if (!req) throw new Error('no request recorded');
    return req;
  };

  const expectPostmarkHeaders = (req: RecordedRequest) => {
    expect(req.method).toBe('POST');
    expect(req.headers['x-postmark-server-token']).toBe(logtoConfig.serverToken);
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers['content-type']).toBe('application/json');
  };

  it('sends a template alias to POST /email/withTemplate with the payload as TemplateModel', async () => {
    standIn.reply({ status: 200, body: okBody });
    const result = await provider.send(message({ kind: 'remote', ref: { templateAlias: 'otp-sign-in' } }), ctx());
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
    standIn.reply({ status: 200, body: okBody });
    await provider.send(message(rendered), ctx());
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
    const streamed = create({ endpoint: standIn.url, messageStream: 'otp-transactional' });
    try {
      standIn.reply({ status: 200, body: okBody });
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
    const prefixed = create({ endpoint: `${standIn.url}/postmark/` });
    try {
      standIn.reply({ status: 200, body: okBody });
      await prefixed.send(message(rendered), ctx());
      expect(lastRequest().path).toBe('/postmark/email');
    } finally {
      await prefixed.close();
    }
  });

  it('refuses a remote ref without templateAlias before any request', async () => {
    const before = standIn.requests.length;
    const error = await failure(provider.send(message({ kind: 'remote', ref: { template: 'x' } }), ctx()));
    expect([error.kind, error.code, error.scope]).toEqual(['permanent', 'template_invalid', 'connector']);
    expect(standIn.requests.length).toBe(before);
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
    standIn.reply(reply);
    const error = await failure(provider.send(message(rendered), ctx()));
    expect({ kind: error.kind, code: error.code, scope: error.scope }).toEqual({ kind, code, scope });
    if (retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(retryAfterMs);
    expect(error.message).not.toContain('user@example.test');
    expect(error.message).not.toContain('123456');
  });

  it('reuses keep-alive connections across sends (one client per connector)', async () => {
    const counter = await startConnectionCounter(standIn.url);
    const pooled = create({ endpoint: counter.url });
    try {
      standIn.reply({ status: 200, body: okBody });
      const before = standIn.requests.length;
      for (let i = 0; i < 3; i += 1) {
        await pooled.send(message(rendered), ctx());
        await pooled.send(message({ kind: 'remote', ref: { templateAlias: 'otp-generic' } }), ctx());
      }
      expect(standIn.requests.slice(before).map((r) => r.headers.connection)).toEqual(Array(6).fill('keep-alive'));
      // Back to back, undici may hand a request to a second pooled connection before the first
      // is marked idle; never one connection per message.
      expect(counter.connections).toBeLessThanOrEqual(2);
    } finally {
      await pooled.close();
      await counter.close();
    }
  });
});

describe('postmark transport failures', () => {
  it('a reply slower than timeoutMs is retryable with code timeout', async () => {
    const silent = await startStandIn(() => new Promise<never>(() => {}));
    const provider = create({ endpoint: silent.url, timeoutMs: 200 });
    try {
      const error = await failure(provider.send(message(rendered), ctx()));
      expect([error.kind, error.code, error.scope]).toEqual(['retryable', 'timeout', 'connector']);
    } finally {
      await provider.close();
      await silent.close();
    }
  });

  it("the worker's abort signal reaches the request", async () => {
    const silent = await startStandIn(() => new Promise<never>(() => {}));
    const provider = create({ endpoint: silent.url, timeoutMs: 60_000 });
    const controller = new AbortController();
    try {
      const pending = failure(provider.send(message(rendered), { signal: controller.signal, attempt: 1 }));
      controller.abort();
      const error = await pending;
      expect([error.kind, error.code]).toEqual(['retryable', 'aborted']);
    } finally {
      await provider.close();
      await silent.close();
    }
  });

  it('a refused connection is retryable', async () => {
    const closed = await startStandIn();
    const url = closed.url;
    await closed.close();
    const provider = create({ endpoint: url });
    try {
      const error = await failure(provider.send(message(rendered), ctx()));
      expect([error.kind, error.code]).toEqual(['retryable', 'ECONNREFUSED']);
    } finally {
      await provider.close();
    }
  });
});
