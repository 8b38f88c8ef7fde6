import type { Cluster, Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createSlidingWindow } from '../limits/sliding-window.js';
import { connectorKey, type Connector } from './connectors.js';

export type RateGate = {
  /** 0 when the connector may send now (the send is counted), else ms to wait. */
  acquire(connector: Connector): Promise<number>;
};

/**
 * A connector's `rateLimit: { max, perSeconds }`, enforced across every worker with one rolling
 * window in Redis, so the fleet never exceeds what the vendor account allows (no limit: no Redis call).
 */
export const createRateGate = (redis: Redis | Cluster, prefix: string): RateGate => {
  const window = createSlidingWindow(redis);
  return {
    async acquire(connector) {
      const limit = connector.rateLimit;
      if (!limit) return 0;
      const key = connectorKey(prefix, connector, 'rate');
      const { waitMs } = await window.hit([{ key, limit: { max: limit.max, windowSeconds: limit.perSeconds } }], randomUUID());
      return waitMs;
    },
  };
};
