import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { Registry } from 'prom-client';
import { metricValue } from './metrics.js';
import { parseConfig, type LoadedConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { createProducer, type Producer } from '../../src/producer/index.js';
import { BUILTIN_PROVIDERS, createProviderRegistry } from '../../src/providers/registry.js';
import type { ProviderDefinition } from '../../src/providers/types.js';
import { producerOptionsFromConfig, startWorkerRuntime } from '../../src/cli/runtime.js';

export type PipelineOptions = {
  /** Extra config merged over a default with outbox connectors on both channels. */
  config?: Record<string, unknown>;
  providers?: ProviderDefinition[];
  /** Start the worker right away. @default true */
  startWorker?: boolean;
};

export type Pipeline = {
  loaded: LoadedConfig;
  producer: Producer;
  registry: Registry;
  outboxPath: string;
  /** Every log line the worker wrote (JSON). */
  logs: string[];
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  outbox(): Promise<Record<string, unknown>[]>;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
};

export const uniqueQueue = () => `t-${randomUUID().slice(0, 8)}`;

/** A worker and a producer on the shared test Redis, on a queue of their own. */
export const startPipeline = async (options: PipelineOptions = {}): Promise<Pipeline> => {
  const dir = await mkdtemp(join(tmpdir(), 'otp-courier-test-'));
  const outboxPath = join(dir, 'outbox.jsonl');
  const outbox = { provider: 'outbox', config: { path: outboxPath } };
  const base = {
    redis: { url: inject('redisUrl'), prefix: `{${uniqueQueue()}}` },
    queue: { name: 'otp', concurrency: 10, attempts: 3, backoff: { delayMs: 10, maxDelayMs: 50 }, shutdownGraceSeconds: 5 },
    email: { active: 'main', connectors: { main: outbox } },
    sms: { active: 'main', connectors: { main: outbox } },
    limits: { perRecipient: { max: 1000, windowSeconds: 60 } },
    log: { level: 'debug' },
  };
  const raw = deepMerge(base, options.config ?? {});
  const loaded = parseConfig(raw, createProviderRegistry([...BUILTIN_PROVIDERS, ...(options.providers ?? [])]), {});
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger('debug', sink);
  const registry = new Registry();
  const producer = createProducer(producerOptionsFromConfig(loaded));
  let worker: Awaited<ReturnType<typeof startWorkerRuntime>> | undefined;
  const pipeline: Pipeline = {
    loaded,
    producer,
    registry,
    outboxPath,
    logs,
    async startWorker() {
      worker ??= await startWorkerRuntime(loaded, logger, registry, { ops: false });
    },
    async stopWorker() {
      await worker?.close();
      worker = undefined;
    },
    async outbox() {
      try {
        return (await readFile(outboxPath, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      } catch {
        return [];
      }
    },
    metric: (name, labels = {}) => metricValue(registry, name, labels),
    async close() {
      await pipeline.stopWorker();
      await producer.close();
    },
  };
  if (options.startWorker !== false) await pipeline.startWorker();
  return pipeline;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const deepMerge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k], v) : v;
  return out;
};

/** Polls `check` until it returns a truthy value or the timeout passes. */
export const eventually = async <T>(check: () => Promise<T> | T, timeoutMs = 10_000, intervalMs = 20): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
};
