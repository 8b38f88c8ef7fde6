import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { seal } from '../../src/crypto/envelope.js';
import type { KeyRing } from '../../src/crypto/key-ring.js';
import { messageJobOptions, type JobData } from '../../src/messages/job-data.js';
import { shardedId, shardIndexOf } from '../../src/messages/shards.js';
import type { Channel } from '../../src/messages/types.js';
import { nowMs } from './stats.js';

/** Message number `n`'s recipient: a valid Korean mobile number (E.164) or an example.com address. */
export const recipientFor = (channel: Channel, n: number): string =>
  channel === 'sms' ? `+8210${String(10_000_000 + n)}` : `user${n}@example.com`;

/** Logto's payload plus `n` (bench index, counted by the sinks) and `t` (enqueue time, epoch ms). */
export const benchPayload = (n: number) => ({ code: String(100_000 + (n % 900_000)), n, t: nowMs() });

const BATCH = 1000;
const LIFETIME_MS = 600_000;

export type FillRange = { channel: Channel; from: number; count: number };

/** One job shaped exactly as `createProducer().send` writes it (sealed body, same job options). */
const courierJob = (ring: KeyRing | undefined, channel: Channel, n: number, id: string) => {
  const keepSeconds = Math.ceil(LIFETIME_MS / 1000) + 300;
  const now = Date.now();
  const body = { to: recipientFor(channel, n), payload: benchPayload(n) };
  const expiresAt = now + LIFETIME_MS;
  const data: JobData = {
    v: 1,
    id,
    channel,
    type: 'SignIn',
    enqueuedAt: now,
    expiresAt,
    ...(ring ? { sealed: seal(ring, JSON.stringify(body), { id, channel, type: 'SignIn', expiresAt }) } : { body }),
  };
  return { name: 'SignIn', data, opts: messageJobOptions(id, 'SignIn', keepSeconds) };
};

/**
 * Pre-fills otp-courier's queue with jobs shaped exactly as `createProducer().send` writes them
 * (sealed body, same job options), in `addBulk` batches: the producer's per-message validation
 * and rate-limit call are skipped so filling does not dominate the run time.
 */
export const fillCourier = async (queue: Queue, ring: KeyRing | undefined, { channel, from, count }: FillRange): Promise<void> => {
  for (let start = from; start < from + count; start += BATCH) {
    const jobs = [];
    for (let n = start; n < Math.min(from + count, start + BATCH); n++) jobs.push(courierJob(ring, channel, n, randomUUID()));
    await queue.addBulk(jobs);
  }
};

/**
 * SPEC §10: the same jobs over the queues of a sharded layout (`queues[i]` is shard i of
 * `queues.length`), each with an id naming its shard (`shardedId`). Jobs are spread by
 * `shardIndexOf` over the recipient string itself (the producer hashes a keyed recipient hash: the
 * spread is as even, and the bench does not test routing). Returns the jobs put on each shard.
 */
export const fillCourierShards = async (queues: readonly Queue[], ring: KeyRing | undefined, { channel, from, count }: FillRange): Promise<number[]> => {
  const shards = queues.length;
  const batches: ReturnType<typeof courierJob>[][] = queues.map(() => []);
  const filled = queues.map(() => 0);
  const flush = async (index: number) => {
    const jobs = batches[index]?.splice(0) ?? [];
    if (jobs.length > 0) await queues[index]?.addBulk(jobs);
  };
  for (let n = from; n < from + count; n++) {
    const index = shardIndexOf(recipientFor(channel, n), shards);
    const batch = batches[index];
    if (!batch) throw new Error(`shard ${index} of ${shards} has no queue`);
    batch.push(courierJob(ring, channel, n, shardedId({ index, count: shards }, randomUUID())));
    filled[index] = (filled[index] ?? 0) + 1;
    if (batch.length >= BATCH) await flush(index);
  }
  for (let i = 0; i < shards; i++) await flush(i);
  return filled;
};

/** What a hand-written producer puts on its queue: the message in plain text, removed when done. */
export type PlainJob = { to: string; type: 'SignIn'; payload: ReturnType<typeof benchPayload> };

export const plainJobOptions = { removeOnComplete: true, removeOnFail: 1000 } as const;

export const fillPlain = async (queue: Queue, { channel, from, count }: FillRange): Promise<void> => {
  for (let start = from; start < from + count; start += BATCH) {
    const jobs = [];
    for (let n = start; n < Math.min(from + count, start + BATCH); n++) {
      const data: PlainJob = { to: recipientFor(channel, n), type: 'SignIn', payload: benchPayload(n) };
      jobs.push({ name: 'SignIn', data, opts: plainJobOptions });
    }
    await queue.addBulk(jobs);
  }
};
