/**
 * Harness knobs from the environment, read once by `bench/main.ts`:
 * `BENCH_SCALE` multiplies message counts and durations (default 1),
 * `BENCH_ONLY=ceiling,smtp` runs only the named scenarios,
 * `BENCH_PROFILE=1` runs otp-courier's worker child (and the ingest scenario's ingest) with `--cpu-prof`,
 * `BENCH_ROUNDS` is how many times the ceiling runs its workers, interleaved (default 3).
 */
export type BenchEnv = { scale: number; only: ReadonlySet<string> | undefined; profile: boolean; rounds: number };

export const readBenchEnv = (env: NodeJS.ProcessEnv = process.env): BenchEnv => {
  const scale = env.BENCH_SCALE === undefined ? 1 : Number(env.BENCH_SCALE);
  if (!(scale > 0 && scale <= 10)) throw new Error('BENCH_SCALE must be a number above 0 and at most 10');
  const names = (env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const rounds = env.BENCH_ROUNDS === undefined ? 3 : Number(env.BENCH_ROUNDS);
  if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 9)) throw new Error('BENCH_ROUNDS must be a whole number from 1 to 9');
  return { scale, only: names.length > 0 ? new Set(names) : undefined, profile: env.BENCH_PROFILE === '1', rounds };
};

/** `n × scale`, rounded, never below `min`. */
export const scaled = (n: number, scale: number, min = 1): number => Math.max(min, Math.round(n * scale));
