import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { DelayedError, Queue, type Job } from 'bullmq';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { circuitBreakerSchema, queueSchema } from '../../src/config/schema.js';
import { seal } from '../../src/crypto/envelope.js';
import { generateKey, parseKeyRing } from '../../src/crypto/key-ring.js';
import { listDeadLetters, showDeadLetter } from '../../src/dlq/operations.js';
import { rateLimited, retryable } from '../../src/errors/delivery-error.js';
import { createLogger } from '../../src/log/logger.js';
import type { JobData } from '../../src/messages/job-data.js';
import { deadLetterQueueName } from '../../src/messages/job-data.js';
import { createWorkerMetrics } from '../../src/metrics/metrics.js';
import type { OutgoingMessage, Provider, SendResult } from '../../src/providers/types.js';
import { createTemplateResolver, type TemplateResolver } from '../../src/templates/resolve.js';
import type { Connector } from '../../src/worker/connectors.js';
import type { ConnectorHealth } from '../../src/worker/connector-health.js';
import { createProcessor, isDeadLettered, type ProcessorDeps } from '../../src/worker/processor.js';
import { backoffStrategy, RetryLater } from '../../src/worker/retry-later.js';
import { SEND_CUTOFF_MS } from '../../src/worker/send-by.js';

/**
 * createProcessor with its hot-path dependencies injected (rate gate, sent marker, breaker), so a
 * failing Redis call can be made to fail exactly where it matters. Dead letters go to a real queue.
 */
let deadLetters: Queue;
beforeAll(() => {
  deadLetters = new Queue(deadLetterQueueName('otp'), { connection: { url: inject('redisUrl') }, prefix: `{u-${randomUUID().slice(0, 8)}}` });
});
afterAll(async () => deadLetters.close());

const redisDown = () => Promise.reject(new Error('Command timed out'));

const provider = (id: string, send: (m: OutgoingMessage) => Promise<SendResult> = async () => ({})) => {
  const sent: OutgoingMessage[] = [];
  let calls = 0;
  const p: Provider = {
    id,
    channel: 'sms',
    templates: [],
    acceptsRenderedContent: true,
    async send(message) {
      calls += 1;
      const result = await send(message);
      sent.push(message);
      return result;
    },
    async close() {},
  };
  return { connector: { name: id, channel: 'sms', provider: p, breaker: circuitBreakerSchema.parse({}) } satisfies Connector, sent, calls: () => calls };
};

/** Circuit breakers kept in memory, recording what the processor reports. */
const recordingHealth = (chain: Connector[], over: Partial<ConnectorHealth> = {}) => {
  const failures: string[] = [];
  const pauses: [string, number][] = [];
  const successes: string[] = [];
  const paused = new Map<Connector, number>();
  const health: ConnectorHealth = {
    candidates: () => chain,
    pausedUntil: (c) => paused.get(c) ?? 0,
    success: (c) => void successes.push(c.name),
    failure: async (c) => void failures.push(c.name),
    pause: async (c, ms) => void pauses.push([c.name, ms]),
    refresh: async () => {},
    close: () => {},
    ...over,
  };
  return { health, failures, pauses, successes, paused };
};

const harness = (chain: Connector[], over: Partial<ProcessorDeps> = {}, healthOver: Partial<ConnectorHealth> = {}) => {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
      done();
    },
  });
  const registry = new Registry();
  const recorded = recordingHealth(chain, healthOver);
  const deps: ProcessorDeps = {
    queueConfig: queueSchema.parse({ attempts: 3, backoff: { delayMs: 100, maxDelayMs: 1000 } }),
    defaultLocale: 'en',
    ring: undefined,
    resolver: createTemplateResolver([], 'en'),
    health: recorded.health,
    rateGate: { acquire: async () => 0 },
    sentMarker: { wasSent: async () => undefined, markSent: async () => {} },
    deadLetters: () => deadLetters,
    metrics: createWorkerMetrics(registry),
    logger: createLogger('debug', sink),
    shutdown: new AbortController().signal,
    random: () => 0.5,
    ...over,
  };
  const metric = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values.reduce((s, v) => s + v.value, 0) ?? 0;
  return { process: createProcessor(deps), logs, metric, ...recorded };
};

/** A BullMQ job as the worker hands it over; moveToDelayed records where it was parked. */
const jobOf = (data: Partial<JobData> & Record<string, unknown> = {}, over: { id?: string; attemptsStarted?: number; attemptsMade?: number } = {}) => {
  const id = (data.id as string | undefined) ?? randomUUID();
  const parked: number[] = [];
  const job = {
    id: over.id ?? id,
    data: { v: 1, id, channel: 'sms', type: 'SignIn', enqueuedAt: Date.now(), expiresAt: Date.now() + 60_000, body: { to: '+14155550123', payload: { code: '424242' } }, ...data },
    attemptsStarted: over.attemptsStarted ?? 1,
    attemptsMade: over.attemptsMade ?? 0,
    async moveToDelayed(timestamp: number) {
      parked.push(timestamp);
    },
  };
  return { job: job as unknown as Job, parked, id: job.id };
};

const outcome = async (run: Promise<unknown>) => run.then((r) => ({ result: r }), (error: unknown) => ({ error }));

describe('hot-path Redis failures before the send', () => {
  it.each([
    ['the sent marker read', { sentMarker: { wasSent: redisDown, markSent: async () => {} } }, 1],
    ['the sent marker read on a later run', { sentMarker: { wasSent: redisDown, markSent: async () => {} } }, 3],
    ['the rate gate', { rateGate: { acquire: redisDown } }, 1],
  ] as const)('%s fails: nothing sent, parked with backoff (no attempt spent), counted against no connector', async (_name, over, attemptsStarted) => {
    const a = provider('primary');
    const b = provider('backup');
    const h = harness([a.connector, b.connector], over);
    const { job, parked } = jobOf({}, { attemptsStarted });
    const before = Date.now();
    const { error } = (await outcome(h.process(job, 'token'))) as { error?: unknown };
    expect(error).toBeInstanceOf(DelayedError);
    expect(a.calls() + b.calls()).toBe(0);
    expect(h.failures).toEqual([]);
    expect(parked).toHaveLength(1);
    // park n of the message: backoff 100·2^(n-1), equal jitter (random 0.5 → ¾ of it)
    const base = 100 * 2 ** (attemptsStarted - 1);
    expect(parked[0]! - before).toBeGreaterThanOrEqual(base / 2);
    expect(parked[0]! - Date.now()).toBeLessThanOrEqual(base);
    expect(await h.metric('otp_delivery_attempts_total')).toBe(0);
    const line = h.logs.find((l) => l.msg === 'Redis call failed before the send; not sent, parked');
    expect(line).toMatchObject({ level: 'warn', err: { message: 'Command timed out' } });
    expect(JSON.stringify(h.logs)).not.toMatch(/4155550123|424242/);
  });

  it('a Redis failure whose backoff would pass expiresAt dead-letters instead of parking', async () => {
    const a = provider('primary');
    const h = harness([a.connector], { rateGate: { acquire: redisDown } });
    const { job, parked, id } = jobOf({ expiresAt: Date.now() + SEND_CUTOFF_MS + 20 });
    const { error } = (await outcome(h.process(job, 'token'))) as { error?: unknown };
    expect(isDeadLettered(error)).toBe(true);
    expect(parked).toEqual([]);
    expect(await showDeadLetter({ deadLetters }, id)).toMatchObject({ reason: 'expires_before_retry', detail: 'rate gate failed; nothing sent; expires before next attempt' });
  });
});

describe('hot-path Redis failures after the provider answered', () => {
  it('the sent marker write fails after the provider accepted: delivered, logged without recipient or code', async () => {
    const a = provider('primary');
    const h = harness([a.connector], { sentMarker: { wasSent: async () => undefined, markSent: redisDown } });
    const { job } = jobOf();
    expect(await h.process(job, 'token')).toEqual({ outcome: 'delivered', provider: 'primary' });
    expect(a.sent).toHaveLength(1);
    expect(h.successes).toEqual(['primary']);
    expect(h.logs.find((l) => String(l.msg).startsWith('could not write the sent marker'))).toMatchObject({ level: 'warn', provider: 'primary' });
    expect(JSON.stringify(h.logs)).not.toMatch(/4155550123|424242/);
    expect(await h.metric('otp_messages_total')).toBe(1);
  });

  it('the breaker write fails after a connector failure: the chain goes on to the fallback', async () => {
    const failing = provider('primary', () => Promise.reject(retryable({ provider: 'primary', code: 'http_503', message: 'down' })));
    const b = provider('backup');
    const h = harness([failing.connector, b.connector], {}, { failure: redisDown });
    const { job } = jobOf();
    expect(await h.process(job, 'token')).toEqual({ outcome: 'delivered', provider: 'backup' });
    expect(h.logs.some((l) => l.msg === 'could not record the connector failure')).toBe(true);
  });

  it('the pause write fails after a connector-wide 429: the job still parks, spending no attempt', async () => {
    const a = provider('primary', () => Promise.reject(rateLimited({ provider: 'primary', code: 'http_429', message: 'throttled', retryAfterMs: 1000 })));
    const h = harness([a.connector], {}, { pause: redisDown });
    const { job, parked } = jobOf();
    const { error } = (await outcome(h.process(job, 'token'))) as { error?: unknown };
    expect(error).toBeInstanceOf(DelayedError);
    expect(parked).toHaveLength(1);
    expect(h.logs.some((l) => l.msg === 'could not record the connector pause')).toBe(true);
  });
});

describe('the message deadline', () => {
  it('a message with less than the cut-off left before expiresAt is expired, never handed to a provider', async () => {
    const a = provider('primary');
    const h = harness([a.connector]);
    const { job } = jobOf({ expiresAt: Date.now() + SEND_CUTOFF_MS - 100 });
    expect(await h.process(job, 'token')).toEqual({ outcome: 'expired' });
    expect(a.calls()).toBe(0);
    expect(await h.metric('otp_delivery_attempts_total')).toBe(0);
  });

  it('expires during the Redis calls before the send (sent marker read): never handed to a provider, ends expired', async () => {
    const a = provider('primary');
    const expiresAt = Date.now() + SEND_CUTOFF_MS + 40;
    // The marker read answers after expiresAt, as on a slow Redis link (chaos scenario f).
    const slowRead = () => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), expiresAt - Date.now() + 20));
    const h = harness([a.connector], { sentMarker: { wasSent: slowRead, markSent: async () => {} } });
    const { job } = jobOf({ expiresAt });
    expect(await h.process(job, 'token')).toEqual({ outcome: 'expired' });
    expect(a.calls()).toBe(0);
    expect(await h.metric('otp_delivery_attempts_total')).toBe(0);
  });

  it('expires during the rate gate: never handed to a provider', async () => {
    const a = provider('primary');
    const expiresAt = Date.now() + SEND_CUTOFF_MS + 40;
    const slowGate = () => new Promise<number>((resolve) => setTimeout(() => resolve(0), expiresAt - Date.now() + 20));
    const h = harness([a.connector], { rateGate: { acquire: slowGate } });
    const { job } = jobOf({ expiresAt });
    expect(await h.process(job, 'token')).toEqual({ outcome: 'expired' });
    expect(a.calls()).toBe(0);
  });

  it('cuts a send off at its send-by (expiresAt less the cut-off): expired, no fallback tried, not counted against the connector', async () => {
    const hang = provider('primary', (m) => new Promise<SendResult>(() => void m));
    const slow = {
      ...hang.connector,
      provider: {
        ...hang.connector.provider,
        send: (_m: OutgoingMessage, ctx: { signal: AbortSignal }) =>
          new Promise<SendResult>((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(retryable({ provider: 'primary', code: 'aborted', message: 'send aborted' })))),
      },
    } satisfies Connector;
    const b = provider('backup');
    const h = harness([slow, b.connector]);
    const { job } = jobOf({ expiresAt: Date.now() + SEND_CUTOFF_MS + 50 });
    expect(await h.process(job, 'token')).toEqual({ outcome: 'expired' });
    expect(b.calls()).toBe(0);
    expect(h.failures).toEqual([]);
    expect(await h.metric('otp_delivery_attempts_total')).toBe(0);
    expect(await h.metric('otp_messages_total')).toBe(1);
  });
});

describe('decisions the processor makes before any send', () => {
  it('refuses a job whose BullMQ id is not its message id (copied in Redis): dead-lettered id_mismatch under the copy’s id, never sent', async () => {
    const a = provider('primary');
    const h = harness([a.connector]);
    const copyId = `copy-${randomUUID()}`;
    const { job } = jobOf({}, { id: copyId });
    const { error } = (await outcome(h.process(job, 'token'))) as { error?: unknown };
    expect(isDeadLettered(error)).toBe(true);
    expect(a.calls()).toBe(0);
    expect((await listDeadLetters({ deadLetters })).find((l) => l.id === copyId)).toMatchObject({ reason: 'id_mismatch' });
  });

  it('checks the sent marker on the first run too (a job re-added to Redis after it was sent)', async () => {
    const a = provider('primary');
    const h = harness([a.connector], { sentMarker: { wasSent: async () => 'primary', markSent: async () => {} } });
    const { job } = jobOf({}, { attemptsStarted: 1 });
    expect(await h.process(job, 'token')).toEqual({ outcome: 'delivered', provider: 'primary' });
    expect(a.calls()).toBe(0);
  });

  it('a sealed body copied to another message id does not open (the envelope binds the id)', async () => {
    const ring = parseKeyRing({ current: 'k1', keys: { k1: generateKey() } });
    const a = provider('primary');
    const h = harness([a.connector], { ring });
    const original = { id: randomUUID(), channel: 'sms', type: 'SignIn', expiresAt: Date.now() + 60_000 } as const;
    const sealed = seal(ring, JSON.stringify({ to: '+14155550123', payload: { code: '424242' } }), original);
    const { job, id } = jobOf({ ...original, id: `copy-${randomUUID()}`, body: undefined, sealed });
    const { error } = (await outcome(h.process(job, 'token'))) as { error?: unknown };
    expect(isDeadLettered(error)).toBe(true);
    expect(a.calls()).toBe(0);
    expect((await listDeadLetters({ deadLetters })).find((l) => l.id === id)).toMatchObject({ reason: 'decrypt_failed' });
  });

  it('a forced shutdown before the send hands the job back without calling the provider', async () => {
    const a = provider('primary');
    const controller = new AbortController();
    controller.abort();
    const h = harness([a.connector], { shutdown: controller.signal });
    const { job, parked } = jobOf();
    const { error } = (await outcome(h.process(job, 'token'))) as { error?: unknown };
    expect(error).toBeInstanceOf(DelayedError);
    expect(a.calls()).toBe(0);
    expect(parked).toHaveLength(1);
    expect(h.failures).toEqual([]);
  });

  it('a rendering that throws is the message’s problem: the next connector renders it; none can → dead render_failed', async () => {
    const real = createTemplateResolver([], 'en');
    const broken = (ids: string[]): TemplateResolver => ({
      resolve(lookup, p) {
        const resolved = real.resolve(lookup, p);
        if (!ids.includes(p.id) || resolved.kind !== 'local') return resolved;
        return { ...resolved, body: { ...resolved.body, render: () => { throw new RangeError('Maximum call stack size exceeded'); } } };
      },
    });
    const a = provider('primary');
    const b = provider('backup');
    const one = harness([a.connector, b.connector], { resolver: broken(['primary']) });
    expect(await one.process(jobOf().job, 'token')).toEqual({ outcome: 'delivered', provider: 'backup' });
    expect(a.calls()).toBe(0);

    const both = harness([a.connector, b.connector], { resolver: broken(['primary', 'backup']) });
    const { job, id } = jobOf();
    const { error } = (await outcome(both.process(job, 'token'))) as { error?: unknown };
    expect(isDeadLettered(error)).toBe(true);
    expect((await listDeadLetters({ deadLetters })).find((l) => l.id === id)).toMatchObject({ reason: 'render_failed', providerCode: 'render_failed' });
    expect([...one.failures, ...both.failures]).toEqual([]);
  });
});

describe('parks spread out', () => {
  it('jobs parked on a paused connector wake at different instants, never before the pause ends', async () => {
    const a = provider('primary');
    const pausedUntil = Date.now() + 10_000;
    const wakes: number[] = [];
    for (const r of [0.1, 0.5, 0.9]) {
      const h = harness([a.connector], { random: () => r });
      h.paused.set(a.connector, pausedUntil);
      const { job, parked } = jobOf();
      const { error } = (await outcome(h.process(job, 'token'))) as { error?: unknown };
      expect(error).toBeInstanceOf(DelayedError);
      wakes.push(...parked);
    }
    expect(a.calls()).toBe(0);
    expect(wakes.every((w) => w >= pausedUntil && w <= pausedUntil + 2000)).toBe(true);
    expect(new Set(wakes).size).toBe(3);
  });
});

describe('a retry', () => {
  it("throws a RetryLater carrying its delay (what BullMQ's backoff strategy reads) and the failure's message", async () => {
    const failure = retryable({ provider: 'primary', code: 'http_503', message: 'down', retryAfterMs: 700 });
    const a = provider('primary', () => Promise.reject(failure));
    const h = harness([a.connector]);
    const { error } = (await outcome(h.process(jobOf().job, 'token'))) as { error?: unknown };
    expect(error).toBeInstanceOf(RetryLater);
    // random 0.5: ¾ of the 100 ms backoff, raised to the vendor's Retry-After
    expect(error).toMatchObject({ delayMs: 700, message: failure.message, failure });
    expect(backoffStrategy({ type: 'exponential', delayMs: 100, maxDelayMs: 1000 })(1, 'otp', error as Error)).toBe(700);
    expect(h.failures).toEqual(['primary']);
  });
});
