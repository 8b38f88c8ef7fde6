import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { LoadedConfig } from '../config/load.js';
import { RETENTION_MARGIN_SECONDS } from '../messages/defaults.js';
import { openShardedQueues } from '../messages/sharded-queues.js';
import { CHANNELS } from '../messages/types.js';
import { createReceiptMetrics } from '../metrics/receipt-metrics.js';
import { createFailover } from '../tracking/failover.js';
import { createReceiptIntake, type IntakeConnector, type ReceiptIntake } from '../tracking/intake.js';
import { createReceiptStore } from '../tracking/store.js';
import { createClaimRelease, createReceiptTools } from '../tracking/tools.js';
import { createSuppression } from '../tracking/suppression.js';

export type ReceiptIntakeRuntime = { intake: ReceiptIntake; publicUrl: string | undefined; close(): Promise<void> };

/** The ingest's receipt intake (SPEC §8), when any connector of the chains has receipts on. */
export const buildReceiptIntake = (loaded: LoadedConfig, redis: Redis | Cluster, registry: Registry, logger: Logger): ReceiptIntakeRuntime | undefined => {
  const { config, chains } = loaded;
  const all = [...chains.email, ...chains.sms];
  if (!all.some((c) => c.receipts)) return undefined;
  const prefix = config.redis.prefix;
  const log = logger.child({ component: 'receipts' });
  const tools = createReceiptTools(redis, prefix, log);
  const connectors: IntakeConnector[] = all.flatMap((c) => (c.receipts ? [{ channel: c.channel, name: c.name, provider: c.provider, verifier: c.receipts.verifier(tools) }] : []));
  const store = createReceiptStore(redis, prefix);
  const metrics = createReceiptMetrics(registry);
  const queues = openShardedQueues(redis, { name: config.queue.name, prefix, count: config.queue.shards });
  const channels = Object.fromEntries(
    CHANNELS.map((channel) => [channel, { chain: chains[channel].map((c) => ({ name: c.name, provider: c.provider })), enabled: config[channel]?.receiptFailover ?? false }]),
  );
  const failover = createFailover({ queueOf: (id) => queues.forId(id).queue, store, channels, metrics, logger: log, keepMarginSeconds: RETENTION_MARGIN_SECONDS });
  const seconds = config.limits.suppressBouncedSeconds;
  const suppression = seconds > 0 ? [createSuppression({ redis, prefix, queue: config.queue.name, seconds, logger: log })] : [];
  const intake = createReceiptIntake({ connectors, store, metrics, reactions: [failover, ...suppression], releaseClaims: createClaimRelease(redis, prefix), logger: log });
  return { intake, publicUrl: config.ingest.publicUrl, close: () => queues.close() };
};
