import type { Cluster, Redis } from 'ioredis';
import { channelSchema, type Channel } from '../messages/types.js';
import { conversionLimitKeys, createConversionScripts, prefixWindows, type ConversionPolicy } from './conversion-limit.js';
import type { LimitHashingSource } from './limit-key.js';

/** How long the record of a recipient's last used code is kept (issue #17 reads it). */
export const CONVERSION_RECORD_SECONDS = 86_400;

/** A send that started a block of its prefix (`limits.sms.minConversion`): what the caller logs and counts. */
export type PrefixBlock = { prefix: string; country: string | undefined; sent: number; used: number; mode: 'enforce' | 'observe' };

/** A code sent: its recipient (normalised, E.164 for phones), message id, lifetime and the number's country. */
export type SentCode = { channel: Channel; to: string; id: string; ttlMs: number; country: string | undefined };

/**
 * SPEC §12's conversion signal: "the last code sent to this recipient was used".
 *
 * Each new send leaves a mark for its recipient (`…:conversion:pending:<channel>:<hash>` = message
 * id) and one for its id (`…:conversion:id:<id>` = channel, recipient hash, country, prefix) that
 * live as long as the message; a report that the code was used takes the recipient's mark away and
 * writes `…:conversion:last:<channel>:<hash>` = `<message id> <epoch ms>`. A report with no mark (no
 * code sent lately, a password sign-in, the same report twice) is no conversion; a report by id
 * converts only while that id is still its recipient's pending mark. With a conversion policy an
 * SMS send and its conversion are also counted in the prefix's windows (src/limits/conversion-limit.ts),
 * in the same script calls. Keys live under the queue's prefix (one Redis Cluster slot) and hold
 * the recipient's keyed hash, never the recipient.
 */
export type Conversions = {
  /** Marks the code as live for `ttlMs`; the block it started, when it started one. */
  noteSent(code: SentCode): Promise<PrefixBlock | undefined>;
  /** Whether a live code for `to` was pending; if so it is now recorded as used. `to` is normalised (E.164, email). */
  record(channel: Channel, to: string): Promise<{ converted: boolean; id?: string }>;
  /** The same for the code of message `id`: converted only while it is its recipient's pending code. */
  recordId(id: string): Promise<{ converted: boolean; channel?: Channel; country?: string }>;
};

export const conversionKey = (prefix: string, queue: string, kind: 'pending' | 'last', channel: Channel, recipientHash: string): string =>
  `${prefix}:${queue}:conversion:${kind}:${channel}:${recipientHash}`;

export const conversionIdKey = (prefix: string, queue: string, id: string): string => `${prefix}:${queue}:conversion:id:${id}`;

/** The id's record: `<channel> <recipient hash> <country|-> <prefix|->` (the prefix only when its windows counted the send). */
type IdRecord = { channel: Channel; hash: string; country: string | undefined; smsPrefix: string | undefined };

const formatIdRecord = ({ channel, hash, country, smsPrefix }: IdRecord): string => [channel, hash, country ?? '-', smsPrefix ?? '-'].join(' ');

const parseIdRecord = (value: string | null): IdRecord | undefined => {
  const [channel, hash, country, smsPrefix] = (value ?? '').split(' ');
  const parsed = channelSchema.safeParse(channel);
  if (!parsed.success || !hash) return undefined;
  const orNone = (v: string | undefined) => (v && v !== '-' ? v : undefined);
  return { channel: parsed.data, hash, country: orNone(country), smsPrefix: orNone(smsPrefix) };
};

export const createConversions = (
  redis: Redis | Cluster,
  hashing: LimitHashingSource,
  { prefix, queue, policy }: { prefix: string; queue: string; policy?: ConversionPolicy | undefined },
): Conversions => {
  const scripts = createConversionScripts(redis);
  const hashOf = async (to: string) => (await hashing.current()).hashRecipient(to);
  const marksOf = (channel: Channel, hash: string) => ({ pending: conversionKey(prefix, queue, 'pending', channel, hash), last: conversionKey(prefix, queue, 'last', channel, hash) });
  const windowsOf = (channel: Channel, to: string) => (channel === 'sms' && policy ? prefixWindows(prefix, queue, to, policy) : undefined);
  const take = (channel: Channel, hash: string, expected: string, smsPrefix: string | undefined) => {
    const windows = smsPrefix === undefined ? undefined : conversionLimitKeys(prefix, queue, smsPrefix);
    return scripts.take(marksOf(channel, hash), Date.now(), CONVERSION_RECORD_SECONDS, expected, windows);
  };
  return {
    async noteSent({ channel, to, id, ttlMs, country }) {
      const hash = await hashOf(to);
      const windows = windowsOf(channel, to);
      const value = formatIdRecord({ channel, hash, country, smsPrefix: windows?.smsPrefix });
      const started = await scripts.sent({ pending: marksOf(channel, hash).pending, record: conversionIdKey(prefix, queue, id) }, id, ttlMs, value, windows);
      if (!started || !windows) return undefined;
      return { prefix: windows.smsPrefix, country, ...started, mode: windows.policy.observe ? 'observe' : 'enforce' };
    },
    async record(channel, to) {
      const id = await take(channel, await hashOf(to), '', windowsOf(channel, to)?.smsPrefix);
      return id ? { converted: true, id } : { converted: false };
    },
    async recordId(id) {
      const record = parseIdRecord(await redis.get(conversionIdKey(prefix, queue, id)));
      if (!record) return { converted: false };
      const taken = await take(record.channel, record.hash, id, record.smsPrefix);
      return taken ? { converted: true, channel: record.channel, ...(record.country && { country: record.country }) } : { converted: false };
    },
  };
};
