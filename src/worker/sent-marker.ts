import type { Cluster, Redis } from 'ioredis';
import { sentMarkerKey } from '../messages/keys.js';

/**
 * A key written right after the provider accepts a message and checked before any resend. It
 * narrows the duplicate window of at-least-once delivery from "until BullMQ acknowledges the job"
 * to one Redis round trip: a worker killed after the provider accepted but before the job was
 * completed leaves the marker behind, and the worker that picks the job up does not send again.
 */
export type SentMarker = {
  wasSent(id: string): Promise<string | undefined>;
  markSent(id: string, provider: string, ttlMs: number): Promise<void>;
};

export const createSentMarker = (redis: Redis | Cluster, prefix: string): SentMarker => {
  const key = (id: string) => sentMarkerKey(prefix, id);
  return {
    async wasSent(id) {
      return (await redis.get(key(id))) ?? undefined;
    },
    async markSent(id, provider, ttlMs) {
      await redis.set(key(id), provider, 'PX', Math.max(1000, Math.round(ttlMs)));
    },
  };
};
