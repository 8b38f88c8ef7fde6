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
 * FCALL…: BullMQ's moves are scripts) and CPU seconds (user + sys).
 */
export type RedisLoad = { commands: number; scripts: number; cpuSeconds: number };

const SCRIPT_COMMANDS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

const loadOf = async (r: Redis): Promise<RedisLoad> => {
  const [commandstats, cpu] = await Promise.all([r.info('commandstats'), r.info('cpu')]);
  const calls = [...commandstats.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)]
    .map((m) => ({ name: m[1] ?? '', calls: Number(m[2]) }))
    .filter((c) => !/^(info|config|flushall|cluster)/.test(c.name));
  const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return {
    commands: calls.reduce((sum, c) => sum + c.calls, 0),
    scripts: calls.filter((c) => SCRIPT_COMMANDS.has(c.name)).reduce((sum, c) => sum + c.calls, 0),
    cpuSeconds: seconds('used_cpu_user') + seconds('used_cpu_sys'),
  };
};

export const loadDelta = (before: RedisLoad, after: RedisLoad): RedisLoad => ({
  commands: after.commands - before.commands,
  scripts: after.scripts - before.scripts,
  cpuSeconds: after.cpuSeconds - before.cpuSeconds,
});

const flushNodes = async (urls: readonly string[]): Promise<void> =>
  void (await onNodes(urls, async (r) => {
    await r.flushall();
    await r.config('RESETSTAT');
  }));

const loadOfNodes = async (urls: readonly string[]): Promise<RedisLoad> =>
  (await onNodes(urls, loadOf)).reduce(
    (sum, l) => ({ commands: sum.commands + l.commands, scripts: sum.scripts + l.scripts, cpuSeconds: sum.cpuSeconds + l.cpuSeconds }),
    { commands: 0, scripts: 0, cpuSeconds: 0 },
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

/** One redis-server on 127.0.0.1 (`--save ''`; AOF with appendfsync everysec when asked). */
export const startStandalone = async (bins: RedisBinaries, appendOnly = false): Promise<BenchRedis> => {
  const server = await startRedisServer({ binary: bins.server, appendOnly });
  const urls = [server.url];
  return {
    urls,
    cluster: false,
    flush: () => flushNodes(urls),
    load: () => loadOfNodes(urls),
    usedMemory: async () => (await onNodes(urls, memoryOf)).reduce((a, b) => a + b, 0),
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
    flush: () => flushNodes(urls),
    load: () => loadOfNodes(urls),
    usedMemory: async () => (await onNodes(urls, memoryOf)).reduce((a, b) => a + b, 0),
    stop,
  };
};

const waitFor = async (check: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Redis not ready within ${timeoutMs} ms`);
    await sleep(100);
  }
};
