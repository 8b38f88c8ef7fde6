import { z } from 'zod';
import { MAX_SHARDS } from '../messages/shards.js';
import { clip } from '../errors/validation-error.js';
import {
  DEFAULT_DURABILITY,
  DEFAULT_MAX_TTL_SECONDS,
  DEFAULT_MAX_WAITERS,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE_NAME,
  DEFAULT_TTL_SECONDS,
  MAX_DURABILITY_REPLICAS,
  MAX_DURABILITY_TIMEOUT_MS,
  MAX_TTL_LIMIT_SECONDS,
} from '../messages/defaults.js';
import { DEFAULT_RECEIPT_WINDOW_SECONDS } from '../receipts/defaults.js';
import { configTemplateSchema, localeTagSchema } from '../templates/schema.js';
import { ORIGIN_BOUND_DOMAIN } from '../templates/origin-bound.js';
import { kratosHookSchema, logtoHookSchema, supabaseHookSchema } from './hooks-schema.js';
import { limitsSchema } from './limits-schema.js';
import { BUILTIN_DEFAULT_LOCALE } from '../templates/defaults/index.js';

const redisUrl = z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL');
const positiveInt = z.number().int().positive();

export const redisSchema = z
  .strictObject({
    /** @default env REDIS_URL, else DEFAULT_REDIS_URL (redis://127.0.0.1:6379) */
    url: redisUrl.optional(),
    /** Redis Cluster seed nodes, instead of `url`. */
    cluster: z.array(redisUrl).min(1).optional(),
    /** Sentinel, instead of `url`. */
    sentinel: z.strictObject({ name: z.string().min(1), nodes: z.array(redisUrl).min(1) }).optional(),
    /** BullMQ key prefix. The braces keep a queue on one Redis Cluster slot. @default "{otp}" */
    prefix: z.string().min(1).default(DEFAULT_PREFIX),
    /** SPEC §11: an enqueue is acknowledged only once `replicas` replicas hold it (Redis WAIT). */
    durability: z
      .strictObject({
        /** @default 0 (acknowledge once the primary has it) */
        replicas: z.number().int().min(0).max(MAX_DURABILITY_REPLICAS).default(DEFAULT_DURABILITY.replicas),
        /** How long WAIT may take before the enqueue counts as failed; at most 1000 so an ingest answer stays within 2 s. @default 500 */
        timeoutMs: positiveInt.max(MAX_DURABILITY_TIMEOUT_MS).default(DEFAULT_DURABILITY.timeoutMs),
      })
      .prefault({}),
  })
  .refine((r) => [r.url, r.cluster, r.sentinel].filter(Boolean).length <= 1, { message: 'use one of url, cluster, sentinel' });

export const backoffSchema = z.strictObject({
  /** @default exponential */
  type: z.enum(['exponential', 'fixed']).default('exponential'),
  /** First retry delay. @default 500 */
  delayMs: z.number().int().min(0).default(500),
  /** Cap for one delay (before jitter). @default 30000 */
  maxDelayMs: z.number().int().min(0).default(30_000),
});

export const queueSchema = z
  .strictObject({
    /** Dead letters go to "<name>-dead". @default otp */
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default(DEFAULT_QUEUE_NAME),
    /** Jobs in flight per worker process. @default 50 */
    concurrency: positiveInt.max(10_000).default(50),
    /**
     * SPEC §10: N queues, each under its own Redis Cluster hash tag; producers route by recipient,
     * workers consume every shard (or `worker --shards LIST`). Producers and workers must agree;
     * changing it: drain, then switch (docs/shards.md). @default 1
     */
    shards: positiveInt.max(MAX_SHARDS).default(1),
    /** Attempts before a message is dead-lettered. @default 6 */
    attempts: positiveInt.max(100).default(6),
    backoff: backoffSchema.prefault({}),
    /** A message not delivered by its expiresAt is dropped. Default lifetime. @default 600 */
    ttlSeconds: positiveInt.max(86_400).default(DEFAULT_TTL_SECONDS),
    /**
     * The longest lifetime a message may ask for (`expiresAt`, `X-Expires-At`); longer is a
     * validation error. Keeps every timer within Node's limit and a code from living for weeks. @default 86400
     */
    maxTtlSeconds: positiveInt.max(MAX_TTL_LIMIT_SECONDS).default(DEFAULT_MAX_TTL_SECONDS),
    /**
     * How long a worker's lock on a job lasts without renewal; a worker killed hard has its jobs
     * picked up by another within about this time. @default 30000
     */
    lockDurationMs: z.number().int().min(1000).max(600_000).default(30_000),
    /** On SIGTERM, how long jobs in flight may take to finish. @default 25 */
    shutdownGraceSeconds: z.number().min(0).max(3600).default(25),
  })
  .refine((q) => q.ttlSeconds <= q.maxTtlSeconds, { message: 'ttlSeconds must not exceed maxTtlSeconds', path: ['ttlSeconds'] });

export const rateLimitSchema = z.strictObject({ max: positiveInt, perSeconds: z.number().positive() });

export const connectorSchema = z.strictObject({
  /** A provider id (SPEC §4). */
  provider: z.string().min(1),
  /** That provider's Logto connector config; validated by the provider's own schema. */
  config: z.record(z.string(), z.unknown()).default({}),
  /** Optional fleet-wide send limit for this connector. */
  rateLimit: rateLimitSchema.optional(),
  /** SPEC §8: delivery receipts on (`{}` when the provider config holds the secret); validated by the provider's receipts schema. */
  receipts: z.record(z.string(), z.unknown()).optional(),
});

/** When a connector counts as failing (connector-scope errors only: auth, outage, timeouts). */
export const circuitBreakerSchema = z.strictObject({
  /** Open after this many failures in a row, fleet-wide. @default 5 */
  consecutiveFailures: z.number().int().min(1).default(5),
  /** …or when this share of sends in the window failed, @default 0.5 */
  failureRatio: z.number().gt(0).max(1).default(0.5),
  /** …with at least this many sends in the window. @default 20 */
  minRequests: z.number().int().min(1).default(20),
  /** @default 30 */
  windowSeconds: z.number().int().min(1).default(30),
  /** How long it stays open before traffic probes it again. @default 30 */
  openSeconds: z.number().int().min(1).default(30),
});

export const channelConfigSchema = z
  .strictObject({
    /** The one active connector of the channel, as in Logto. */
    active: z.string().min(1),
    /** Tried in order while the active one is failing. */
    fallback: z.array(z.string().min(1)).default([]),
    connectors: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ - only'), connectorSchema),
    circuitBreaker: circuitBreakerSchema.prefault({}),
    /**
     * SPEC §8: an `undelivered` receipt while the code is live → one resend through the next
     * connector of the chain (never after expiresAt, never twice). @default false
     */
    receiptFailover: z.boolean().default(false),
    /** SPEC §12 (`sms` only): appends the origin-bound code line `@<domain> #<code>` to every SMS (one-tap autofill). */
    originBoundDomain: z.string().regex(ORIGIN_BOUND_DOMAIN, 'a lower-case hostname such as login.example.com').optional(),
  })
  .superRefine((c, ctx) => {
    if (!(c.active in c.connectors)) ctx.addIssue({ code: 'custom', path: ['active'], message: `no connector named "${clip(c.active)}"` });
    c.fallback.forEach((name, i) => {
      if (!(name in c.connectors)) ctx.addIssue({ code: 'custom', path: ['fallback', i], message: `no connector named "${clip(name)}"` });
      if (name === c.active) ctx.addIssue({ code: 'custom', path: ['fallback', i], message: 'the active connector cannot be its own fallback' });
    });
  });

/** SPEC §8: how long after a message's expiry its receipts are still matched. */
export const receiptsSchema = z.strictObject({
  /** @default 86400 (1 day) */
  windowSeconds: positiveInt.max(MAX_TTL_LIMIT_SECONDS).default(DEFAULT_RECEIPT_WINDOW_SECONDS),
});

export const ingestSchema = z.strictObject({
  /** @default 8080 */
  port: z.number().int().min(0).max(65_535).default(8080),
  /** @default 0.0.0.0 */
  host: z.string().default('0.0.0.0'),
  /** Accepted Authorization header values; omitted = open. */
  authorization: z.array(z.string().min(1)).min(1).optional(),
  /** @default 16384 */
  bodyLimitBytes: positiveInt.default(16_384),
  /**
   * SPEC §8: the base URL vendors call (`https://otp.example.com`). Per-message receipt callbacks
   * are built from it, and Twilio signs the URL it called. Without it, only vendors whose receipt
   * URL is set in their console can post receipts.
   */
  publicUrl: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')).optional(),
  /** Most `?wait=` requests waiting at once; one more is answered 503 before anything is enqueued. @default 1000 */
  maxWaiters: positiveInt.max(100_000).default(DEFAULT_MAX_WAITERS),
  /** SPEC §9: Supabase Auth's Send SMS / Send Email hooks (docs/platforms.md). Absent: those routes answer 404. */
  supabase: supabaseHookSchema.optional(),
  /** SPEC §9: Ory Kratos's courier HTTP delivery (docs/platforms.md). Absent: 404. */
  kratos: kratosHookSchema.optional(),
  /** SPEC §12: Logto's webhooks as conversion reports (docs/platforms.md). Absent: 404. */
  logto: logtoHookSchema.optional(),
});

export const metricsSchema = z.strictObject({
  /** @default 9464 */
  port: z.number().int().min(0).max(65_535).default(9464),
  /** @default 0.0.0.0 */
  host: z.string().default('0.0.0.0'),
});

/** Hosts from which only this machine can reach a server. */
const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];

/** SPEC §14: the read-only web view (`otp-courier ui`; the worker serves it too when this section is present). */
export const uiSchema = z
  .strictObject({
    /** @default 9465 (next to metrics' 9464) */
    port: z.number().int().min(0).max(65_535).default(9465),
    /** @default 127.0.0.1 (this machine only: another host needs `authorization`) */
    host: z.string().default('127.0.0.1'),
    /**
     * Accepted Authorization header values, compared in constant time; `Basic <base64(user:password)>`
     * lets a browser log in. Omitted = open, allowed only on a loopback host.
     */
    authorization: z.array(z.string().min(1)).min(1).optional(),
  })
  .refine((u) => u.authorization || LOOPBACK_HOSTS.includes(u.host), { message: 'required when host is not a loopback address', path: ['authorization'] });

export const securitySchema = z.strictObject({
  encryptionKeys: z
    .strictObject({ current: z.string().min(1), keys: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'key ids: letters, digits, _ -'), z.string()) })
    .refine((k) => k.current in k.keys, { message: 'current must name one of keys', path: ['current'] })
    .optional(),
});

export const configSchema = z.strictObject({
  redis: redisSchema.prefault({}),
  queue: queueSchema.prefault({}),
  email: channelConfigSchema.optional(),
  sms: channelConfigSchema.optional(),
  templates: z.array(configTemplateSchema).default([]),
  /** Language used when a message has none, and the last step of every locale chain. @default en */
  defaultLocale: localeTagSchema.default(BUILTIN_DEFAULT_LOCALE),
  limits: limitsSchema.prefault({}),
  receipts: receiptsSchema.prefault({}),
  ingest: ingestSchema.prefault({}),
  metrics: metricsSchema.prefault({}),
  ui: uiSchema.optional(),
  security: securitySchema.prefault({}),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type ChannelConfig = z.infer<typeof channelConfigSchema>;
export type ConnectorConfig = z.infer<typeof connectorSchema>;
export type CircuitBreakerConfig = z.infer<typeof circuitBreakerSchema>;
export type QueueConfig = z.infer<typeof queueSchema>;
export type UiConfig = z.infer<typeof uiSchema>;
