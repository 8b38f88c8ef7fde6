import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { findOnPath, freePort, startRedisServer } from '../../src/redis/local-server.js';
import { sleep } from './stats.js';

const run = promisify(execFile);

export type BenchRedis = {
  /** Seed URLs: one for a standalone server, every master for a cluster. */
  urls: string[];
  cluster: boolean;
  /** Empties every node between runs. */
  flush(): Promise<void>;
  /** `used_memory` summed over the nodes, bytes. */
  usedMemory(): Promise<number>;
  /** Commands served (since the last `flush`) and CPU used (since start), summed over the nodes: subtract two readings. */
  load(): Promise<RedisLoad>;
  /** The same, per node, in the order of `urls` (a cluster's masters each on their own). */
  loadPerNode(): Promise<RedisLoad[]>;
  stop(): Promise<void>;
};

export type RedisBinaries = { server: string; cli: string | undefined; version: string };

export const findRedis = async (): Promise<RedisBinaries> => {
  const server = await findOnPath('redis-server');
  if (!server) throw new Error('redis-server is not on PATH: install Redis 7+ (apt-get install redis-server)');
  const { stdout } = await run(server, ['--version']);
  const version = /v=([\d.]+)/.exec(stdout)?.[1] ?? stdout.trim();
  return { server, cli: await findOnPath('redis-cli'), version };
};

/**
 * Work Redis did: commands (every call, including those a script makes), script calls (EVALSHA,
 * FCALL…: BullMQ's moves are scripts), CPU seconds (user + sys) and reads from client sockets
 * (`total_reads_processed`: about one per round trip, a pipeline or a script call being one).
 */
export type RedisLoad = { commands: number; scripts: number; cpuSeconds: number; reads: number };

const SCRIPT_COMMANDS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

const loadOf = async (r: Redis): Promise<RedisLoad> => {
  const [commandstats, cpu, stats] = await Promise.all([r.info('commandstats'), r.info('cpu'), r.info('stats')]);
  const calls = [...commandstats.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)]
    .map((m) => ({ name: m[1] ?? '', calls: Number(m[2]) }))
    .filter((c) => !/^(info|config|flushall|cluster)/.test(c.name));
  const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return {
    commands: calls.reduce((sum, c) => sum + c.calls, 0),
    scripts: calls.filter((c) => SCRIPT_COMMANDS.has(c.name)).reduce((sum, c) => sum + c.calls, 0),
    cpuSeconds: seconds('used_cpu_user') + seconds('used_cpu_sys'),
    reads: Number(/^total_reads_processed:(\d+)/m.exec(stats)?.[1] ?? 0),
  };
};

export const loadDelta = (before: RedisLoad, after: RedisLoad): RedisLoad => ({
  commands: after.commands - before.commands,
  scripts: after.scripts - before.scripts,
  cpuSeconds: after.cpuSeconds - before.cpuSeconds,
  reads: after.reads - before.reads,
});

const flushNodes = async (urls: readonly string[]): Promise<void> =>
  void (await onNodes(urls, async (r) => {
    await r.flushall();
    await r.config('RESETSTAT');
  }));

/** Several nodes' loads (or deltas) added up. */
export const sumLoads = (loads: readonly RedisLoad[]): RedisLoad =>
  loads.reduce(
    (sum, l) => ({ commands: sum.commands + l.commands, scripts: sum.scripts + l.scripts, cpuSeconds: sum.cpuSeconds + l.cpuSeconds, reads: sum.reads + l.reads }),
    { commands: 0, scripts: 0, cpuSeconds: 0, reads: 0 },
  );

const onNodes = async <T>(urls: readonly string[], fn: (r: Redis) => Promise<T>): Promise<T[]> =>
  Promise.all(
    urls.map(async (url) => {
      const r = new Redis(url, { maxRetriesPerRequest: 3 });
      r.on('error', () => {}); // a node still starting refuses; the command's own error is enough
      try {
        return await fn(r);
      } finally {
        r.disconnect();
      }
    }),
  );

const memoryOf = async (r: Redis) => Number(/used_memory:(\d+)/.exec(await r.info('memory'))?.[1] ?? 0);

/** What a bench Redis reads and resets on its nodes, standalone or cluster alike. */
const readingsOf = (urls: readonly string[]): Pick<BenchRedis, 'flush' | 'load' | 'loadPerNode' | 'usedMemory'> => ({
  flush: () => flushNodes(urls),
  load: async () => sumLoads(await onNodes(urls, loadOf)),
  loadPerNode: () => onNodes(urls, loadOf),
  usedMemory: async () => (await onNodes(urls, memoryOf)).reduce((a, b) => a + b, 0),
});

/** One redis-server on 127.0.0.1 (`--save ''`; AOF with appendfsync everysec when asked). */
export const startStandalone = async (bins: RedisBinaries, appendOnly = false): Promise<BenchRedis> => {
  const server = await startRedisServer({ binary: bins.server, appendOnly });
  const urls = [server.url];
  return {
    urls,
    cluster: false,
    ...readingsOf(urls),
    stop: () => server.stop(),
  };
};

/** A Redis Cluster of `masters` masters (no replicas) on 127.0.0.1, created with `redis-cli --cluster create`. */
export const startCluster = async (bins: RedisBinaries, masters = 3): Promise<BenchRedis> => {
  if (!bins.cli) throw new Error('redis-cli is not on PATH (it ships with redis-server)');
  const dir = await mkdtemp(join(tmpdir(), 'otp-bench-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) ports.push(await freePort());
  const children: ChildProcess[] = ports.map((port) =>
    spawn(
      bins.server,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
        '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000'],
      { stdio: 'ignore' },
    ),
  );
  const urls = ports.map((p) => `redis://127.0.0.1:${p}`);
  const stop = async () => {
    await Promise.all(children.map((c) => (c.exitCode !== null ? Promise.resolve() : new Promise((r) => { c.once('exit', r); c.kill('SIGTERM'); }))));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await onNodes(urls, (r) => r.ping())).every((p) => p === 'PONG'), 10_000);
    await run(bins.cli, ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    await waitFor(async () => (await onNodes(urls, (r) => r.cluster('INFO'))).every((i) => String(i).includes('cluster_state:ok')), 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls,
    cluster: true,
    ...readingsOf(urls),
    stop,
  };
};

/** The hash-slot ranges (inclusive) each node of a cluster serves as master, in the order of `urls`. */
export const slotRangesPerNode = async (redis: BenchRedis): Promise<[number, number][][]> => {
  const [first] = redis.urls;
  if (!redis.cluster || !first) return redis.urls.map(() => [[0, 16_383]]);
  // CLUSTER SLOTS: [[start, end, [host, port, id], ...replicas], ...]; the first node listed is the master.
  const [slots = []] = await onNodes([first], (r) => r.cluster('SLOTS'));
  return redis.urls.map((url) => {
    const port = Number(new URL(url).port);
    return slots
      .filter(([, , master]) => master?.[1] === port)
      .map(([start, end]): [number, number] => [start, end])
      .sort((a, b) => a[0] - b[0]);
  });
};

const waitFor = async (check: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Redis not ready within ${timeoutMs} ms`);
    await sleep(100);
  }
};
