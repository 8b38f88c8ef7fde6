import { setMaxListeners } from 'node:events';
import { Worker, type Job, type Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { clampTimerMs } from '../abort/timer.js';
import { withDeadline } from '../abort/with-deadline.js';
import type { LoadedConfig } from '../config/load.js';
import { parseKeyRing } from '../crypto/key-ring.js';
import { BACKOFF_TYPE } from '../messages/job-data.js';
import { openMessageQueues } from '../messages/queues.js';
import type { Channel } from '../messages/types.js';
import { createWorkerMetrics } from '../metrics/metrics.js';
import { registerQueueGauges } from '../metrics/queue-gauges.js';
import { closeRedis, duplicateForRole } from '../redis/connection.js';
import { createTemplateResolver, type TemplateResolver } from '../templates/resolve.js';
import { backoffDelayMs } from './backoff.js';
import type { Connector } from './connectors.js';
import { addDeadLetter } from './dead-letters.js';
import { createConnectorHealth } from './connector-health.js';
import { createRateGate } from './rate-gate.js';
import { createSentMarker } from './sent-marker.js';
import { circuitBreakerSchema } from '../config/schema.js';

const DEFAULT_BREAKER = circuitBreakerSchema.parse({});
import { createProcessor, isDeadLettered } from './processor.js';

export type DeliveryWorkerDeps = {
  loaded: LoadedConfig;
  /** Blocking connection for the BullMQ worker (maxRetriesPerRequest: null). */
  connection: Redis | Cluster;
  /**
   * The worker's own hot-path commands (sent marker, rate gate, circuit breakers): role 'commands',
   * with a command timeout. When not given, the worker opens one to the same Redis and closes it.
   */
  commands?: Redis | Cluster;
  connectors: Record<Channel, Connector[]>;
  registry: Registry;
  logger: Logger;
  /** Built from the config when not given (the runtime shares the one its start-up checks used). */
  resolver?: TemplateResolver;
};

export type DeliveryWorker = {
  /** Running and not closing: what /readyz reports together with Redis. */
  isRunning(): boolean;
  /**
   * Stops taking jobs, lets jobs in flight finish within the grace period, then forces. Settles
   * within `workerCloseBudgetMs` whatever Redis does.
   */
  close(): Promise<void>;
  readonly queue: Queue;
};

/** After the grace period, how long aborted jobs and BullMQ get to wind down before we stop waiting. */
const FORCED_CLOSE_MS = 1000;
/** Each later step (queues, the worker's own command connection). */
const CLOSE_STEP_MS = 500;

/** The longest `close()` takes: the grace period, the forced stop, and the closing steps after it. */
export const workerCloseBudgetMs = (graceSeconds: number): number => clampTimerMs(graceSeconds * 1000) + FORCED_CLOSE_MS + 2 * CLOSE_STEP_MS;

/** True when `promise` settled within `ms` (resolved or rejected), false when it is still pending. */
const settlesWithin = (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  withDeadline(promise.then(() => true, () => true), ms).catch(() => false);

/** The BullMQ worker with the delivery pipeline, metrics and dead letters wired in. */
export const createDeliveryWorker = ({ loaded, connection, commands: given, connectors, registry, logger, resolver }: DeliveryWorkerDeps): DeliveryWorker => {
  const { config } = loaded;
  const prefix = config.redis.prefix;
  const queues = openMessageQueues(config.queue.name, connection, prefix);
  const { queue, deadLetters } = queues;
  const ring = config.security.encryptionKeys ? parseKeyRing(config.security.encryptionKeys) : undefined;
  if (!ring) logger.warn('security.encryptionKeys is not set: recipients and codes are stored in Redis in plain text');
  const metrics = createWorkerMetrics(registry);
  registerQueueGauges(registry, queue, deadLetters);
  const commands = given ?? duplicateForRole(connection, 'commands');
  for (const c of [...connectors.email, ...connectors.sms]) metrics.providerUp.set({ channel: c.channel, provider: c.provider.id }, 1);

  const health = createConnectorHealth({
    redis: commands,
    prefix,
    connectors,
    breakers: { email: config.email?.circuitBreaker ?? DEFAULT_BREAKER, sms: config.sms?.circuitBreaker ?? DEFAULT_BREAKER },
    metrics,
    logger,
  });
  const rateLimits = new Map(
    (['email', 'sms'] as const).flatMap((channel) =>
      loaded.chains[channel].flatMap((parsed) => {
        const connector = connectors[channel].find((c) => c.name === parsed.name);
        return connector && parsed.rateLimit ? [[connector, parsed.rateLimit] as const] : [];
      }),
    ),
  );
  const shutdown = new AbortController();
  // Every job in flight listens on it (and detaches when done).
  setMaxListeners(0, shutdown.signal);
  const retryDelays = new WeakMap<Error, number>();
  const processor = createProcessor({
    queueConfig: config.queue,
    defaultLocale: config.defaultLocale,
    ring,
    resolver: resolver ?? createTemplateResolver(config.templates, config.defaultLocale),
    health,
    rateGate: createRateGate(commands, prefix, rateLimits),
    sentMarker: createSentMarker(commands, prefix),
    deadLetters,
    metrics,
    logger,
    shutdown: shutdown.signal,
    retryDelays,
  });

  const worker = new Worker(config.queue.name, processor, {
    connection,
    prefix,
    concurrency: config.queue.concurrency,
    autorun: true,
    maxStalledCount: 5,
    lockDuration: config.queue.lockDurationMs,
    stalledInterval: Math.max(500, Math.floor(config.queue.lockDurationMs / 2)),
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string, error?: Error) =>
        (error && retryDelays.get(error)) ?? (type === BACKOFF_TYPE ? backoffDelayMs(attemptsMade, config.queue.backoff, undefined) : 1000),
    },
  });
  worker.on('error', (error) => logger.error({ err: { message: error.message } }, 'worker error'));
  // Jobs failed outside the pipeline (stalled too often, lock lost) still end in the dead-letter queue.
  worker.on('failed', (job: Job | undefined, error: Error) => {
    if (!job || isDeadLettered(error) || !job.finishedOn) return;
    addDeadLetter(deadLetters, job, { reason: error.message.slice(0, 200), attempts: job.attemptsMade }).catch((e: Error) =>
      logger.error({ err: { message: e.message }, jobId: job.id }, 'could not dead-letter failed job'),
    );
  });

  let closing: Promise<void> | undefined;
  return {
    queue,
    isRunning: () => !closing && worker.isRunning(),
    close() {
      closing ??= (async () => {
        // One close: BullMQ answers a later close(true) with this same pending promise, so forcing
        // means aborting the jobs in flight and no longer waiting, not a second call.
        const closed = worker.close();
        if (!(await settlesWithin(closed, clampTimerMs(config.queue.shutdownGraceSeconds * 1000)))) {
          logger.warn({ graceSeconds: config.queue.shutdownGraceSeconds }, 'grace period over; aborting jobs in flight (they will be retried by another worker)');
          shutdown.abort();
          if (!(await settlesWithin(closed, FORCED_CLOSE_MS))) {
            // Redis does not answer (BullMQ waits on it to finish the jobs): leave them to stalled-job recovery.
            logger.warn('the queue did not close after the jobs were aborted (Redis unreachable?); leaving their jobs to stalled-job recovery');
            void settlesWithin(worker.disconnect(), CLOSE_STEP_MS);
          }
        }
        health.close();
        if (!(await settlesWithin(queues.close(), CLOSE_STEP_MS))) void settlesWithin(Promise.all([queue.disconnect(), deadLetters.disconnect()]), CLOSE_STEP_MS);
        if (!given) await closeRedis(commands, CLOSE_STEP_MS);
      })();
      return closing;
    },
  };
};
