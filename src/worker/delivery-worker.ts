import { setMaxListeners } from 'node:events';
import type { Job, Telemetry, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { clampTimerMs } from '../abort/timer.js';
import { withDeadline } from '../abort/with-deadline.js';
import type { LoadedConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { parseKeyRing } from '../crypto/key-ring.js';
import { openShardedQueues, type ShardedQueues } from '../messages/sharded-queues.js';
import type { Channel } from '../messages/types.js';
import { createWorkerMetrics } from '../metrics/metrics.js';
import { registerQueueGauges } from '../metrics/queue-gauges.js';
import { closeRedis, duplicateForRole } from '../redis/connection.js';
import { createTemplateResolver, type TemplateResolver } from '../templates/resolve.js';
import type { Connector } from './connectors.js';
import { closeGeneration, createGeneration, type Generation, type Live, type Shared } from './generation.js';
import { createRateGate } from './rate-gate.js';
import { startShardWorkers } from './shard-workers.js';
import { createSentMarker } from './sent-marker.js';
import { createMissingReceiptsCounter } from '../metrics/receipt-metrics.js';
import { createReceiptSweeper } from '../tracking/sweeper.js';
import { createGenerations, type Generations } from '../reload/generations.js';

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
  /** BullMQ telemetry (bullmq-otel) when tracing is on: each job is processed in its producer's trace. @default none */
  telemetry?: Telemetry;
  /** SPEC §10 `worker --shards LIST`: the shards to consume (indexes below `queue.shards`). @default every shard */
  shards?: readonly number[];
};

export type DeliveryWorker = {
  /** Running and not closing: what /readyz reports together with Redis. */
  isRunning(): boolean;
  /**
   * Stops taking jobs, lets jobs in flight finish within the grace period, then forces. Settles
   * within `workerCloseBudgetMs` whatever Redis does.
   */
  close(): Promise<void>;
  /** The shards' queues it consumes (one without `queue.shards`). */
  readonly queues: ShardedQueues['all'];
  /** The connectors jobs start on now (the last reload's). The worker closes every set it was given or reloaded with. */
  connectors(): Record<Channel, Connector[]>;
  /** SPEC §14: the next jobs run on `live`; jobs in flight finish on theirs, whose connectors close once none uses them. */
  reload(live: Live): Promise<void>;
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
export const createDeliveryWorker = ({ loaded: { config }, connection, commands: given, connectors, registry, logger, resolver, telemetry, shards }: DeliveryWorkerDeps): DeliveryWorker => {
  // Fleet-wide state (breakers, pauses, rate gates, receipts) stays under the configured prefix;
  // each shard's queue, dead letters and sent markers live under the shard's.
  const prefix = config.redis.prefix;
  const queues = openShardedQueues(connection, { name: config.queue.name, prefix, count: config.queue.shards, only: shards, telemetry });
  // By the queue the job came from (a job copied in under a foreign id still stays on its shard).
  const deadLettersByQueue = new Map(queues.all.map((q) => [q.shard.name, q.deadLetters]));
  const deadLettersOf = (job: Job) => deadLettersByQueue.get(job.queueName) ?? queues.forId(job.id ?? '').deadLetters;
  const ring = config.security.encryptionKeys ? parseKeyRing(config.security.encryptionKeys) : undefined;
  if (!ring) logger.warn('security.encryptionKeys is not set: recipients and codes are stored in Redis in plain text');
  const metrics = createWorkerMetrics(registry);
  registerQueueGauges(registry, queues.all);
  const commands = given ?? duplicateForRole(connection, 'commands');
  const shutdown = new AbortController();
  // Every job in flight listens on it (and detaches when done).
  setMaxListeners(0, shutdown.signal);
  const shared: Shared = {
    commands, prefix, queueName: config.queue.name, ring, metrics, logger, shutdown: shutdown.signal, deadLetters: deadLettersOf,
    rateGate: createRateGate(commands, prefix),
    sentMarker: createSentMarker(commands, prefix, config.receipts.windowSeconds * 1000),
  };
  const first = createGeneration(shared, { config, connectors, resolver: resolver ?? createTemplateResolver(config.templates, config.defaultLocale) });
  // SPEC §14: each job runs on the generation current when it started; a reload swaps in the next one.
  const generations = createGenerations(first, closeGeneration);
  const processor = (job: Job, token?: string) => generations.use((g) => g.process(job, token));
  const workers = startShardWorkers(queues.all, { queue: config.queue, connection, processor, logger, telemetry });
  const sweeper = createReceiptSweeper({ redis: commands, prefix, missing: createMissingReceiptsCounter(registry), logger });
  const startSweeper = (c: Record<Channel, Connector[]>) => [...c.email, ...c.sms].some((x) => x.receipts) && sweeper.start();
  startSweeper(connectors);
  let closing: Promise<void> | undefined;
  return {
    queues: queues.all,
    isRunning: () => !closing && workers.every((w) => w.isRunning()),
    connectors: () => generations.current().connectors,
    async reload(live) {
      const next = createGeneration(shared, live);
      await next.health.refresh().catch(() => undefined);
      generations.swap(next);
      startSweeper(live.connectors);
    },
    close: () => (closing ??= closeInOrder({ workers, shutdown, generations, sweeper, queues, ownCommands: given ? undefined : commands, config, logger })),
  };
};

type Closing = {
  workers: Worker[];
  sweeper: { close(): void };
  shutdown: AbortController;
  generations: Generations<Generation>;
  queues: ShardedQueues;
  /** The command connection the worker opened itself (closed here); not one it was given. */
  ownCommands: Redis | Cluster | undefined;
  config: Config;
  logger: Logger;
};

const closeInOrder = async ({ workers, shutdown, generations, sweeper, queues, ownCommands, config, logger }: Closing): Promise<void> => {
  // One close: BullMQ answers a later close(true) with this same pending promise, so forcing
  // means aborting the jobs in flight and no longer waiting, not a second call.
  const closed = Promise.all(workers.map((w) => w.close()));
  if (!(await settlesWithin(closed, clampTimerMs(config.queue.shutdownGraceSeconds * 1000)))) {
    logger.warn({ graceSeconds: config.queue.shutdownGraceSeconds }, 'grace period over; aborting jobs in flight (they will be retried by another worker)');
    shutdown.abort();
    if (!(await settlesWithin(closed, FORCED_CLOSE_MS))) {
      // Redis does not answer (BullMQ waits on it to finish the jobs): leave them to stalled-job recovery.
      logger.warn('the queue did not close after the jobs were aborted (Redis unreachable?); leaving their jobs to stalled-job recovery');
      void settlesWithin(Promise.all(workers.map((w) => w.disconnect())), CLOSE_STEP_MS);
    }
  }
  sweeper.close();
  // Every connector of every generation (the current one, and any a job still held when forced).
  const connectorsClosed = generations.close();
  if (!(await settlesWithin(queues.close(), CLOSE_STEP_MS))) void settlesWithin(Promise.all(queues.all.flatMap((q) => [q.queue.disconnect(), q.deadLetters.disconnect()])), CLOSE_STEP_MS);
  await Promise.all([settlesWithin(connectorsClosed, CLOSE_STEP_MS), ownCommands && closeRedis(ownCommands, CLOSE_STEP_MS)]);
};
