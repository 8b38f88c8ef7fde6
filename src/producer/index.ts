import { createHash, randomUUID } from 'node:crypto';
import type { Telemetry } from 'bullmq';
import type { Registry } from 'prom-client';
import { parseKeyRing } from '../crypto/key-ring.js';
import { toIssues, ValidationError } from '../errors/validation-error.js';
import { createLimitChecker, type LimitObserver, type ProducerLimits } from '../limits/producer-limits.js';
import { isRateLimitedError } from '../errors/rate-limited-error.js';
import { createLimitHashingSource } from '../limits/limit-key.js';
import { createEnqueuedCounter } from '../metrics/metrics.js';
import { createLimitedCounter } from '../metrics/platform-metrics.js';
import { DEFAULT_PREFIX, DEFAULT_QUEUE_NAME, RETENTION_MARGIN_SECONDS } from '../messages/defaults.js';
import { messageJobOptions, type Outcome } from '../messages/job-data.js';
import { openShardedQueues, type ShardQueues } from '../messages/sharded-queues.js';
import { shardedId } from '../messages/shards.js';
import { createRedis, ensureReady, isRedisInstance, type ConnectionSpec } from '../redis/connection.js';
import { confirmReplicas } from './durability.js';
import { assertSameMessage } from './idempotency.js';
import { createConversionReport, type ProducerLogger } from './conversion-report.js';
import { parseVerifiedInput, sendInputSchema, type SendInput, type ValidSendInput, type VerifiedInput } from './input.js';
import { jobDataOf, lifetimeOf } from './job.js';
import { parseTuning } from './options.js';
import { createOutcomeWaiter, type WaitOptions, type WaitSlot } from './wait.js';
import { createReceiptStore } from '../tracking/store.js';
import { readStatus, type MessageStatus } from './status.js';

export type { SendInput, VerifiedInput } from './input.js';
export type { Outcome } from '../messages/job-data.js';
export type { ProducerLimits } from '../limits/producer-limits.js';
export type { WaitOptions, WaitSlot } from './wait.js';
export type { ProducerLogger } from './conversion-report.js';
export type { MessageStatus } from './status.js';
export type { ReceiptStatus } from '../receipts/types.js';
export { ValidationError, isValidationError } from '../errors/validation-error.js';
export { RateLimitedError, isRateLimitedError } from '../errors/rate-limited-error.js';
export { IdempotencyConflictError, isIdempotencyConflictError } from '../errors/idempotency-error.js';
export { DurabilityError, isDurabilityError } from '../errors/durability-error.js';
export { WaitCapacityError, isWaitCapacityError } from '../errors/capacity-error.js';
export { MAX_DURABILITY_TIMEOUT_MS } from './durability.js';

export type ProducerOptions = {
  /** A URL, `{ cluster: [urls] }`, `{ sentinel: { name, nodes } }`, or an ioredis instance (not closed by `close`). */
  connection: ConnectionSpec;
  /** @default 'otp' */
  queue?: string;
  /** BullMQ prefix; must match the workers'. @default '{otp}' */
  prefix?: string;
  /** When set, recipient and payload are encrypted before they reach Redis. */
  encryptionKeys?: { current: string; keys: Record<string, string> };
  /** Lifetime of a message without `expiresAt`; at most `maxTtlSeconds` (else createProducer throws). @default 600 */
  ttlSeconds?: number;
  /** Longest lifetime a message may ask for (at most 30 days); a later `expiresAt` is a ValidationError. @default 86400 */
  maxTtlSeconds?: number;
  /**
   * SPEC §11: resolve `send` only once this many replicas hold the job (Redis WAIT), else throw
   * DurabilityError. WAIT blocks at most `min(timeoutMs, 1000)` ms. @default { replicas: 0, timeoutMs: 500 }
   */
  durability?: { replicas: number; timeoutMs: number };
  /** Most `waitFor` calls (and reserved places) at once; one more throws WaitCapacityError. @default 1000 */
  maxWaiters?: number;
  /** prom-client registry for `otp_messages_enqueued_total`, the limit and conversion counters (README, metrics). */
  registry?: Registry;
  /** Told of each prefix block `limits.sms.minConversion` starts ("prefix blocked", with prefix and country). @default none */
  logger?: ProducerLogger;
  /** Producer-side limits (per recipient, per IP, SMS countries, prefixes and velocity; `mode`). @default none */
  limits?: ProducerLimits;
  /**
   * SPEC §12 `limits.silent`: a message a limit refuses resolves like an accepted one (a fresh id,
   * `duplicate: false`) and is never enqueued; counted in `otp_limited_total`. @default false
   */
  silent?: boolean;
  /** BullMQ telemetry (e.g. bullmq-otel's `BullMQOtel`): each enqueue is a producer span the worker continues. @default none */
  telemetry?: Telemetry;
  /**
   * SPEC §10: the queue's shard count; must match the workers'. A message goes to the shard of its
   * recipient's keyed hash, and its id names the shard. @default 1
   */
  shards?: number;
};

export type SendResult = { id: string; duplicate: boolean };

export type Producer = {
  /**
   * Validates and enqueues one message. Throws ValidationError / RateLimitedError /
   * IdempotencyConflictError (nothing is enqueued then), or DurabilityError (the job may be stored:
   * a retry with the same idempotencyKey is safe).
   */
  send(input: SendInput): Promise<SendResult>;
  /** Resolves with the outcome once final, or `pending` at the timeout. Throws WaitCapacityError when `maxWaiters` are waiting. */
  waitFor(id: string, options?: WaitOptions): Promise<Outcome>;
  /**
   * SPEC §12: reports that the last code sent to `to` (or the code of message `id`) was used.
   * `converted` is false when no live code was pending for it (none sent lately, already reported,
   * an unknown or expired id, or a newer code sent since). Throws ValidationError on bad input.
   */
  verified(input: VerifiedInput): Promise<{ converted: boolean }>;
  /** SPEC §8: the outcome, the latest receipt (`none` until one came) and the provider of message `id`. */
  status(id: string): Promise<MessageStatus>;
  /** Takes a `waitFor` place ahead (pass it as `slot`), so a caller can refuse work before enqueueing; undefined when all are taken. */
  reserveWait(): WaitSlot | undefined;
  close(): Promise<void>;
};

export const createProducer = (options: ProducerOptions): Producer => {
  const { queue: name = DEFAULT_QUEUE_NAME, prefix = DEFAULT_PREFIX } = options;
  const { ttlSeconds, maxTtlSeconds, maxWaiters, durability, shards } = parseTuning(options);
  // Options are checked before a connection is opened: a bad ring must not leave one behind.
  const ring = options.encryptionKeys ? parseKeyRing(options.encryptionKeys) : undefined;
  const owned = !isRedisInstance(options.connection);
  const redis = isRedisInstance(options.connection) ? options.connection : createRedis(options.connection, 'producer');
  const queues = openShardedQueues(redis, { name, prefix, count: shards, telemetry: options.telemetry });
  const hashing = createLimitHashingSource(redis, { prefix, queue: name, ring });
  const limited = options.registry ? createLimitedCounter(options.registry) : undefined;
  const observer: LimitObserver = (limit, mode, channel) => limited?.inc({ channel, limit, mode });
  const checkLimits = options.limits ? createLimitChecker(redis, { prefix, queue: name, limits: options.limits, ring, hashing }, observer) : undefined;
  const enqueued = options.registry ? createEnqueuedCounter(options.registry) : undefined;
  const conversions = createConversionReport(redis, hashing, { prefix, queue: name, limits: options.limits, registry: options.registry, logger: options.logger });
  const receipts = createReceiptStore(redis, prefix);
  const waiter = createOutcomeWaiter({ connection: redis, queuesOf: (id) => queues.forId(id), maxWaiters, ready: () => ensureReady(redis) });
  /** The recipient's shard (one recipient, one shard: its limits and idempotency keys stay exact). */
  const shardFor = (to: string): Promise<ShardQueues> => queues.forRecipient(async () => (await hashing.current()).hashRecipient(to));

  /**
   * The answer to a retry under a key that job `id` holds: refused unless it is the same message.
   * WAIT runs here too, so a retry after a DurabilityError is not acknowledged while replicas are
   * still missing.
   */
  const duplicateOf = async ({ queue }: ShardQueues, id: string, message: ValidSendInput): Promise<SendResult> => {
    await assertSameMessage(queue, id, message, ring);
    await confirmReplicas(redis, queue.toKey(id), durability);
    return { id, duplicate: true };
  };

  return {
    async send(input) {
      const parsed = sendInputSchema.safeParse(input);
      if (!parsed.success) throw new ValidationError(toIssues(parsed.error));
      const message = parsed.data;
      const now = Date.now();
      const expiresAt = lifetimeOf(message, now, ttlSeconds, maxTtlSeconds);
      await ensureReady(redis);
      const shard = await shardFor(message.to);
      const { queue } = shard;
      const deduplicationId = message.idempotencyKey && createHash('sha256').update(message.idempotencyKey).digest('base64url');
      // A retry of a message already enqueued answers with its id, and spends no limit budget;
      // the same key on another message is refused.
      const existing = deduplicationId ? await queue.getDeduplicationJobId(deduplicationId) : null;
      if (existing) return duplicateOf(shard, existing, message);
      const refusedSilently = await checkLimits?.({ channel: message.channel, to: message.to, country: message.country, ip: message.ip }).then(
        () => false,
        (error: unknown) => {
          // SPEC §12 `limits.silent`: the same answer as an accepted message, a fresh id, nothing enqueued.
          if (options.silent && isRateLimitedError(error)) return true;
          throw error;
        },
      );
      if (refusedSilently) return { id: shardedId(shard.shard, randomUUID()), duplicate: false };

      const id = shardedId(shard.shard, randomUUID());
      const data = jobDataOf(message, { id, enqueuedAt: now, expiresAt }, ring);
      const lifetimeMs = expiresAt - now;
      const keepSeconds = Math.ceil(lifetimeMs / 1000) + RETENTION_MARGIN_SECONDS;
      const code = { channel: message.channel, to: message.to, id, ttlMs: lifetimeMs, country: message.country };
      // Without an idempotency key the add cannot turn out a duplicate: the conversion marks go out
      // beside it (one round trip, not two). A failed add leaves marks that name no job; they expire with it.
      const marking = deduplicationId ? undefined : conversions.mark(code);
      const job = await queue.add(message.type, data, {
        ...messageJobOptions(id, message.type, keepSeconds),
        ...(deduplicationId && { deduplication: { id: deduplicationId, ttl: lifetimeMs } }),
      });
      // Another send with the same key got there first (between the check above and the add).
      if (job.id && job.id !== id) return duplicateOf(shard, job.id, message);
      enqueued?.inc({ channel: message.channel, type: message.type, source: message.source ?? 'api' }); // stored, whatever WAIT says next
      conversions.counted(code, await (marking ?? conversions.mark(code)));
      await confirmReplicas(redis, queue.toKey(id), durability);
      return { id, duplicate: false };
    },
    async verified(input) {
      const parsed = parseVerifiedInput(input);
      if (!parsed.success) throw new ValidationError(toIssues(parsed.error));
      await ensureReady(redis);
      return conversions.verified(parsed.data);
    },
    waitFor: (id, waitOptions) => waiter.waitFor(id, waitOptions),
    async status(id) {
      await ensureReady(redis);
      const { queue, deadLetters } = queues.forId(id);
      return readStatus(queue, deadLetters, receipts, id);
    },
    reserveWait: () => waiter.reserve(),
    async close() {
      await waiter.close();
      await queues.close();
      if (owned) await redis.quit().catch(() => redis.disconnect());
    },
  };
};
