import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { DeliveryError } from '../../src/errors/delivery-error.js';
import { listDeadLetters } from '../../src/dlq/operations.js';
import { deadLetterQueueName } from '../../src/messages/job-data.js';
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.js';
import { createScriptedProvider } from '../helpers/scripted-provider.js';
import { accept, createProgrammableProvider, hangUntilAborted } from './support/programmable-provider.js';

/**
 * The worker's delivery decisions under faults that are not the connector's: a forced shutdown, a
 * bug (an exception that is not a DeliveryError), a template only another connector has, vendor
 * throttling without Retry-After, and a 2xx the connector does not recognise.
 */
let redis: Redis;
const opened: Pipeline[] = [];
beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(() => redis.disconnect());
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.close()));
});

const open = async (...args: Parameters<typeof startPipeline>) => {
  const p = await startPipeline(...args);
  opened.push(p);
  return p;
};

/** primary → backup on SMS; one connector failure opens the circuit, so any count shows. */
const chain = (extra: Record<string, unknown> = {}) => ({
  sms: {
    active: 'primary',
    fallback: ['backup'],
    connectors: { primary: { provider: 'primary', config: {} }, backup: { provider: 'backup', config: {} } },
    circuitBreaker: { consecutiveFailures: 1, openSeconds: 30, windowSeconds: 10, minRequests: 100 },
  },
  ...extra,
});

const send = async (p: Pipeline, code = '123456') => (await p.producer.send({ channel: 'sms', to: '+14155550123', type: 'SignIn', payload: { code } })).id;
const breakerCount = (p: Pipeline, connector: string) => redis.get(`${p.loaded.config.redis.prefix}:connector:sms:${connector}:consecutive`);
const queueOf = (p: Pipeline) => new Queue(p.loaded.config.queue.name, { connection: redis, prefix: p.loaded.config.redis.prefix });
const deadLettersOf = (p: Pipeline) => new Queue(deadLetterQueueName(p.loaded.config.queue.name), { connection: redis, prefix: p.loaded.config.redis.prefix });

describe('forced shutdown', () => {
  it('hands a send in flight back to the queue: not a connector failure, no fallback, sent again by the next worker', async () => {
    const primary = createProgrammableProvider('primary');
    const backup = createProgrammableProvider('backup');
    primary.behave = hangUntilAborted(() => new DeliveryError({ kind: 'retryable', provider: 'primary', code: 'aborted', message: 'send aborted' }));
    const config = chain({ queue: { shutdownGraceSeconds: 0.2, lockDurationMs: 1000 } });
    const a = await open({ providers: [primary.definition, backup.definition], config });
    const id = await send(a);
    await eventually(() => primary.calls === 1);
    await a.stopWorker();

    expect(backup.calls).toBe(0);
    expect(await breakerCount(a, 'primary')).toBeNull();
    expect(await a.metric('otp_delivery_attempts_total', { provider: 'primary' })).toBe(0);
    expect(await a.metric('otp_provider_up', { provider: 'primary' })).toBe(1);
    expect(a.logs.some((l) => l.includes('handed back'))).toBe(true);

    primary.behave = accept;
    const b = await open({ providers: [primary.definition, backup.definition], config: { ...config, redis: { prefix: a.loaded.config.redis.prefix } } });
    expect(await b.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    expect(primary.sent.map((m) => m.id)).toEqual([id]);
    expect(backup.calls).toBe(0);
    const queue = queueOf(a);
    try {
      // The cut-off run spent no attempt: the delivering run is the first counted.
      expect((await queue.getJob(id))?.attemptsMade).toBe(1);
    } finally {
      await queue.close();
    }
  });
});

describe('failures that are not the connector’s', () => {
  it('an exception that is not a DeliveryError is retried with backoff on the same chain, never counted against the circuit', async () => {
    const primary = createProgrammableProvider('primary');
    const backup = createProgrammableProvider('backup');
    let thrown = 0;
    primary.behave = async () => {
      if (thrown++ === 0) throw new TypeError("Cannot read properties of undefined (reading 'sid')");
      return {};
    };
    const p = await open({ providers: [primary.definition, backup.definition], config: chain() });
    const id = await send(p);
    expect(await p.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    expect(primary.calls).toBe(2);
    expect(primary.sent.map((m) => m.id)).toEqual([id]);
    expect(backup.calls).toBe(0);
    expect(await breakerCount(p, 'primary')).not.toBe('1');
    expect(await p.metric('otp_provider_up', { provider: 'primary' })).toBe(1);
    expect(p.logs.some((l) => l.includes('circuit opened'))).toBe(false);
    expect(await p.metric('otp_delivery_attempts_total', { provider: 'primary', outcome: 'retryable_error' })).toBe(1);
    // The bug's text is not logged as a vendor message, and nothing names the recipient in full.
    expect(p.logs.join('\n')).not.toContain('4155550123');
  });

  it('template_not_found on the active connector moves to a fallback that can render the message, counted nowhere', async () => {
    const primary = createProgrammableProvider('primary', { acceptsRenderedContent: false });
    const backup = createProgrammableProvider('backup');
    const p = await open({ providers: [primary.definition, backup.definition], config: chain() });
    const id = await send(p);
    expect(await p.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    expect(primary.calls).toBe(0);
    expect(backup.sent.map((m) => m.id)).toEqual([id]);
    expect(await breakerCount(p, 'primary')).toBeNull();
    expect(await p.metric('otp_provider_up', { provider: 'primary' })).toBe(1);
    expect(await p.metric('otp_delivery_attempts_total', { provider: 'primary' })).toBe(0);
  });

  it('dead-letters template_not_found when no connector of the chain can render the message', async () => {
    const primary = createProgrammableProvider('primary', { acceptsRenderedContent: false });
    const backup = createProgrammableProvider('backup', { acceptsRenderedContent: false });
    const p = await open({ providers: [primary.definition, backup.definition], config: chain() });
    const id = await send(p);
    expect(await p.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('dead');
    const deadLetters = deadLettersOf(p);
    try {
      expect(await listDeadLetters({ deadLetters })).toEqual([expect.objectContaining({ id, reason: 'template_not_found', providerCode: 'template_not_found', attempts: 1 })]);
    } finally {
      await deadLetters.close();
    }
    expect(await breakerCount(p, 'primary')).toBeNull();
    expect(await breakerCount(p, 'backup')).toBeNull();
  });
});

describe('vendor throttling without Retry-After', () => {
  it('each park of the same message waits longer (exponent: parks so far), and spends no attempt', async () => {
    const scripted = createScriptedProvider('scripted', [
      { fail: 'rate_limited', scope: 'message' },
      { fail: 'rate_limited', scope: 'message' },
      { fail: 'rate_limited', scope: 'message' },
      { fail: 'rate_limited', scope: 'message' },
      'ok',
    ]);
    const times: number[] = [];
    const timed = {
      ...scripted.definition,
      create: (c: unknown, d: Parameters<typeof scripted.definition.create>[1]) => {
        const inner = scripted.definition.create(c, d);
        return { ...inner, send: (m: Parameters<typeof inner.send>[0], ctx: Parameters<typeof inner.send>[1]) => (times.push(Date.now()), inner.send(m, ctx)) };
      },
    };
    const p = await open({
      providers: [timed],
      config: { queue: { attempts: 1, backoff: { delayMs: 100, maxDelayMs: 5000 } }, sms: { active: 'flaky', connectors: { flaky: { provider: 'scripted', config: {} } } } },
    });
    const id = await send(p);
    expect(await p.producer.waitFor(id, { timeoutMs: 15_000 })).toBe('delivered');
    expect(times).toHaveLength(5);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // Equal-jitter backoff on the park count: park n waits within [100·2^(n-1)/2, 100·2^(n-1)].
    expect(gaps[2]).toBeGreaterThanOrEqual(200);
    expect(gaps[3]).toBeGreaterThanOrEqual(400);
    expect(await p.metric('otp_delivery_attempts_total', { outcome: 'rate_limited' })).toBe(4);
  });
});

describe('a 2xx the connector does not recognise', () => {
  it('counts as delivered, is counted in otp_provider_unexpected_responses_total and logged without a body', async () => {
    const scripted = createScriptedProvider('scripted', ['ok']);
    const odd = {
      ...scripted.definition,
      create: (c: unknown, d: Parameters<typeof scripted.definition.create>[1]) => {
        const inner = scripted.definition.create(c, d);
        return { ...inner, send: async (m: Parameters<typeof inner.send>[0], ctx: Parameters<typeof inner.send>[1]) => ({ ...(await inner.send(m, ctx)), unexpectedResponse: true as const }) };
      },
    };
    const p = await open({ providers: [odd], config: { sms: { active: 'odd', connectors: { odd: { provider: 'scripted', config: {} } } } } });
    const id = await send(p, '987654');
    expect(await p.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    expect(scripted.sent).toHaveLength(1);
    expect(await p.metric('otp_provider_unexpected_responses_total', { provider: 'scripted' })).toBe(1);
    expect(await p.metric('otp_messages_total', { result: 'delivered' })).toBe(1);
    const warn = p.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l.msg).includes('unexpected response'));
    expect(warn).toMatchObject({ level: 'warn', provider: 'scripted', connector: 'odd' });
    expect(JSON.stringify(warn)).not.toContain('987654');
    expect(JSON.stringify(warn)).not.toContain('4155550123');
  });
});
