/** Latency summary in milliseconds; percentiles by nearest rank on the sorted sample. */
export type LatencySummary = { count: number; p50: number; p95: number; p99: number; max: number };

export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
};

export const summarize = (samplesMs: readonly number[]): LatencySummary => {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
};

/** Two decimals at most: enough for ms and ratios, short in JSON. */
export const round = (n: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** Jobs per second over `count` completions spanning [first, last] (count − 1 intervals). */
export const ratePerSecond = (count: number, firstMs: number, lastMs: number): number =>
  count > 1 && lastMs > firstMs ? round(((count - 1) * 1000) / (lastMs - firstMs), 0) : Number.NaN;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Epoch milliseconds with sub-millisecond precision, comparable across processes on one host. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
