import type { Telemetry } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { clampTimerMs } from '../abort/timer.js';
import { withDeadline } from '../abort/with-deadline.js';
import type { LoadedConfig } from '../config/load.js';
import { createIngestServer } from '../ingest/server.js';
import { createProducer, type Producer } from '../producer/index.js';
import { closeRedis, connectionFromConfig, createRedis } from '../redis/connection.js';
import { pingRedis, startOpsServer } from '../ops/server.js';
import { createDeliveryWorker, workerCloseBudgetMs } from '../worker/delivery-worker.js';
import { startUiView } from '../ui/start.js';
import { chainEntries, createLiveIngest, workerLive } from './live.js';
import { buildReceiptIntake } from './receipts.js';

export type Runtime = {
  close(): Promise<void>;
  /** SPEC §14 (SIGHUP): applies a reloaded config, its frozen settings already put back; absent: nothing to reload. */
  reload?(next: LoadedConfig): Promise<void> | void;
  /** The longest close() takes, whatever Redis does; untilSignal's backstop waits this long plus a margin. */
  readonly closeBudgetMs?: number;
};

/** Each closing step after the worker's own close: connectors, the ops server, Redis connections. */
const CLOSE_STEP_MS = 1000;
/** The ingest's HTTP server: requests in flight get this long to finish (longer than the longest `?wait=`, 30 s). */
const INGEST_CLOSE_MS = 35_000;
/** For a runtime that states no budget. */
const DEFAULT_CLOSE_BUDGET_MS = 10_000;
/** untilSignal's backstop fires this long after the slowest runtime's budget. */
const BACKSTOP_MARGIN_MS = 500;
/** After closing, open handles (a socket to a hung Redis, a library's reconnect timer) may delay exit this long. */
const EXIT_LINGER_MS = 1000;

/** Waits for `promise` at most `ms`; a step that outlives it is abandoned, never awaited. */
const bounded = (promise: Promise<unknown>, ms: number): Promise<void> => withDeadline(promise, ms).then(() => undefined, () => undefined);

export const createRegistry = (): Registry => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
};

/** The worker process: BullMQ worker, connectors, and /metrics /healthz /readyz on metrics.port. `telemetry`: BullMQ's, when tracing is on. */
export type WorkerRuntimeOptions = {
  ops?: boolean;
  telemetry?: Telemetry;
  /** SPEC §10 `--shards LIST`, parsed: the shards to consume. @default every shard */
  shards?: readonly number[];
};

export const startWorkerRuntime = async (loaded: LoadedConfig, logger: Logger, registry: Registry, options: WorkerRuntimeOptions = {}): Promise<Runtime & { redis: Redis | Cluster }> => {
  const redis = createRedis(connectionFromConfig(loaded.config.redis), 'worker');
  // Hot-path commands (sent marker, rate gate, breakers) on a second connection with a command timeout.
  const commands = createRedis(connectionFromConfig(loaded.config.redis), 'commands');
  const { connectors, resolver } = workerLive(loaded, logger);
  const { telemetry, shards } = options;
  const worker = createDeliveryWorker({ loaded, connection: redis, commands, connectors, registry, logger, resolver, ...(telemetry && { telemetry }), ...(shards && { shards }) });
  const { ui: uiConfig } = loaded.config;
  const ui = uiConfig && (await startUiView(loaded.config, uiConfig, () => chainEntries(worker.connectors()), logger));
  const ops =
    options.ops === false
      ? undefined
      : await startOpsServer(registry, async () => worker.isRunning() && (await pingRedis(redis)), loaded.config.metrics.port, loaded.config.metrics.host);
  let closed = false;
  const { name, concurrency } = loaded.config.queue;
  logger.info({ queue: name, shards: worker.queues.map((q) => q.shard.name), concurrency, metricsPort: loaded.config.metrics.port }, 'worker started');
  return {
    redis,
    closeBudgetMs: workerCloseBudgetMs(loaded.config.queue.shutdownGraceSeconds) + CLOSE_STEP_MS,
    reload: (next) => worker.reload(workerLive(next, logger)),
    async close() {
      if (closed) return;
      closed = true;
      await worker.close();
      await Promise.all([
        ops && bounded(ops.close(), CLOSE_STEP_MS),
        ui && bounded(ui.close(), CLOSE_STEP_MS),
        closeRedis(commands, CLOSE_STEP_MS / 2),
        closeRedis(redis, CLOSE_STEP_MS / 2),
      ]);
    },
  };
};

export const producerOptionsFromConfig = (loaded: LoadedConfig, registry?: Registry) => {
  const { config } = loaded;
  return {
    connection: connectionFromConfig(config.redis),
    queue: config.queue.name,
    prefix: config.redis.prefix,
    shards: config.queue.shards,
    ttlSeconds: config.queue.ttlSeconds,
    maxTtlSeconds: config.queue.maxTtlSeconds,
    durability: config.redis.durability,
    maxWaiters: config.ingest.maxWaiters,
    ...(config.security.encryptionKeys && { encryptionKeys: config.security.encryptionKeys }),
    ...(registry && { registry }),
    limits: {
      perRecipient: config.limits.perRecipient,
      ...(config.limits.perIp && { perIp: config.limits.perIp }),
      sms: config.limits.sms,
      mode: config.limits.mode,
      suppressBounced: config.limits.suppressBouncedSeconds > 0,
    },
    silent: config.limits.silent,
  };
};

/** The ingest process: HTTP producer plus ops routes on ingest.port. `telemetry`: BullMQ's, when tracing is on. */
export const startIngestRuntime = async (loaded: LoadedConfig, logger: Logger, registry: Registry, telemetry?: Telemetry): Promise<Runtime & { app: FastifyInstance; producer: Producer }> => {
  const { config } = loaded;
  const redis = createRedis(connectionFromConfig(config.redis), 'producer');
  const generation = (l: LoadedConfig) => ({
    producer: createProducer({ ...producerOptionsFromConfig(l, registry), connection: redis, logger, ...(telemetry && { telemetry }) }),
    receipts: buildReceiptIntake(l, redis, registry, logger),
  });
  const first = generation(loaded);
  const live = createLiveIngest(first, logger);
  const { producer, intake } = live;
  const receipts = first.receipts && { intake, publicUrl: first.receipts.publicUrl };
  let closing = false;
  const app = createIngestServer({
    ...(receipts && { receipts }),
    producer,
    registry,
    ready: async () => !closing && (await pingRedis(redis)),
    authorization: config.ingest.authorization,
    bodyLimitBytes: config.ingest.bodyLimitBytes,
    hooks: config.ingest,
  });
  await app.listen({ port: config.ingest.port, host: config.ingest.host });
  logger.info({ port: config.ingest.port, open: !config.ingest.authorization }, 'ingest listening');
  return {
    app,
    producer,
    closeBudgetMs: INGEST_CLOSE_MS + 2 * CLOSE_STEP_MS,
    reload: (next) => live.reload(generation(next)),
    async close() {
      closing = true;
      await bounded(app.close(), INGEST_CLOSE_MS);
      // Every generation's producer and receipt intake.
      await bounded(producer.close(), 2 * CLOSE_STEP_MS);
      await closeRedis(redis, CLOSE_STEP_MS);
    },
  };
};

/**
 * Closes every runtime (in parallel) after `signal`. Two safety nets keep a process from outliving
 * its shutdown, whatever Redis or a library does:
 * - backstop: if closing has not finished within the slowest runtime's `closeBudgetMs` plus a
 *   margin, one error line is logged and the process exits with code 1 (what was cut off is retried
 *   by another worker, as after a crash);
 * - once closing has finished, open handles left behind (a socket to a frozen Redis, a reconnect
 *   timer) may delay the exit for at most a second, then the process exits with code 0.
 */
export const shutdown = (logger: Logger, runtimes: Runtime[], signal: string, exit: (code: number) => void = (code) => process.exit(code)): Promise<void> => {
  const exitFlushed = (code: number) => logger.flush(() => exit(code));
  logger.info({ signal }, 'shutting down');
  const budgetMs = Math.max(0, ...runtimes.map((r) => r.closeBudgetMs ?? DEFAULT_CLOSE_BUDGET_MS)) + BACKSTOP_MARGIN_MS;
  const backstop = setTimeout(() => {
    logger.error({ signal, afterMs: budgetMs }, 'shutdown did not finish in time; exiting with code 1 (jobs cut off are retried by another worker)');
    exitFlushed(1);
  }, clampTimerMs(budgetMs));
  return Promise.allSettled(runtimes.map((r) => r.close())).then(() => {
    clearTimeout(backstop);
    logger.info('stopped');
    logger.flush();
    setTimeout(() => exitFlushed(0), EXIT_LINGER_MS).unref();
  });
};

/** Runs until SIGTERM/SIGINT, then `shutdown`: resolves once every runtime is closed. */
export const untilSignal = (logger: Logger, runtimes: Runtime[], exit?: (code: number) => void): Promise<void> =>
  new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      void shutdown(logger, runtimes, signal, exit).then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
