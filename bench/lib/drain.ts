import { join } from 'node:path';
import { spawnAndStart, stopAll, waitForDrain, type Drained, type SpawnOptions } from './children.js';
import type { ChildSpec } from './protocol.js';
import { loadDelta, sumLoads, type BenchRedis, type RedisLoad } from './redis.js';

export type DrainRun = {
  /** Empties Redis and pre-fills the queue; runs before any worker starts. */
  prepare: () => Promise<void>;
  specs: readonly ChildSpec[];
  total: number;
  timeoutMs: number;
  spawn?: SpawnOptions;
  /** Measured: the Redis work between the workers' start and the last job. */
  redis: BenchRedis;
};

export type DrainResult = Drained & {
  redis: RedisLoad;
  /** The same Redis work per node, in the order of `redis.urls` (one entry for a standalone Redis). */
  redisPerNode: RedisLoad[];
  /** Worker CPU per job over the drain (all worker processes, user + system), µs. */
  workerCpuUsPerJob: number;
  /** Per job over the drain: Redis commands (including inside scripts), script calls, CPU µs. */
  commandsPerJob: number;
  scriptsPerJob: number;
  redisCpuUsPerJob: number;
};

/** Pre-fill, start the worker processes together, wait until `total` jobs finished, stop them. */
export const runDrain = async ({ prepare, specs, total, timeoutMs, spawn, redis }: DrainRun): Promise<DrainResult> => {
  await prepare();
  const children = await spawnAndStart(specs, spawn);
  try {
    const before = await redis.loadPerNode();
    const cpuBefore = (await Promise.all(children.map((c) => c.stats()))).reduce((sum, s) => sum + s.cpuUs, 0);
    const drained = await waitForDrain(children, total, timeoutMs);
    const after = await redis.loadPerNode();
    const perNode = after.map((a, i) => loadDelta(before[i] ?? a, a));
    const load = sumLoads(perNode);
    const cpuAfter = drained.perChild.reduce((sum, s) => sum + s.cpuUs, 0);
    return {
      ...drained,
      workerCpuUsPerJob: Math.round((cpuAfter - cpuBefore) / total),
      redis: load,
      redisPerNode: perNode,
      commandsPerJob: Math.round((10 * load.commands) / total) / 10,
      scriptsPerJob: Math.round((10 * load.scripts) / total) / 10,
      redisCpuUsPerJob: Math.round((1e6 * load.cpuSeconds) / total),
    };
  } finally {
    await stopAll(children);
  }
};

/**
 * `node` flags for otp-courier's worker child when profiling: one folder per run, Node's own file
 * names (`CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`; thread 0 is the main thread, the
 * others are tsx's module-loader thread).
 */
export const profileArgs = (enabled: boolean, dir: string, name: string): string[] =>
  enabled ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`] : [];
