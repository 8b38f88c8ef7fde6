/**
 * The defaults the config file, the producer library and the Redis connection share, each written
 * once. It imports nothing, so every layer may use it.
 */

/** Queue name; dead letters go to `<name>-dead`. */
export const DEFAULT_QUEUE_NAME = 'otp';

/** BullMQ key prefix; the braces keep a queue on one Redis Cluster slot. Producers and workers must agree. */
export const DEFAULT_PREFIX = '{otp}';

/** Lifetime of a message that sets no `expiresAt`: 10 minutes. */
export const DEFAULT_TTL_SECONDS = 600;

/** The longest lifetime a message may ask for: one day. */
export const DEFAULT_MAX_TTL_SECONDS = 86_400;

/** The highest `maxTtlSeconds` allowed: 30 days, which keeps every timer within Node's limit. */
export const MAX_TTL_LIMIT_SECONDS = 30 * 86_400;

/** Most `waitFor` calls (`?wait=` requests) at once. */
export const DEFAULT_MAX_WAITERS = 1000;

/** Acknowledge an enqueue once the primary has it; WAIT for replicas at most 500 ms when asked for some. */
export const DEFAULT_DURABILITY: Readonly<{ replicas: number; timeoutMs: number }> = Object.freeze({ replicas: 0, timeoutMs: 500 });

/**
 * WAIT blocks at most this long, whatever `durability.timeoutMs` asks: it must end within the
 * producer connection's 1500 ms command timeout and the ingest's 1500 ms enqueue deadline, which
 * also cover the enqueue itself.
 */
export const MAX_DURABILITY_TIMEOUT_MS = 1000;

/** The most replicas `durability.replicas` may ask for. */
export const MAX_DURABILITY_REPLICAS = 16;

/** Used when neither a URL, a cluster, a sentinel set nor `REDIS_URL` is given. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Finished jobs are kept this long past the message's lifetime, so outcomes stay readable (SPEC §5: at least until expiresAt). */
export const RETENTION_MARGIN_SECONDS = 300;
