import type { FastifyInstance } from 'fastify';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { LoadedConfig } from '../config/load.js';
import { configWarnings } from '../config/warnings.js';
import { createIngestServer } from '../ingest/server.js';
import { createProducer, type Producer } from '../producer/index.js';
import { connectionFromConfig, createRedis } from '../redis/connection.js';
import { pingRedis, startOpsServer } from '../ops/server.js';
import { buildConnectors, closeConnectors } from '../worker/connectors.js';
import { createDeliveryWorker } from '../worker/delivery-worker.js';
import { createTemplateResolver } from '../templates/resolve.js';

export type Runtime = { close(): Promise<void> };

export const createRegistry = (): Registry => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
};

/** The worker process: BullMQ worker, connectors, and /metrics /healthz /readyz on metrics.port. */
export const startWorkerRuntime = async (loaded: LoadedConfig, logger: Logger, registry: Registry, options: { ops?: boolean } = {}): Promise<Runtime & { redis: Redis | Cluster }> => {
  const redis = createRedis(connectionFromConfig(loaded.config.redis), 'worker');
  const connectors = buildConnectors(loaded.chains, logger);
  // Templates compile once, for the start-up checks and the worker.
  const resolver = createTemplateResolver(loaded.config.templates, loaded.config.defaultLocale);
  for (const w of configWarnings(loaded, connectors, resolver)) logger.warn({ path: w.path }, `config: ${w.message}`);
  const worker = createDeliveryWorker({ loaded, connection: redis, connectors, registry, logger, resolver });
  const ops =
    options.ops === false
      ? undefined
      : await startOpsServer(registry, async () => worker.isRunning() && (await pingRedis(redis)), loaded.config.metrics.port, loaded.config.metrics.host);
  let closed = false;
  logger.info({ queue: loaded.config.queue.name, concurrency: loaded.config.queue.concurrency, metricsPort: loaded.config.metrics.port }, 'worker started');
  return {
    redis,
    async close() {
      if (closed) return;
      closed = true;
      await worker.close();
      await closeConnectors(connectors);
      await ops?.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
};

export const producerOptionsFromConfig = (loaded: LoadedConfig, registry?: Registry) => {
  const { config } = loaded;
  return {
    connection: connectionFromConfig(config.redis),
    queue: config.queue.name,
    prefix: config.redis.prefix,
    ttlSeconds: config.queue.ttlSeconds,
    maxTtlSeconds: config.queue.maxTtlSeconds,
    durability: config.redis.durability,
    ...(config.security.encryptionKeys && { encryptionKeys: config.security.encryptionKeys }),
    ...(registry && { registry }),
    limits: {
      perRecipient: config.limits.perRecipient,
      ...(config.limits.perIp && { perIp: config.limits.perIp }),
      sms: config.limits.sms,
    },
  };
};

/** The ingest process: HTTP producer plus ops routes on ingest.port. */
export const startIngestRuntime = async (loaded: LoadedConfig, logger: Logger, registry: Registry): Promise<Runtime & { app: FastifyInstance; producer: Producer }> => {
  const { config } = loaded;
  const redis = createRedis(connectionFromConfig(config.redis), 'producer');
  const producer = createProducer({ ...producerOptionsFromConfig(loaded, registry), connection: redis });
  let closing = false;
  const app = createIngestServer({
    producer,
    registry,
    ready: async () => !closing && (await pingRedis(redis)),
    authorization: config.ingest.authorization,
    bodyLimitBytes: config.ingest.bodyLimitBytes,
  });
  await app.listen({ port: config.ingest.port, host: config.ingest.host });
  logger.info({ port: config.ingest.port, open: !config.ingest.authorization }, 'ingest listening');
  return {
    app,
    producer,
    async close() {
      closing = true;
      await app.close();
      await producer.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
};

/** Runs until SIGTERM/SIGINT, then closes in order and exits 0. */
export const untilSignal = (logger: Logger, runtimes: Runtime[]): Promise<void> =>
  new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      Promise.allSettled(runtimes.map((r) => r.close())).then(() => {
        logger.info('stopped');
        logger.flush();
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
