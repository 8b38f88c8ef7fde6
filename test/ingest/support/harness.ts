import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { Registry } from 'prom-client';
import { startIngestRuntime, startWorkerRuntime } from '../../../src/cli/runtime.js';
import { parseConfig, type LoadedConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/log/logger.js';
import { createProviderRegistry } from '../../../src/providers/registry.js';

/** A name no other test uses: every test gets its own queue and BullMQ prefix. */
export const unique = (tag: string): string => `${tag}-${randomUUID().slice(0, 8)}`;

export const silentLogger = createLogger('silent');

export type TestConfigOptions = {
  redisUrl: string;
  outbox?: string;
  limits?: Record<string, unknown>;
  ingest?: Record<string, unknown>;
  security?: Record<string, unknown>;
};

/** A LoadedConfig with outbox connectors on both channels, a fresh queue and prefix, ports 0 on 127.0.0.1. */
export const testConfig = ({ redisUrl, outbox = join(tmpdir(), `${unique('outbox')}.jsonl`), limits, ingest, security }: TestConfigOptions): LoadedConfig => {
  const box = { provider: 'outbox', config: { path: outbox } };
  return parseConfig(
    {
      redis: { url: redisUrl, prefix: `{${unique('t')}}` },
      queue: { name: unique('q'), concurrency: 5 },
      email: { active: 'box', connectors: { box } },
      sms: { active: 'box', connectors: { box } },
      limits: limits ?? { perRecipient: { max: 1000, windowSeconds: 600 } },
      ingest: { port: 0, host: '127.0.0.1', ...ingest },
      metrics: { port: 0, host: '127.0.0.1' },
      ...(security && { security }),
      log: { level: 'silent' },
    },
    createProviderRegistry(),
    {},
  );
};

export type Ingest = Awaited<ReturnType<typeof startIngestRuntime>> & { url: string; registry: Registry };

export const startIngest = async (loaded: LoadedConfig): Promise<Ingest> => {
  const registry = new Registry();
  const runtime = await startIngestRuntime(loaded, silentLogger, registry);
  const { port } = runtime.app.server.address() as AddressInfo;
  return Object.assign(runtime, { url: `http://127.0.0.1:${port}`, registry });
};

/**
 * For one describe block: an ingest on `loaded`'s Redis, started before its tests and closed after,
 * with the config's queue open to count what it stored.
 */
export const useIngest = (loaded: LoadedConfig): { readonly queue: Queue; readonly url: string } => {
  const redis = new Redis(loaded.config.redis.url ?? '');
  const queue = openQueue(loaded, redis);
  let ingest: Ingest | undefined;
  beforeAll(async () => {
    ingest = await startIngest(loaded);
  });
  afterAll(async () => {
    await ingest?.close();
    await queue.close();
    redis.disconnect();
  });
  return {
    queue,
    get url() {
      if (!ingest) throw new Error('the ingest starts in beforeAll');
      return ingest.url;
    },
  };
};

export const startWorker = (loaded: LoadedConfig) => startWorkerRuntime(loaded, silentLogger, new Registry(), { ops: false });

export type Reply = { status: number; headers: Headers; body: unknown; ms: number };

/** POSTs JSON (or a raw string with its own content type) and reads the answer. */
export const post = async (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  const ms = performance.now() - started;
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed, ms };
};

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export const pollUntil = async <T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
  }
};

export type OutboxLine = { id: string; channel: string; to: string; type: string; locale: string; subject?: string; text?: string; html?: string; body?: string };

export const readOutbox = async (path: string): Promise<OutboxLine[]> => {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as OutboxLine);
};

/** Every key under the config's prefix (SCAN, not KEYS). */
export const scanKeys = async (redis: Redis, pattern: string): Promise<string[]> => {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
};

export const tempDir = () => mkdtemp(join(tmpdir(), 'otp-ingest-'));
export const removeDir = (dir: string) => rm(dir, { recursive: true, force: true });

/** The config's queue, read directly (jobs as stored in Redis). Close it after use. */
export const openQueue = (loaded: LoadedConfig, connection: Redis): Queue =>
  new Queue(loaded.config.queue.name, { connection, prefix: loaded.config.redis.prefix });

/** How many jobs the queue holds in any state. */
export const countJobs = async (queue: Queue): Promise<number> => {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'waiting-children');
  return Object.values(counts).reduce((a, b) => a + b, 0);
};

/** Waits for `count` outbox lines to `to` in the file at `outbox`, and returns them. */
export const deliveredTo = (outbox: string) => (to: string, count = 1): Promise<OutboxLine[]> =>
  pollUntil(async () => {
    const lines = (await readOutbox(outbox)).filter((l) => l.to === to);
    return lines.length >= count ? lines : undefined;
  }, 10_000, `outbox line for ${to}`);

/** For one describe block: `start(limits)` starts an ingest on the test Redis with those limits; all are closed after. */
export const useIngests = (redisUrl: string) => {
  const ingests: Ingest[] = [];
  afterAll(() => Promise.allSettled(ingests.map((i) => i.close())));
  return async (limits: Record<string, unknown>): Promise<Ingest> => {
    const ingest = await startIngest(testConfig({ redisUrl, limits }));
    ingests.push(ingest);
    return ingest;
  };
};
