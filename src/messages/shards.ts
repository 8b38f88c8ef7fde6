import { createHash } from 'node:crypto';
import calculateSlot from 'cluster-key-slot';

/**
 * SPEC §10: with `queue.shards: N`, N queues, each under its own Redis Cluster hash tag. Pure
 * functions only: the layout, which shard a recipient goes to, and the shard a message id names.
 *
 * - Layout: shard `i` of `N` is the queue `<name>-<i>of<N>` under the prefix whose hash tag is the
 *   configured one plus `-<i>of<N>-<salt>`, the salt the smallest that puts the tag's slot in the
 *   middle half of the i-th of N equal slot ranges. A Cluster whose masters own equal slot ranges
 *   (what `redis-cli --cluster create` makes) then holds N/M shards per master without resharding.
 *   One shard is today's single queue: the configured name and prefix, unchanged.
 * - Routing: a jump consistent hash of the recipient's keyed hash (one recipient, one shard).
 * - Ids: `s<i>of<N>-<uuid>` when N > 1, so `waitFor`, `status`, receipts and `dlq` find a message's
 *   queue from its id alone, even one sent under an earlier N.
 */

/** Redis Cluster's slot count. */
export const SLOTS = 16_384;
/** The most shards a queue may have (a few per master of a large Cluster). */
export const MAX_SHARDS = 256;

export type ShardRef = { index: number; count: number };

/** One shard's BullMQ queue: `name` is its queue name (the `queue` label), `prefix` its key prefix. */
export type Shard = ShardRef & { name: string; prefix: string; slot: number };

/** The hash tag of a prefix (what Redis hashes), or undefined when it has none. */
const hashTag = (prefix: string): { before: string; tag: string; after: string } | undefined => {
  const open = prefix.indexOf('{');
  const close = open < 0 ? -1 : prefix.indexOf('}', open + 1);
  if (close <= open + 1) return undefined;
  return { before: prefix.slice(0, open), tag: prefix.slice(open + 1, close), after: prefix.slice(close + 1) };
};

/** The Redis Cluster slot every key under `prefix` hashes to. */
export const slotOfPrefix = (prefix: string): number => calculateSlot(`${prefix}:x`);

const salted = new Map<string, { tag: string; slot: number }>();

/**
 * The smallest salt that puts `tag-<salt>` in the middle half of range `index` of `count` (about
 * 2N tries). Memoised (a pure function of its arguments): layouts and per-message prefixes reuse it.
 */
const saltedTag = (tag: string, { index, count }: ShardRef): { tag: string; slot: number } => {
  const memo = `${tag}\n${index}/${count}`;
  const known = salted.get(memo);
  if (known) return known;
  const width = SLOTS / count;
  const [low, high] = [index * width + width / 4, index * width + (3 * width) / 4];
  for (let salt = 0; ; salt += 1) {
    const candidate = `${tag}-${index}of${count}-${salt}`;
    const slot = calculateSlot(candidate);
    if (slot < low || slot >= high) continue;
    if (salted.size < 4096) salted.set(memo, { tag: candidate, slot });
    return { tag: candidate, slot };
  }
};

/** Shard `index` of `count`, for a queue configured as `name` under `prefix`. */
export const shardOf = (base: { name: string; prefix: string }, ref: ShardRef): Shard => {
  if (ref.count === 1) return { ...ref, name: base.name, prefix: base.prefix, slot: slotOfPrefix(base.prefix) };
  const parts = hashTag(base.prefix) ?? { before: '', tag: base.prefix, after: '' };
  const { tag, slot } = saltedTag(parts.tag, ref);
  return { ...ref, name: `${base.name}-${ref.index}of${ref.count}`, prefix: `${parts.before}{${tag}}${parts.after}`, slot };
};

/** Every shard of a queue of `count` shards, in index order. */
export const shardLayout = (base: { name: string; prefix: string }, count: number): Shard[] =>
  Array.from({ length: count }, (_, index) => shardOf(base, { index, count }));

const MASK64 = (1n << 64n) - 1n;

/** Lamping and Veach's jump consistent hash: growing N to N+1 moves only 1/(N+1) of the keys. */
export const jumpHash = (key: bigint, buckets: number): number => {
  let k = key & MASK64;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    k = (k * 2862933555777941757n + 1n) & MASK64;
    j = Math.floor((b + 1) * (2 ** 31 / Number((k >> 33n) + 1n)));
  }
  return b;
};

/** The shard of a recipient, from its keyed hash (the limit hasher's: keyed when payload keys are set). */
export const shardIndexOf = (recipientHash: string, count: number): number =>
  count <= 1 ? 0 : jumpHash(createHash('sha256').update(recipientHash).digest().readBigUInt64BE(0), count);

const SHARD_ID = /^s(\d{1,3})of(\d{1,3})-/;

/** A message id that names its shard (`uuid` as it is when there is one shard). */
export const shardedId = ({ index, count }: ShardRef, uuid: string): string => (count <= 1 ? uuid : `s${index}of${count}-${uuid}`);

/** The shard a message (or failover) id names; an id without one is the single queue's. */
export const shardRefOfId = (id: string): ShardRef => {
  const match = SHARD_ID.exec(id);
  const [index, count] = [Number(match?.[1] ?? 0), Number(match?.[2] ?? 1)];
  return count >= 2 && count <= MAX_SHARDS && index < count ? { index, count } : { index: 0, count: 1 };
};

/**
 * The key prefix of the shard a message id names, under a queue configured with `basePrefix`
 * (the configured prefix itself for an id naming no shard). Per-message keys (the sent marker)
 * live there, on the message's own Cluster slot.
 */
export const shardPrefixOfId = (basePrefix: string, id: string): string => {
  const ref = shardRefOfId(id);
  return ref.count === 1 ? basePrefix : shardOf({ name: '', prefix: basePrefix }, ref).prefix;
};

/**
 * `--shards LIST` (`0-3,6`): the indexes it names, sorted, each below `count`. Throws on a malformed
 * list or an index out of range, naming it.
 */
export const parseShardList = (list: string, count: number): number[] => {
  const picked = new Set<number>();
  for (const part of list.split(',').map((p) => p.trim())) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) throw new Error(`--shards: "${part}" is not an index or a range like 0-3`);
    const [from, to] = [Number(match[1]), Number(match[2] ?? match[1])];
    if (to < from) throw new Error(`--shards: range "${part}" runs backwards`);
    if (to >= count) throw new Error(`--shards: shard ${to} does not exist (queue.shards is ${count}: 0-${count - 1})`);
    for (let i = from; i <= to; i += 1) picked.add(i);
  }
  return [...picked].sort((a, b) => a - b);
};
