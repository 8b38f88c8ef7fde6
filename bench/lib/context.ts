import type { HttpSink } from './http-sink.js';
import type { BenchRedis, RedisBinaries } from './redis.js';
import type { ScenarioReport } from './report.js';

/** What every scenario gets from the harness. */
export type BenchContext = {
  scale: number;
  /** Run otp-courier's worker child under `--cpu-prof`, writing into `profileDir`. */
  profile: boolean;
  profileDir: string;
  /** `BENCH_ROUNDS`: the ceiling's interleaved rounds (its targets read the median round). */
  rounds: number;
  bins: RedisBinaries;
  /** The shared standalone Redis (no persistence); flush it before each run. */
  redis: BenchRedis;
  /** The shared HTTP sink; reset it before each run. */
  http: HttpSink;
  /** Progress, to stderr. */
  log(message: string): void;
};

export type Scenario = { name: string; run(ctx: BenchContext): Promise<ScenarioReport> };
