import type { Cluster, Redis } from 'ioredis';
import { sentMarkerKey } from '../messages/keys.js';
import { queueTrack, type TrackedSend } from '../tracking/store.js';

/**
 * A key written right after the provider accepts a message and checked before any resend. It
 * narrows the duplicate window of at-least-once delivery from "until BullMQ acknowledges the job"
 * to one Redis round trip: a worker killed after the provider accepted but before the job was
 * completed leaves the marker behind, and the worker that picks the job up does not send again.
 * When the connector has receipts on, the same round trip starts tracking the send.
 */
export type SentMarker = {
  wasSent(id: string): Promise<string | undefined>;
  markSent(id: string, provider: string, ttlMs: number, track?: TrackedSend): Promise<void>;
};

/** `receiptWindowMs`: SPEC §8 `receipts.windowSeconds`, how long after expiry receipts are matched. */
export const createSentMarker = (redis: Redis | Cluster, prefix: string, receiptWindowMs = 0): SentMarker => {
  const key = (id: string) => sentMarkerKey(prefix, id);
  return {
    async wasSent(id) {
      return (await redis.get(key(id))) ?? undefined;
    },
    async markSent(id, provider, ttlMs, track) {
      const px = Math.max(1000, Math.round(ttlMs));
      if (!track) {
        await redis.set(key(id), provider, 'PX', px);
        return;
      }
      const replies = await queueTrack(redis.multi().set(key(id), provider, 'PX', px), prefix, track, receiptWindowMs).exec();
      const failed = replies?.find(([error]) => error);
      if (!replies || failed) throw failed?.[0] ?? new Error('sent marker transaction discarded');
    },
  };
};
