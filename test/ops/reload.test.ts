import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { startIngestRuntime, startWorkerRuntime } from '../../src/cli/runtime.js';
import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { createProducer } from '../../src/producer/index.js';
import { BUILTIN_PROVIDERS, createProviderRegistry } from '../../src/providers/registry.js';
import { defineProvider } from '../../src/providers/types.js';
import { freePort } from '../../src/redis/local-server.js';
import { liveConfig } from '../../src/reload/live.js';
import { spawnCli, writeConfig } from '../helpers/cli.js';
import { eventually } from '../helpers/pipeline.js';

const redisUrl = inject('redisUrl');

const outboxIds = async (path: string): Promise<string[]> => {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);
};

const metricValue = (text: string, series: string): number => Number(text.split('\n').find((l) => l.startsWith(series))?.split(' ')[1] ?? NaN);

describe('SIGHUP reload (SPEC §14)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  });

  it('a worker process switches from outbox A to outbox B under load: none lost, none twice, later ones in B; an invalid file is refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otp-reload-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const [a, b] = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')];
    const prefix = `{r-${randomUUID().slice(0, 8)}}`;
    const metricsPort = await freePort();
    const config = (active: 'a' | 'b', concurrency: number) => ({
      redis: { url: redisUrl, prefix },
      queue: { concurrency, attempts: 3, shutdownGraceSeconds: 3 },
      email: { active, connectors: { [active]: { provider: 'outbox', config: { path: active === 'a' ? a : b } } } },
      metrics: { port: metricsPort, host: '127.0.0.1' },
      log: { level: 'info' },
    });
    const file = await writeConfig(join(dir, 'worker.json'), config('a', 4));
    const worker = spawnCli(['worker', '--config', file]);
    cleanups.push(async () => {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
      await worker.exited;
    });
    await eventually(async () => (await fetch(`http://127.0.0.1:${metricsPort}/readyz`).catch(() => undefined))?.status === 200, 20_000);
    const producer = createProducer({ connection: redisUrl, prefix });
    cleanups.push(() => producer.close());
    const send = (i: number) => producer.send({ channel: 'email', to: `user${i}@example.com`, type: 'SignIn', payload: { code: String(100000 + i) } }).then((r) => r.id);

    // Messages flow the whole time: a sender adds one every few milliseconds.
    const ids: string[] = [];
    let stop = false;
    const flowing = (async () => {
      for (let i = 0; !stop; i += 1) {
        ids.push(await send(i));
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    await eventually(async () => (await outboxIds(a)).length >= 30, 15_000);
    // Connector switch, plus a setting that cannot change live (named in the log, kept).
    await writeConfig(file, config('b', 9));
    worker.child.kill('SIGHUP');
    await eventually(() => worker.output().includes('"msg":"config reloaded"'), 10_000);
    const sentBeforeReloaded = ids.length;
    await eventually(() => ids.length >= sentBeforeReloaded + 60, 15_000);
    stop = true;
    await flowing;

    await eventually(async () => (await outboxIds(a)).length + (await outboxIds(b)).length >= ids.length, 20_000);
    const [inA, inB] = [await outboxIds(a), await outboxIds(b)];
    expect([...inA, ...inB].sort()).toEqual([...ids].sort()); // every message once, in A or in B
    expect(inB.length).toBeGreaterThan(0);
    const inASet = new Set(inA);
    expect(ids.slice(sentBeforeReloaded).filter((id) => inASet.has(id))).toEqual([]); // after the reload: B only
    expect(worker.output()).toMatch(/"ignored":\["queue\.concurrency"\]/);

    // An invalid file: one line, the old config keeps delivering, the failure counted.
    await writeFile(file, JSON.stringify({ ...config('b', 9), queue: { concurrency: 'many' } }));
    worker.child.kill('SIGHUP');
    await eventually(() => worker.output().includes('config reload refused: queue.concurrency: expected number'), 10_000);
    expect(worker.output().match(/config reload refused/g)).toHaveLength(1);
    const later = await send(100_000);
    await eventually(async () => (await outboxIds(b)).includes(later), 10_000);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metricValue(metrics, 'otp_config_reloads_total{result="success"}')).toBe(1);
    expect(metricValue(metrics, 'otp_config_reloads_total{result="failure"}')).toBe(1);
  }, 90_000);

  it('a job in flight finishes on the connector it started with, which is closed only afterwards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otp-reload-inflight-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const events: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const gated = defineProvider({
      id: 'gated',
      channels: ['email'],
      configSchema: z.strictObject({}),
      create: () => ({
        templates: [],
        acceptsRenderedContent: true,
        async send(message) {
          events.push(`send ${message.id}`);
          await held;
          events.push(`sent ${message.id}`);
          return {};
        },
        async close() {
          events.push('closed');
        },
      }),
    });
    const registry = createProviderRegistry([...BUILTIN_PROVIDERS, gated]);
    const prefix = `{r-${randomUUID().slice(0, 8)}}`;
    const base = { redis: { url: redisUrl, prefix }, queue: { concurrency: 4, shutdownGraceSeconds: 2 }, log: { level: 'silent' } };
    const old = parseConfig({ ...base, email: { active: 'old', connectors: { old: { provider: 'gated' } } } }, registry, {});
    const next = parseConfig({ ...base, email: { active: 'new', connectors: { new: { provider: 'outbox', config: { path: join(dir, 'b.jsonl') } } } } }, registry, {});
    const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
    const runtime = await startWorkerRuntime(old, logger, new Registry(), { ops: false });
    cleanups.push(() => runtime.close());
    const producer = createProducer({ connection: redisUrl, prefix });
    cleanups.push(() => producer.close());
    const message = { channel: 'email' as const, to: 'ana@example.com', type: 'SignIn' as const, payload: { code: '123456' } };

    const first = await producer.send(message);
    await eventually(() => events.includes(`send ${first.id}`));
    await runtime.reload?.(liveConfig(old, next).loaded);
    const second = await producer.send({ ...message, to: 'bo@example.com' });
    expect(await producer.waitFor(second.id, { timeoutMs: 10_000 })).toBe('delivered');
    expect(await outboxIds(join(dir, 'b.jsonl'))).toEqual([second.id]);
    expect(events).toEqual([`send ${first.id}`]); // still in flight on the old connector, which is still open

    release();
    expect(await producer.waitFor(first.id, { timeoutMs: 10_000 })).toBe('delivered');
    await eventually(() => events.includes('closed'));
    expect(events).toEqual([`send ${first.id}`, `sent ${first.id}`, 'closed']);
  });
});

describe('SIGHUP reload of the ingest (SPEC §14)', () => {
  it('limits take effect for the next request; requests use one producer each, the old one closes', async () => {
    const prefix = `{r-${randomUUID().slice(0, 8)}}`;
    const config = (max: number) => parseConfig({ redis: { url: redisUrl, prefix }, ingest: { port: 0, host: '127.0.0.1' }, limits: { perRecipient: { max, windowSeconds: 600 } }, log: { level: 'silent' } }, createProviderRegistry(), {});
    const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
    const initial = config(1);
    const ingest = await startIngestRuntime(initial, logger, new Registry());
    try {
      const post = () => ingest.app.inject({ method: 'POST', url: '/v1/email', payload: { to: 'ana@example.com', type: 'SignIn', payload: { code: '123456' } } });
      expect((await post()).statusCode).toBe(200);
      expect((await post()).statusCode).toBe(429);
      await ingest.reload?.(liveConfig(initial, config(5)).loaded);
      expect((await post()).statusCode).toBe(200);
    } finally {
      await ingest.close();
    }
  });
});

describe('liveConfig', () => {
  const registry = createProviderRegistry();
  const loaded = (over: Record<string, unknown>) =>
    parseConfig({ redis: { url: 'redis://127.0.0.1:6379' }, email: { active: 'a', connectors: { a: { provider: 'outbox', config: { path: '/tmp/a' } } } }, ...over }, registry, {});

  it('keeps the running values of what cannot change live, names them, and takes the rest', () => {
    const running = loaded({ queue: { concurrency: 5 }, metrics: { port: 1000 }, limits: { perRecipient: { max: 3 } }, log: { level: 'info' } });
    const next = loaded({ redis: { url: 'redis://10.0.0.9:6379' }, queue: { concurrency: 9, attempts: 2 }, metrics: { port: 2000 }, limits: { perRecipient: { max: 7 } }, log: { level: 'debug' }, ui: { port: 1 } });
    const { loaded: live, ignored } = liveConfig(running, next);
    expect(ignored.sort()).toEqual(['metrics', 'queue.concurrency', 'redis', 'ui']);
    expect(live.config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(live.config.queue.concurrency).toBe(5);
    expect(live.config.ui).toBeUndefined();
    expect(live.config.queue.attempts).toBe(2);
    expect(live.config.limits.perRecipient.max).toBe(7);
    expect(live.config.log.level).toBe('debug');
  });

  it('ignores nothing when only live settings changed', () => {
    expect(liveConfig(loaded({}), loaded({ templates: [{ channel: 'email', type: 'SignIn', subject: 's', content: 'c {{code}}' }] })).ignored).toEqual([]);
  });
});
