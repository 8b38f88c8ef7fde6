import { parseKeyRing, type KeyRing } from '../../src/crypto/key-ring.js';
import { benchKeys, courierConfig } from '../lib/config.js';
import type { BenchContext, Scenario } from '../lib/context.js';
import { profileArgs, runDrain } from '../lib/drain.js';
import { fillCourier, fillPlain } from '../lib/fill.js';
import type { ChildSpec } from '../lib/protocol.js';
import { withQueue } from '../lib/queues.js';
import type { Target } from '../lib/report.js';
import { scaled } from '../lib/env.js';
import { median, round } from '../lib/stats.js';

const VARIANTS = ['noop', 'fetch', 'courier'] as const;
type Variant = (typeof VARIANTS)[number];
const CONCURRENCIES = [16, 64];

type Row = { round: number; variant: Variant; concurrency: number; jobs: number; jobsPerSec: number; failed: number; sinkUnique: number; duplicates: number; workerCpuUsPerJob: number; commandsPerJob: number; scriptsPerJob: number; redisCpuUsPerJob: number };

const specFor = (ctx: BenchContext, variant: Variant, concurrency: number, keys: ReturnType<typeof benchKeys>): ChildSpec => {
  const base = { redisUrl: ctx.redis.urls[0] ?? '', queue: 'otp', prefix: '{otp}', concurrency };
  if (variant === 'noop') return { kind: 'noop', ...base };
  if (variant === 'fetch') return { kind: 'fetch', ...base, endpoint: `${ctx.http.url}/sms` };
  return {
    kind: 'courier',
    config: courierConfig({ redisUrls: ctx.redis.urls, cluster: false, encryptionKeys: keys, concurrency, smsEndpoint: `${ctx.http.url}/sms` }),
  };
};

/** One drain of a freshly filled queue by one worker. */
const drainOnce = async (ctx: BenchContext, variant: Variant, concurrency: number, keys: ReturnType<typeof benchKeys>, ring: KeyRing, roundNo: number, jobs: number): Promise<Row> => {
  ctx.log(`ceiling: round ${roundNo}, ${variant} × ${jobs} at concurrency ${concurrency}`);
  ctx.http.reset();
  // Profiled in the first round only: the profiler's cost stays out of the other rounds.
  const profiled = variant === 'courier' && roundNo === 1;
  const drained = await runDrain({
    total: jobs,
    timeoutMs: 240_000,
    redis: ctx.redis,
    specs: [specFor(ctx, variant, concurrency, keys)],
    ...(profiled && { spawn: { nodeArgs: profileArgs(ctx.profile, ctx.profileDir, `ceiling-c${concurrency}`) } }),
    async prepare() {
      await ctx.redis.flush();
      const range = { channel: 'sms', from: 0, count: jobs } as const;
      await withQueue(ctx.redis, (queue) => (variant === 'courier' ? fillCourier(queue, ring, range) : fillPlain(queue, range)));
    },
  });
  const { jobsPerSec, failed, workerCpuUsPerJob, commandsPerJob, scriptsPerJob, redisCpuUsPerJob } = drained;
  return { round: roundNo, variant, concurrency, jobs, jobsPerSec, failed, sinkUnique: ctx.http.unique, duplicates: ctx.http.duplicates, workerCpuUsPerJob, commandsPerJob, scriptsPerJob, redisCpuUsPerJob };
};

/** Per round and concurrency: the ratios the targets compare, all three workers measured minutes apart. */
const compare = (rows: readonly Row[], roundNo: number, c: number) => {
  const of = (v: Variant) => rows.find((r) => r.round === roundNo && r.variant === v && r.concurrency === c);
  const rate = (v: Variant) => of(v)?.jobsPerSec ?? Number.NaN;
  const cpu = (v: Variant) => of(v)?.workerCpuUsPerJob ?? Number.NaN;
  return {
    round: roundNo,
    concurrency: c,
    courierOverFetch: round(rate('courier') / rate('fetch')),
    /** The same comparison by CPU cost, which other load on the host disturbs less than wall-clock rates. */
    fetchCpuOverCourierCpu: round(cpu('fetch') / cpu('courier')),
    courierPctOfNoop: round((100 * rate('courier')) / rate('noop'), 1),
    fetchPctOfNoop: round((100 * rate('fetch')) / rate('noop'), 1),
  };
};

type Comparison = ReturnType<typeof compare>;

/** The median over rounds of each ratio (the round-to-round spread of a shared host is in `rounds`). */
const medianComparison = (all: readonly Comparison[], c: number) => {
  const of = all.filter((x) => x.concurrency === c);
  const m = (f: (x: Comparison) => number, digits = 2) => round(median(of.map(f)), digits);
  return { concurrency: c, courierOverFetch: m((x) => x.courierOverFetch), fetchCpuOverCourierCpu: m((x) => x.fetchCpuOverCourierCpu), courierPctOfNoop: m((x) => x.courierPctOfNoop, 1), fetchPctOfNoop: m((x) => x.fetchPctOfNoop, 1) };
};

const targetsOf = (medians: readonly ReturnType<typeof medianComparison>[], rounds: number): Target[] =>
  // Issue #14's targets: ≥ 1.5× the hand-written fetch worker at 16 and 64, ≥ 25 % of the no-op ceiling at 64.
  medians.flatMap((c) => [
    {
      name: `ceiling ratio, concurrency ${c.concurrency}`,
      goal: 'otp-courier ≥ 1.5 × hand-written fetch worker',
      measured: `${c.courierOverFetch} (median of ${rounds}; otp-courier at ${c.courierPctOfNoop}% of the no-op ceiling; CPU per job, fetch / otp-courier: ${c.fetchCpuOverCourierCpu})`,
      met: c.courierOverFetch >= 1.5,
    },
    ...(c.concurrency === 64 ? [{ name: 'share of the no-op BullMQ ceiling, concurrency 64', goal: '≥ 25 %', measured: `${c.courierPctOfNoop} % (median of ${rounds})`, met: c.courierPctOfNoop >= 25 }] : []),
  ]);

const NAMES: Record<Variant, string> = { courier: 'otp-courier', fetch: 'hand-written fetch', noop: 'no-op BullMQ' };
const NUMERIC = ['jobsPerSec', 'failed', 'sinkUnique', 'duplicates', 'workerCpuUsPerJob', 'commandsPerJob', 'scriptsPerJob', 'redisCpuUsPerJob'] as const;

/** The table: per worker and concurrency, the median of each column over the rounds. */
const medianRows = (rows: readonly Row[]) =>
  CONCURRENCIES.flatMap((c) =>
    VARIANTS.map((v) => {
      const of = rows.filter((r) => r.variant === v && r.concurrency === c);
      const m = Object.fromEntries(NUMERIC.map((k) => [k, Math.round(median(of.map((r) => r[k])))])) as Record<(typeof NUMERIC)[number], number>;
      const noop = median(rows.filter((r) => r.variant === 'noop' && r.concurrency === c).map((r) => r.jobsPerSec));
      return [NAMES[v], c, of[0]?.jobs, m.jobsPerSec, round((100 * m.jobsPerSec) / noop, 1), m.failed, v === 'noop' ? undefined : m.sinkUnique, v === 'noop' ? undefined : m.duplicates, m.workerCpuUsPerJob, m.commandsPerJob, m.scriptsPerJob, m.redisCpuUsPerJob];
    }),
  );

/**
 * Issue #9 scenario 1: the same pre-filled queue drained by a no-op BullMQ worker (the ceiling),
 * a hand-written fetch worker (what a user would write) and otp-courier's worker, each in its own
 * process, at a couple of concurrencies; `ctx.rounds` times, interleaved, so that a shared host's
 * slow minutes fall on every worker alike. Targets read the median round.
 */
export const ceiling: Scenario = {
  name: 'ceiling',
  async run(ctx) {
    const jobs = scaled(20_000, ctx.scale, 500);
    const keys = benchKeys();
    const ring = parseKeyRing(keys);
    const rows: Row[] = [];
    for (let r = 1; r <= ctx.rounds; r++) for (const c of CONCURRENCIES) for (const v of VARIANTS) rows.push(await drainOnce(ctx, v, c, keys, ring, r, jobs));
    const perRound = Array.from({ length: ctx.rounds }, (_, i) => CONCURRENCIES.map((c) => compare(rows, i + 1, c))).flat();
    const comparisons = CONCURRENCIES.map((c) => medianComparison(perRound, c));
    return {
      scenario: 'ceiling',
      title: `Ceiling: ${jobs} pre-filled jobs through http-sms to a local HTTP sink (worker in a child process), median of ${ctx.rounds} rounds`,
      columns: ['worker', 'concurrency', 'jobs', 'jobs/s', '% of no-op', 'failed', 'sink unique', 'duplicates', 'worker cpu µs/job', 'redis cmds/job', 'scripts/job', 'redis cpu µs/job'],
      rows: medianRows(rows),
      figures: { jobs, rounds: ctx.rounds, runs: rows, perRound, comparisons },
      targets: targetsOf(comparisons, ctx.rounds),
      notes: [
        'jobs/s spans the first to the last completion in the worker process; otp-courier runs with encryption, metrics and info logging (async, to /dev/null)',
        'redis cmds/job (including those inside scripts), scripts/job and cpu µs/job: Redis INFO commandstats and used_cpu over the drain',
        `each cell is the median over ${ctx.rounds} rounds (BENCH_ROUNDS); otp-courier / fetch per round: ${perRound.map((x) => `c${x.concurrency} ${x.courierOverFetch}`).join(', ')}`,
      ],
    };
  },
};
