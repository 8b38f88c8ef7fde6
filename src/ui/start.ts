import type { Logger } from 'pino';
import type { Config, UiConfig } from '../config/schema.js';
import { openShardedQueues } from '../messages/sharded-queues.js';
import { closeRedis, connectionFromConfig, createRedis } from '../redis/connection.js';
import type { Channel } from '../messages/types.js';
import { createUiServer } from './server.js';
import { readUiState, type ChainEntry } from './state.js';

export type UiView = { port: number; close(): Promise<void> };

/**
 * Serves the read-only view on `ui.port`, on a Redis connection of its own (role 'commands': every
 * call times out, so a page answers 503 instead of hanging, and a large dead-letter read never
 * queues behind, or ahead of, a worker's hot-path calls). `chains`: the connectors to show, read
 * per page so a reloaded config shows its own.
 */
export const startUiView = async (config: Config, ui: UiConfig, chains: () => Record<Channel, readonly ChainEntry[]>, logger: Logger): Promise<UiView> => {
  const redis = createRedis(connectionFromConfig(config.redis), 'commands');
  const queues = openShardedQueues(redis, { name: config.queue.name, prefix: config.redis.prefix, count: config.queue.shards });
  const app = createUiServer({ read: () => readUiState({ redis, prefix: config.redis.prefix, queues: queues.all, chains }), authorization: ui.authorization });
  await app.listen({ port: ui.port, host: ui.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : ui.port;
  logger.info({ port, host: ui.host, open: !ui.authorization }, 'read-only view listening');
  return {
    port,
    async close() {
      await app.close();
      await queues.close();
      await closeRedis(redis, 1000);
    },
  };
};
