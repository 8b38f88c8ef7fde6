import type { Cluster, Redis } from 'ioredis';
import { sentMarkerKey } from '../messages/keys.js';
import { shardPrefixOfId } from '../messages/shards.js';
import { queueTrack, type TrackedSend } from '../tracking/store.js';

/**
 * A key written right after the provider accepts a message and checked before any resend. It
 * narrows the duplicate window of at-least-once delivery from "until BullMQ acknowledges the job"
 * to one Redis round trip: a worker killed after the provider accepted but before the job was
 * completed leaves the marker behind, and the worker that picks the job up does not send again.
 * When the connector has receipts on, the same round trip starts tracking the send.
 *
 * SPEC §10: the marker lives under the prefix of the message's shard (named by its id), on the
 * slot of its queue, so each master of a Cluster carries the markers of its own shards; receipt
 * tracking stays fleet-wide under the configured prefix (then two commands in parallel, one per slot).
 */
export type SentMarker = {
  wasSent(id: string): Promise<string | undefined>;
  markSent(id: string, provider: string, ttlMs: number, track?: TrackedSend): Promise<void>;
};

/** `receiptWindowMs`: SPEC §8 `receipts.windowSeconds`, how long after expiry receipts are matched. */
export const createSentMarker = (redis: Redis | Cluster, prefix: string, receiptWindowMs = 0): SentMarker => {
  const exec = async (commands: ReturnType<Redis['multi']>) => {
    const replies = await commands.exec();
    const failed = replies?.find(([error]) => error);
    if (!replies || failed) throw failed?.[0] ?? new Error('sent marker transaction discarded');
  };
  return {
    async wasSent(id) {
      return (await redis.get(sentMarkerKey(shardPrefixOfId(prefix, id), id))) ?? undefined;
    },
    async markSent(id, provider, ttlMs, track) {
      const px = Math.max(1000, Math.round(ttlMs));
      const markerPrefix = shardPrefixOfId(prefix, id);
      const key = sentMarkerKey(markerPrefix, id);
      if (!track) {
        await redis.set(key, provider, 'PX', px);
        return;
      }
      // One transaction when marker and tracking share a slot; else one write per slot, in parallel.
      if (markerPrefix === prefix) {
        await exec(queueTrack(redis.multi().set(key, provider, 'PX', px), prefix, track, receiptWindowMs));
        return;
      }
      await Promise.all([redis.set(key, provider, 'PX', px), exec(queueTrack(redis.multi(), prefix, track, receiptWindowMs))]);
    },
  };
};
