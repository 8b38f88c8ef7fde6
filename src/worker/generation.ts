import type { Job } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { createLimitHashingSource } from '../limits/limit-key.js';
import type { JobResult } from '../messages/job-data.js';
import type { Channel } from '../messages/types.js';
import type { WorkerMetrics } from '../metrics/metrics.js';
import type { TemplateResolver } from '../templates/resolve.js';
import { closeConnectors, type Connector } from './connectors.js';
import { createConnectorHealth, type ConnectorHealth } from './connector-health.js';
import { createProcessor, type ProcessorDeps } from './processor.js';

/** What a config reload can replace: the connectors (and their health), templates, limits and queue policy. */
export type Live = { config: Config; connectors: Record<Channel, Connector[]>; resolver: TemplateResolver };

/** What every generation shares for the life of the worker (connections, key ring, metrics, shutdown). */
export type Shared = Pick<ProcessorDeps, 'rateGate' | 'sentMarker' | 'deadLetters' | 'metrics' | 'logger' | 'shutdown'> & {
  commands: Redis | Cluster;
  prefix: string;
  queueName: string;
  ring: KeyRing | undefined;
  metrics: WorkerMetrics;
  logger: Logger;
};

/** One config's delivery pipeline: jobs that start on it finish on it, whatever a reload does meanwhile. */
export type Generation = {
  connectors: Record<Channel, Connector[]>;
  health: ConnectorHealth;
  process(job: Job, token?: string): Promise<JobResult>;
};

export const createGeneration = (shared: Shared, { config, connectors, resolver }: Live): Generation => {
  const { commands, prefix, ring, metrics, logger } = shared;
  const health = createConnectorHealth({ redis: commands, prefix, connectors, metrics, logger });
  const hashing = config.limits.suppressBouncedSeconds > 0 ? createLimitHashingSource(commands, { prefix, queue: shared.queueName, ring }) : undefined;
  const process = createProcessor({
    ...(hashing && { recipientHash: async (to: string) => (await hashing.current()).hashRecipient(to) }),
    ...shared,
    queueConfig: config.queue,
    defaultLocale: config.defaultLocale,
    ring,
    resolver,
    health,
  });
  return { connectors, health, process };
};

/** A generation no job uses any more: its health timer stopped, its connectors' clients closed. */
export const closeGeneration = async (generation: Generation): Promise<void> => {
  generation.health.close();
  await closeConnectors(generation.connectors);
};
