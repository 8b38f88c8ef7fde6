import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A URL, Cluster seed nodes, a Sentinel set, or an ioredis instance the caller owns. */
export type ConnectionSpec = string | { cluster: readonly string[] } | { sentinel: { name: string; nodes: readonly string[] } } | Redis | Cluster;

export type RedisRole =
  /** Blocking BullMQ worker connections: never give up on a command (BullMQ requirement). */
  | 'worker'
  /** Producers and the ingest: fail fast so callers get an error, not a hang. */
  | 'producer';

const roleOptions = (role: RedisRole): RedisOptions =>
  role === 'worker'
    ? { maxRetriesPerRequest: null, enableReadyCheck: true }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1500, commandTimeout: 1500, retryStrategy: (n) => Math.min(n * 100, 1000) };

const fromUrl = (url: string): RedisOptions => {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.username && { username: decodeURIComponent(u.username) }),
    ...(u.password && { password: decodeURIComponent(u.password) }),
    ...(u.pathname.length > 1 && { db: Number(u.pathname.slice(1)) }),
    ...(u.protocol === 'rediss:' && { tls: { servername: u.hostname } }),
  };
};

export const isRedisInstance = (spec: ConnectionSpec): spec is Redis | Cluster => spec instanceof Redis || spec instanceof Cluster;

/**
 * Builds an ioredis connection for a role. TLS (`rediss://`) keeps certificate checks on;
 * `user:password@` authenticates with Redis ACLs.
 */
export const createRedis = (spec: Exclude<ConnectionSpec, Redis | Cluster>, role: RedisRole): Redis | Cluster => {
  const connection = connect(spec, roleOptions(role), role);
  // Errors surface on the commands that hit them; unheard, ioredis would print each one as unhandled.
  connection.on('error', () => {});
  return connection;
};

const connect = (spec: Exclude<ConnectionSpec, Redis | Cluster>, options: RedisOptions, role: RedisRole): Redis | Cluster => {
  if (typeof spec === 'string') return new Redis({ ...fromUrl(spec), ...options, lazyConnect: false });
  if ('cluster' in spec) {
    const nodes = spec.cluster.map(fromUrl);
    const first = nodes[0] ?? {};
    const redisOptions: RedisOptions = {
      ...options,
      ...(first.username && { username: first.username }),
      ...(first.password && { password: first.password }),
      ...(first.tls && { tls: {} }),
    };
    const clusterOptions: ClusterOptions = { redisOptions, enableOfflineQueue: role === 'worker', enableReadyCheck: true };
    return new Cluster(nodes.map((n) => ({ host: n.host ?? '127.0.0.1', port: n.port ?? 6379 })), clusterOptions);
  }
  const sentinels = spec.sentinel.nodes.map(fromUrl);
  const first = sentinels[0] ?? {};
  return new Redis({
    ...options,
    name: spec.sentinel.name,
    sentinels: sentinels.map((n) => ({ host: n.host ?? '127.0.0.1', port: n.port ?? 26379 })),
    ...(first.username && { sentinelUsername: first.username, username: first.username }),
    ...(first.password && { sentinelPassword: first.password, password: first.password }),
  });
};

/** The connection spec a config's `redis:` section describes. */
export const connectionFromConfig = (redis: { url?: string | undefined; cluster?: string[] | undefined; sentinel?: { name: string; nodes: string[] } | undefined }) =>
  redis.cluster ? { cluster: redis.cluster } : redis.sentinel ? { sentinel: redis.sentinel } : (redis.url ?? 'redis://127.0.0.1:6379');

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  constructor() {
    super('Redis is not reachable');
  }
}

/**
 * Waits (at most `timeoutMs`) for a connection that does not queue commands while offline to be
 * ready, so the first call after start-up or a reconnect does not fail spuriously.
 */
const pendingReady = new WeakMap<Redis | Cluster, Promise<void>>();

export const ensureReady = (redis: Redis | Cluster, timeoutMs = 1500): Promise<void> => {
  if (redis.status === 'ready') return Promise.resolve();
  let pending = pendingReady.get(redis);
  if (!pending) {
    if (redis.status === 'wait') redis.connect().catch(() => {});
    pending = new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        redis.off('ready', onReady);
        reject(new RedisUnavailableError());
      }, timeoutMs);
      redis.once('ready', onReady);
    }).finally(() => pendingReady.delete(redis));
    pendingReady.set(redis, pending);
  }
  return pending;
};
