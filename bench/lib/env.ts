/**
 * Harness knobs from the environment, read once by `bench/main.ts`:
 * `BENCH_SCALE` multiplies message counts and durations (default 1),
 * `BENCH_ONLY=ceiling,smtp` runs only the named scenarios,
 * `BENCH_PROFILE=1` runs otp-courier's worker child with `--cpu-prof`.
 */
export type BenchEnv = { scale: number; only: ReadonlySet<string> | undefined; profile: boolean };

export const readBenchEnv = (env: NodeJS.ProcessEnv = process.env): BenchEnv => {
  const scale = env.BENCH_SCALE === undefined ? 1 : Number(env.BENCH_SCALE);
  if (!(scale > 0 && scale <= 10)) throw new Error('BENCH_SCALE must be a number above 0 and at most 10');
  const names = (env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return { scale, only: names.length > 0 ? new Set(names) : undefined, profile: env.BENCH_PROFILE === '1' };
};

/** `n × scale`, rounded, never below `min`. */
export const scaled = (n: number, scale: number, min = 1): number => Math.max(min, Math.round(n * scale));
