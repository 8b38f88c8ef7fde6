import type { courierConfig } from './config.js';
import type { BenchContext } from './context.js';
import { runDrain, type DrainResult } from './drain.js';
import type { BenchRedis } from './redis.js';
import { sleep } from './stats.js';

export type SinkDrain = { drained: DrainResult; unique: number; duplicates: number; missing: number };

export type SinkDrainRun = {
  config: ReturnType<typeof courierConfig>;
  processes: number;
  jobs: number;
  /** Pre-fills the queue(s) with `jobs` jobs, after Redis was flushed. */
  fill: () => Promise<unknown>;
};

/** Flushes Redis, pre-fills, drains with `processes` otp-courier workers, and counts what reached the HTTP sink (each id once). */
export const drainToSink = async (ctx: BenchContext, redis: BenchRedis, { config, processes, jobs, fill }: SinkDrainRun): Promise<SinkDrain> => {
  ctx.http.reset();
  const drained = await runDrain({
    total: jobs,
    timeoutMs: 300_000,
    redis,
    specs: Array.from({ length: processes }, () => ({ kind: 'courier' as const, config })),
    async prepare() {
      await redis.flush();
      await fill();
    },
  });
  await sleep(500); // a duplicate would arrive after the last completion
  return { drained, unique: ctx.http.unique, duplicates: ctx.http.duplicates, missing: jobs - ctx.http.unique };
};

/** A drain's figures as the scenarios' JSON lines report them. */
export const sinkFigures = ({ drained, unique, duplicates, missing }: SinkDrain) => ({
  jobsPerSec: drained.jobsPerSec,
  failed: drained.failed,
  unique,
  duplicates,
  missing,
  workerCpuUsPerJob: drained.workerCpuUsPerJob,
  redisCpuUsPerJob: drained.redisCpuUsPerJob,
});
