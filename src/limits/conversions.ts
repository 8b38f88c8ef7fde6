import type { Cluster, Redis } from 'ioredis';
import type { Channel } from '../messages/types.js';
import type { LimitHashingSource } from './limit-key.js';

/** How long the record of a recipient's last used code is kept (issue #17 reads it). */
export const CONVERSION_RECORD_SECONDS = 86_400;

/**
 * SPEC §12's conversion signal: "the last code sent to this recipient was used".
 *
 * Each new send leaves a mark for its recipient (`…:conversion:pending:<channel>:<hash>` = message
 * id) that lives as long as the message; a report that the code was used takes the mark away and
 * writes `…:conversion:last:<channel>:<hash>` = `<message id> <epoch ms>`. A report with no mark (no
 * code sent lately, a password sign-in, the same report twice) is no conversion. Keys live under the
 * queue's prefix (one Redis Cluster slot) and hold the recipient's keyed hash, never the recipient.
 */
export type Conversions = {
  /** Marks `to` as having a live code (message `id`) for `ttlMs`. */
  noteSent(channel: Channel, to: string, id: string, ttlMs: number): Promise<void>;
  /** Whether a live code for `to` was pending; if so it is now recorded as used. `to` is normalised (E.164, email). */
  record(channel: Channel, to: string): Promise<{ converted: boolean; id?: string }>;
};

/** Take the pending mark KEYS[1] and, when there was one, write KEYS[2] = "<id> <ARGV[1]>" for ARGV[2] s. */
const TAKE = `
local id = redis.call('GET', KEYS[1])
if not id then return false end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], id .. ' ' .. ARGV[1], 'EX', ARGV[2])
return id
`;

type Scripts = { otpConversionTake?: (pending: string, last: string, at: string, seconds: string) => Promise<string | null> };

export const conversionKey = (prefix: string, queue: string, kind: 'pending' | 'last', channel: Channel, recipientHash: string): string =>
  `${prefix}:${queue}:conversion:${kind}:${channel}:${recipientHash}`;

export const createConversions = (redis: Redis | Cluster, hashing: LimitHashingSource, { prefix, queue }: { prefix: string; queue: string }): Conversions => {
  const client = redis as (Redis | Cluster) & Scripts;
  if (!client.otpConversionTake) client.defineCommand('otpConversionTake', { numberOfKeys: 2, lua: TAKE });
  const key = async (kind: 'pending' | 'last', channel: Channel, to: string) =>
    conversionKey(prefix, queue, kind, channel, (await hashing.current()).hashRecipient(to));
  return {
    async noteSent(channel, to, id, ttlMs) {
      await redis.set(await key('pending', channel, to), id, 'PX', Math.max(1, Math.ceil(ttlMs)));
    },
    async record(channel, to) {
      const take = client.otpConversionTake;
      if (!take) throw new Error('conversion script not registered');
      const [pending, last] = await Promise.all([key('pending', channel, to), key('last', channel, to)]);
      const id = await take.call(client, pending, last, String(Date.now()), String(CONVERSION_RECORD_SECONDS));
      return id ? { converted: true, id } : { converted: false };
    },
  };
};
