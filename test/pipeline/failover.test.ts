import { afterEach, describe, expect, it } from 'vitest';
import { startStandIn } from '../helpers/http-stand-in.js';
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.js';
import { createScriptedProvider } from '../helpers/scripted-provider.js';

const opened: Pipeline[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.close()));
});

const chainConfig = (prefix?: string) => ({
  ...(prefix && { redis: { prefix } }),
  sms: {
    active: 'primary',
    fallback: ['backup'],
    connectors: { primary: { provider: 'primary', config: {} }, backup: { provider: 'backup', config: {} } },
    circuitBreaker: { consecutiveFailures: 3, openSeconds: 1, windowSeconds: 10, minRequests: 100 },
  },
});

const send = (p: Pipeline, i: number) => p.producer.send({ channel: 'sms', to: '+14155550123', type: 'SignIn', payload: { code: String(100000 + i) } }).then((r) => r.id);

describe('vendor throttling', () => {
  it('a 429 with Retry-After: 2 delays the message ≥ 2 s without spending an attempt', async () => {
    let calls = 0;
    const vendor = await startStandIn(() => (++calls === 1 ? { status: 429, headers: { 'retry-after': '2' }, body: { error: 'slow down' } } : { status: 200, body: {} }));
    try {
      const p = await startPipeline({ config: { queue: { attempts: 1 }, sms: { active: 'hook', connectors: { hook: { provider: 'http-sms', config: { endpoint: `${vendor.url}/sms` } } } } } });
      opened.push(p);
      const started = Date.now();
      const id = await send(p, 1);
      expect(await p.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
      expect(vendor.requests[1] && Date.now() - started).toBeGreaterThanOrEqual(2000);
      expect(calls).toBe(2);
      expect(await p.metric('otp_delivery_attempts_total', { provider: 'http-sms', outcome: 'rate_limited' })).toBe(1);
    } finally {
      await vendor.close();
    }
  });
});

describe('failover chain', () => {
  it('switches to the backup when the primary fails, shares the open circuit between workers, and returns when it recovers', async () => {
    const primary = createScriptedProvider('primary', [{ fail: 'retryable', code: 'http_503' }]);
    const backup = createScriptedProvider('backup', ['ok']);
    const a = await startPipeline({ providers: [primary.definition, backup.definition], config: chainConfig() });
    opened.push(a);
    // a second worker process-equivalent on the same queue and Redis keys
    const b = await startPipeline({ providers: [primary.definition, backup.definition], config: chainConfig(a.loaded.config.redis.prefix) });
    opened.push(b);

    // 1. primary failing: every message still delivered (through the backup, within the same attempt)
    const first = await Promise.all(Array.from({ length: 10 }, (_, i) => send(a, i)));
    for (const id of first) expect(await a.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    expect(backup.sent.map((m) => m.payload.code).sort()).toEqual(Array.from({ length: 10 }, (_, i) => String(100000 + i)));

    // 2. the circuit is open fleet-wide: both workers stop trying the primary
    await eventually(async () => (await a.metric('otp_provider_up', { provider: 'primary' })) === 0 && (await b.metric('otp_provider_up', { provider: 'primary' })) === 0);
    const callsWhenOpen = primary.calls;
    const second = await Promise.all(Array.from({ length: 10 }, (_, i) => send(a, 10 + i)));
    for (const id of second) expect(await a.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    expect(primary.calls).toBe(callsWhenOpen);

    // 3. the primary recovers: after openSeconds traffic returns to it
    primary.script(['ok']);
    await eventually(async () => (await a.metric('otp_provider_up', { provider: 'primary' })) === 1, 10_000);
    const third = await Promise.all(Array.from({ length: 5 }, (_, i) => send(a, 20 + i)));
    for (const id of third) expect(await a.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    expect(primary.sent.length).toBeGreaterThan(0);

    // nothing lost, nothing sent twice by the switch
    const codes = [...primary.sent, ...backup.sent].map((m) => m.payload.code);
    expect(new Set(codes).size).toBe(25);
    expect(codes).toHaveLength(25);
    expect(a.logs.some((l) => l.includes('circuit opened'))).toBe(true);
  }, 30_000);

  it('does not fail over or trip the breaker on an invalid recipient', async () => {
    const primary = createScriptedProvider('primary', [{ fail: 'permanent', code: '21211', scope: 'message' }]);
    const backup = createScriptedProvider('backup', ['ok']);
    const p = await startPipeline({ providers: [primary.definition, backup.definition], config: chainConfig() });
    opened.push(p);
    const ids = await Promise.all(Array.from({ length: 5 }, (_, i) => send(p, i)));
    for (const id of ids) expect(await p.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('dead');
    expect(backup.calls).toBe(0);
    expect(await p.metric('otp_provider_up', { provider: 'primary' })).toBe(1);
  });

  it('holds a configured rate limit across two workers', async () => {
    const sink = createScriptedProvider('primary', ['ok']);
    const times: number[] = [];
    const timed = {
      ...sink.definition,
      create: (c: unknown, d: Parameters<typeof sink.definition.create>[1]) => {
        const inner = sink.definition.create(c, d);
        return { ...inner, send: async (m: Parameters<typeof inner.send>[0], ctx: Parameters<typeof inner.send>[1]) => (times.push(Date.now()), inner.send(m, ctx)) };
      },
    };
    const config = (prefix?: string) => ({
      ...(prefix && { redis: { prefix } }),
      queue: { concurrency: 20 },
      sms: { active: 'limited', connectors: { limited: { provider: 'primary', config: {}, rateLimit: { max: 20, perSeconds: 1 } } } },
    });
    const a = await startPipeline({ providers: [timed], config: config() });
    opened.push(a);
    const b = await startPipeline({ providers: [timed], config: config(a.loaded.config.redis.prefix) });
    opened.push(b);
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => send(a, i)));
    for (const id of ids) expect(await a.producer.waitFor(id, { timeoutMs: 20_000 })).toBe('delivered');
    times.sort((x, y) => x - y);
    // The limiter grants at most 20 slots per rolling second (Redis clock); a send is timed here, a few
    // ms after its grant, and that jitter can pull two sends a second apart slightly closer. So: no
    // rolling 900 ms window holds more than 20 sends (an unlimited fleet sends all 50 within ~100 ms).
    const maxInWindow = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 900).length));
    expect(maxInWindow).toBeLessThanOrEqual(20);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(2000);
  }, 30_000);
});
