import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { listDeadLetters, replayDeadLetter } from '../../src/dlq/operations.js';
import { deadLetterQueueName } from '../../src/messages/job-data.js';
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.js';
import { createScriptedProvider } from '../helpers/scripted-provider.js';

let pipeline: Pipeline | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

const scriptedConfig = (id = 'scripted') => ({
  email: { active: 'flaky', connectors: { flaky: { provider: id, config: {} } } },
  sms: { active: 'flaky', connectors: { flaky: { provider: id, config: {} } } },
});

const queues = (p: Pipeline) => {
  const { config } = p.loaded;
  const connection = { url: config.redis.url ?? '' };
  const opts = { connection: { host: new URL(connection.url).hostname, port: Number(new URL(connection.url).port) }, prefix: config.redis.prefix };
  return { queue: new Queue(config.queue.name, opts), deadLetters: new Queue(deadLetterQueueName(config.queue.name), opts) };
};

describe('producer → worker → outbox', () => {
  it('delivers an email once, rendered from the built-in Korean template', async () => {
    pipeline = await startPipeline();
    const { id, duplicate } = await pipeline.producer.send({ channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '123456', locale: 'ko' } });
    expect(duplicate).toBe(false);
    expect(await pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    const lines = await pipeline.outbox();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ id, channel: 'email', provider: 'outbox', to: 'ana@example.com', type: 'SignIn', locale: 'ko' });
    expect(String(lines[0]?.html)).toContain('123456');
    expect(String(lines[0]?.text)).toContain('123456');
    expect(String(lines[0]?.subject)).not.toMatch(/[\r\n]/);
    expect(await pipeline.metric('otp_messages_total', { channel: 'email', type: 'SignIn', result: 'delivered' })).toBe(1);
    expect(await pipeline.metric('otp_delivery_attempts_total', { provider: 'outbox', outcome: 'success' })).toBe(1);
  });

  it('delivers an SMS with a config template that overrides the default, Generic as fallback', async () => {
    pipeline = await startPipeline({
      config: { templates: [{ channel: 'sms', type: 'Generic', content: 'Code {{code}} for {{user.name}}' }] },
    });
    const { id } = await pipeline.producer.send({ channel: 'sms', to: '+1 415 555 0123', type: 'MfaVerification', payload: { code: '654321', user: { name: 'Ana' } } });
    expect(await pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    const [line] = await pipeline.outbox();
    expect(line).toMatchObject({ to: '+14155550123', body: 'Code 654321 for Ana' });
  });

  it('escapes HTML and strips CR/LF from payload values on the way to the outbox', async () => {
    pipeline = await startPipeline({
      config: { templates: [{ channel: 'email', type: 'OrganizationInvitation', subject: 'Join {{organization.name}}', content: '<p>{{inviter.name}} invites you: <a href="{{link}}">accept</a></p>' }] },
    });
    const payload = { link: 'https://example.com/i?a=1&b="x"', inviter: { name: '<script>alert(1)</script>' }, organization: { name: 'Acme\r\nBcc: evil@example.com' } };
    const { id } = await pipeline.producer.send({ channel: 'email', to: 'ana@example.com', type: 'OrganizationInvitation', payload });
    expect(await pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    const [line] = await pipeline.outbox();
    expect(line?.subject).toBe('Join Acme Bcc: evil@example.com');
    expect(line?.html).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; invites you: <a href="https://example.com/i?a=1&amp;b=&quot;x&quot;">accept</a></p>');
    expect(line?.text).toBe('<script>alert(1)</script> invites you: accept (https://example.com/i?a=1&b="x")');
  });

  it('enqueues a duplicate idempotency key once', async () => {
    pipeline = await startPipeline({ startWorker: false });
    const input = { channel: 'email' as const, to: 'ana@example.com', type: 'SignIn' as const, payload: { code: '111111' }, idempotencyKey: 'req-42' };
    const first = await pipeline.producer.send(input);
    const second = await pipeline.producer.send(input);
    expect(second).toEqual({ id: first.id, duplicate: true });
    await pipeline.startWorker();
    expect(await pipeline.producer.waitFor(first.id, { timeoutMs: 10_000 })).toBe('delivered');
    expect(await pipeline.outbox()).toHaveLength(1);
  });

  it('never sends an expired message', async () => {
    pipeline = await startPipeline({ startWorker: false });
    const expiresAt = Date.now() + 50;
    const { id } = await pipeline.producer.send({ channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '222222' }, expiresAt });
    await eventually(() => Date.now() > expiresAt);
    await pipeline.startWorker();
    expect(await pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('expired');
    expect(await pipeline.outbox()).toHaveLength(0);
    expect(await pipeline.metric('otp_messages_total', { result: 'expired' })).toBe(1);
  });
});

describe('failures, retries and dead letters', () => {
  it('delivers on the third attempt after two retryable failures', async () => {
    const scripted = createScriptedProvider('scripted', [{ fail: 'retryable' }, { fail: 'retryable' }, 'ok']);
    pipeline = await startPipeline({ providers: [scripted.definition], config: scriptedConfig() });
    const { id } = await pipeline.producer.send({ channel: 'sms', to: '+14155550123', type: 'SignIn', payload: { code: '333333' } });
    expect(await pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    expect(scripted.calls).toBe(3);
    expect(scripted.sent).toHaveLength(1);
    expect(await pipeline.metric('otp_delivery_attempts_total', { provider: 'scripted', outcome: 'retryable_error' })).toBe(2);
    expect(await pipeline.metric('otp_delivery_attempts_total', { provider: 'scripted', outcome: 'success' })).toBe(1);
  });

  it('dead-letters a permanent failure after one attempt, with reason, provider and code', async () => {
    const scripted = createScriptedProvider('scripted', [{ fail: 'permanent', code: '21211' }]);
    pipeline = await startPipeline({ providers: [scripted.definition], config: scriptedConfig() });
    const { id } = await pipeline.producer.send({ channel: 'sms', to: '+14155550123', type: 'SignIn', payload: { code: '444444' } });
    expect(await pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('dead');
    expect(scripted.calls).toBe(1);
    const { queue, deadLetters } = queues(pipeline);
    const letters = await listDeadLetters({ deadLetters });
    expect(letters).toEqual([expect.objectContaining({ id, channel: 'sms', type: 'SignIn', provider: 'scripted', providerCode: '21211', attempts: 1 })]);
    expect(JSON.stringify(letters)).not.toContain('4155550123');
    expect(await pipeline.metric('otp_messages_total', { result: 'dead_lettered' })).toBe(1);
    await Promise.all([queue.close(), deadLetters.close()]);
  });

  it('dead-letters after queue.attempts retryable failures, and replay delivers', async () => {
    const scripted = createScriptedProvider('scripted', [{ fail: 'retryable', code: 'http_503' }]);
    pipeline = await startPipeline({ providers: [scripted.definition], config: scriptedConfig() });
    const { id } = await pipeline.producer.send({ channel: 'email', to: 'ana@example.com', type: 'Register', payload: { code: '555555' } });
    expect(await pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('dead');
    expect(scripted.calls).toBe(3);
    const { queue, deadLetters } = queues(pipeline);
    const [letter] = await listDeadLetters({ deadLetters });
    expect(letter).toMatchObject({ id, providerCode: 'http_503', attempts: 3 });
    scripted.script(['ok']);
    expect(await replayDeadLetter({ queue, deadLetters }, id)).toBe(true);
    expect(await pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    expect(scripted.sent).toHaveLength(1);
    expect(await listDeadLetters({ deadLetters })).toEqual([]);
    await Promise.all([queue.close(), deadLetters.close()]);
  });

  it('honours Retry-After on a rate-limited answer without spending an attempt', async () => {
    const scripted = createScriptedProvider('scripted', [
      { fail: 'rate_limited', retryAfterMs: 200 },
      { fail: 'rate_limited', retryAfterMs: 200 },
      { fail: 'rate_limited', retryAfterMs: 200 },
      'ok',
    ]);
    pipeline = await startPipeline({ providers: [scripted.definition], config: scriptedConfig() });
    const started = Date.now();
    const { id } = await pipeline.producer.send({ channel: 'sms', to: '+14155550123', type: 'SignIn', payload: { code: '666666' } });
    expect(await pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    // three throttles with attempts=3 would have dead-lettered had they spent attempts
    expect(scripted.calls).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(await pipeline.metric('otp_delivery_attempts_total', { outcome: 'rate_limited' })).toBe(3);
  });

  it('dead-letters a poison job and keeps delivering the next one', async () => {
    pipeline = await startPipeline();
    const { queue, deadLetters } = queues(pipeline);
    await queue.add('SignIn', { v: 1, id: 'poison', channel: 'email', to: ['a@x.io', 'b@x.io'] }, { jobId: 'poison' });
    await queue.add('SignIn', 'not even an object', { jobId: 'poison-2' });
    const { id } = await pipeline.producer.send({ channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '777777' } });
    expect(await pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    const letters = await eventually(async () => {
      const l = await listDeadLetters({ deadLetters });
      return l.length === 2 ? l : undefined;
    });
    expect(letters?.map((l) => l.reason)).toEqual(['malformed_job', 'malformed_job']);
    expect(await pipeline.producer.waitFor('poison', { timeoutMs: 1000 })).toBe('dead');
    await Promise.all([queue.close(), deadLetters.close()]);
  });

  it('dead-letters a message whose template cannot be found', async () => {
    const scripted = createScriptedProvider();
    const definition = { ...scripted.definition, create: (c: unknown, d: Parameters<typeof scripted.definition.create>[1]) => ({ ...scripted.definition.create(c, d), acceptsRenderedContent: false }) };
    pipeline = await startPipeline({ providers: [definition], config: scriptedConfig() });
    const { id } = await pipeline.producer.send({ channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '888888' } });
    expect(await pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('dead');
    const { queue, deadLetters } = queues(pipeline);
    expect(await listDeadLetters({ deadLetters })).toEqual([expect.objectContaining({ id, providerCode: 'template_not_found' })]);
    await Promise.all([queue.close(), deadLetters.close()]);
  });
});
