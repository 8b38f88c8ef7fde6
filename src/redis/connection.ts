import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { OtpCourierError } from '../errors/base.js';
import { DEFAULT_REDIS_URL } from '../messages/defaults.js';

/** A URL, Cluster seed nodes, a Sentinel set, or an ioredis instance the caller owns. */
export type ConnectionSpec = string | { cluster: readonly string[] } | { sentinel: { name: string; nodes: readonly string[] } } | Redis | Cluster;

export type RedisRole =
  /** Blocking BullMQ worker connections: never give up on a command (BullMQ requirement). */
  | 'worker'
  /**
   * The worker's own hot-path commands (sent marker, rate gate, circuit breakers): a hung Redis
   * must fail them within a second, not leave them waiting while job locks lapse.
   */
  | 'commands'
  /** Producers and the ingest: fail fast so callers get an error, not a hang. */
  | 'producer';

/** How long one worker hot-path command may take before it fails ('commands' role). */
export const COMMAND_TIMEOUT_MS = 1000;

const roleOptions = (role: RedisRole): RedisOptions => {
  switch (role) {
    case 'worker':
      return { maxRetriesPerRequest: null, enableReadyCheck: true };
    case 'commands':
      // The offline queue stays on: commandTimeout also runs for a queued command, so a command sent
      // during a reconnect blip waits for it (at most COMMAND_TIMEOUT_MS) instead of failing at once.
      // Auto-pipelining: the sent-marker reads and writes of the jobs in flight, issued in the same
      // tick, go out in one socket write instead of one write (a syscall) each.
      return {
        enableAutoPipelining: true,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: true,
        connectTimeout: COMMAND_TIMEOUT_MS,
        commandTimeout: COMMAND_TIMEOUT_MS,
        retryStrategy: (n) => Math.min(n * 50, 500),
      };
    case 'producer':
      return { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1500, commandTimeout: 1500, retryStrategy: (n) => Math.min(n * 100, 1000) };
  }
};

type Endpoint = { host: string; port: number; username?: string; password?: string; db?: number; tls: boolean };

const parseUrl = (url: string, defaultPort: number): Endpoint => {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : defaultPort,
    ...(u.username && { username: decodeURIComponent(u.username) }),
    ...(u.password && { password: decodeURIComponent(u.password) }),
    ...(u.pathname.length > 1 && { db: Number(u.pathname.slice(1)) }),
    tls: u.protocol === 'rediss:',
  };
};

const credentials = (e: Endpoint | undefined): RedisOptions => ({
  ...(e?.username && { username: e.username }),
  ...(e?.password && { password: e.password }),
});

/**
 * A role's options at the Cluster level, where ioredis reads them (not from each node's options):
 * only BullMQ's connection queues while the cluster is down (queued cluster commands get no
 * commandTimeout), and auto-pipelining where the role has it.
 */
const clusterRoleOptions = (role: RedisRole, options: RedisOptions): ClusterOptions => ({
  enableOfflineQueue: role === 'worker',
  ...(options.enableAutoPipelining && { enableAutoPipelining: true }),
});

/** What `createRedis` builds for a spec: a plain or Sentinel-managed connection, or a Cluster. */
export type ConnectionPlan =
  | { kind: 'redis'; options: RedisOptions }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; options: ClusterOptions };

/**
 * The ioredis options for a spec and role, without connecting (pure, tested as a table).
 *
 * TLS keeps certificate checks on everywhere; no `servername` is forced, so Node checks each
 * certificate against the host actually dialled (a Sentinel's own host, the data node a Sentinel
 * names, each Cluster node).
 * - `rediss://` URL: TLS to that host.
 * - Sentinel: any `rediss://` node URL means TLS to the sentinels (`sentinelTLS`) and to the data
 *   nodes (`tls` + `enableTLSForSentinelMode`), so the password never crosses the wire in clear.
 * - Cluster: any `rediss://` seed means TLS to every node; seeds are then dialled by name (no DNS
 *   lookup to an IP first), so a certificate issued for the seed's host name verifies.
 * Credentials come from the first URL with them (sentinels and data nodes share them).
 */
export const connectionPlan = (spec: Exclude<ConnectionSpec, Redis | Cluster>, role: RedisRole): ConnectionPlan => {
  const options = roleOptions(role);
  if (typeof spec === 'string') {
    const { tls, host, port, db, ...auth } = parseUrl(spec, 6379);
    return { kind: 'redis', options: { host, port, ...auth, ...(db !== undefined && { db }), ...(tls && { tls: { servername: host } }), ...options, lazyConnect: false } };
  }
  if ('cluster' in spec) {
    const nodes = spec.cluster.map((u) => parseUrl(u, 6379));
    const tls = nodes.some((n) => n.tls);
    const redisOptions: RedisOptions = { ...options, ...credentials(nodes.find((n) => n.password || n.username)), ...(tls && { tls: {} }) };
    return {
      kind: 'cluster',
      nodes: nodes.map(({ host, port }) => ({ host, port })),
      options: {
        redisOptions,
        ...clusterRoleOptions(role, options),
        enableReadyCheck: true,
        ...(tls && { dnsLookup: (address: string, callback: (err: Error | null, address: string) => void) => callback(null, address) }),
      },
    };
  }
  const sentinels = spec.sentinel.nodes.map((u) => parseUrl(u, 26379));
  const tls = sentinels.some((n) => n.tls);
  const auth = sentinels.find((n) => n.password || n.username);
  return {
    kind: 'redis',
    options: {
      ...options,
      name: spec.sentinel.name,
      sentinels: sentinels.map(({ host, port }) => ({ host, port })),
      ...(auth?.username && { sentinelUsername: auth.username, username: auth.username }),
      ...(auth?.password && { sentinelPassword: auth.password, password: auth.password }),
      ...(tls && { sentinelTLS: {}, tls: {}, enableTLSForSentinelMode: true }),
    },
  };
};

export const isRedisInstance = (spec: ConnectionSpec): spec is Redis | Cluster => spec instanceof Redis || spec instanceof Cluster;

/**
 * Builds an ioredis connection for a role. TLS (`rediss://`) keeps certificate checks on;
 * `user:password@` authenticates with Redis ACLs.
 */
export const createRedis = (spec: Exclude<ConnectionSpec, Redis | Cluster>, role: RedisRole): Redis | Cluster => {
  const plan = connectionPlan(spec, role);
  const connection = plan.kind === 'cluster' ? new Cluster(plan.nodes, plan.options) : new Redis(plan.options);
  // Errors surface on the commands that hit them; unheard, ioredis would print each one as unhandled.
  connection.on('error', () => {});
  return connection;
};

/**
 * A new connection to the same Redis as `connection` (same hosts, credentials and TLS), with the
 * options of `role`. The caller owns and closes it.
 */
export const duplicateForRole = (connection: Redis | Cluster, role: Exclude<RedisRole, 'worker'>): Redis | Cluster => {
  const options = roleOptions(role);
  const copy =
    connection instanceof Cluster
      ? connection.duplicate(undefined, { redisOptions: { ...connection.options.redisOptions, ...options }, ...clusterRoleOptions(role, options) })
      : connection.duplicate(options);
  copy.on('error', () => {});
  return copy;
};

/** QUIT within `ms`, else drop the connection: never waits on a Redis that does not answer. */
export const closeRedis = async (connection: Redis | Cluster, ms = 500): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const quit = connection.quit().then(
    () => true,
    () => false,
  );
  const answered = await Promise.race([quit, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  if (!answered) connection.disconnect();
};

/** The connection spec a config's `redis:` section describes. */
export const connectionFromConfig = (redis: { url?: string | undefined; cluster?: string[] | undefined; sentinel?: { name: string; nodes: string[] } | undefined }) =>
  redis.cluster ? { cluster: redis.cluster } : redis.sentinel ? { sentinel: redis.sentinel } : (redis.url ?? DEFAULT_REDIS_URL);

/** Redis did not become ready in time: the call was not made; retry once Redis is back. */
export class RedisUnavailableError extends OtpCourierError {
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
