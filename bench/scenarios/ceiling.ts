import { parseKeyRing } from '../../src/crypto/key-ring.js';
import { benchKeys, courierConfig } from '../lib/config.js';
import type { BenchContext, Scenario } from '../lib/context.js';
import { profileArgs, runDrain } from '../lib/drain.js';
import { fillCourier, fillPlain } from '../lib/fill.js';
import type { ChildSpec } from '../lib/protocol.js';
import { openQueue } from '../lib/queues.js';
import type { Target } from '../lib/report.js';
import { scaled } from '../lib/env.js';
import { round } from '../lib/stats.js';

const VARIANTS = ['noop', 'fetch', 'courier'] as const;
type Variant = (typeof VARIANTS)[number];
const CONCURRENCIES = [16, 64];

type Row = { variant: Variant; concurrency: number; jobs: number; jobsPerSec: number; failed: number; sinkUnique: number; duplicates: number; workerCpuUsPerJob: number; commandsPerJob: number; scriptsPerJob: number; redisCpuUsPerJob: number };

const specFor = (ctx: BenchContext, variant: Variant, concurrency: number, keys: ReturnType<typeof benchKeys>): ChildSpec => {
  const base = { redisUrl: ctx.redis.urls[0] ?? '', queue: 'otp', prefix: '{otp}', concurrency };
  if (variant === 'noop') return { kind: 'noop', ...base };
  if (variant === 'fetch') return { kind: 'fetch', ...base, endpoint: `${ctx.http.url}/sms` };
  return {
    kind: 'courier',
    config: courierConfig({ redisUrls: ctx.redis.urls, cluster: false, encryptionKeys: keys, concurrency, smsEndpoint: `${ctx.http.url}/sms` }),
  };
};

/**
 * Issue #9 scenario 1: the same pre-filled queue drained by a no-op BullMQ worker (the ceiling),
 * a hand-written fetch worker (what a user would write) and otp-courier's worker, each in its own
 * process, at a couple of concurrencies.
 */
export const ceiling: Scenario = {
  name: 'ceiling',
  async run(ctx) {
    const jobs = scaled(20_000, ctx.scale, 500);
    const keys = benchKeys();
    const ring = parseKeyRing(keys);
    const rows: Row[] = [];
    for (const concurrency of CONCURRENCIES) {
      for (const variant of VARIANTS) {
        ctx.log(`ceiling: ${variant} × ${jobs} at concurrency ${concurrency}`);
        ctx.http.reset();
        const drained = await runDrain({
          total: jobs,
          timeoutMs: 240_000,
          redis: ctx.redis,
          specs: [specFor(ctx, variant, concurrency, keys)],
          ...(variant === 'courier' && { spawn: { nodeArgs: profileArgs(ctx.profile, ctx.profileDir, `ceiling-c${concurrency}`) } }),
          async prepare() {
            await ctx.redis.flush();
            const queue = openQueue(ctx.redis, 'otp', '{otp}');
            try {
              if (variant === 'courier') await fillCourier(queue, ring, { channel: 'sms', from: 0, count: jobs });
              else await fillPlain(queue, { channel: 'sms', from: 0, count: jobs });
            } finally {
              await queue.closeAll();
            }
          },
        });
        rows.push({
          variant,
          concurrency,
          jobs,
          jobsPerSec: drained.jobsPerSec,
          failed: drained.failed,
          sinkUnique: ctx.http.unique,
          duplicates: ctx.http.duplicates,
          workerCpuUsPerJob: drained.workerCpuUsPerJob,
          commandsPerJob: drained.commandsPerJob,
          scriptsPerJob: drained.scriptsPerJob,
          redisCpuUsPerJob: drained.redisCpuUsPerJob,
        });
      }
    }
    const rate = (v: Variant, c: number) => rows.find((r) => r.variant === v && r.concurrency === c)?.jobsPerSec ?? Number.NaN;
    const cpu = (v: Variant, c: number) => rows.find((r) => r.variant === v && r.concurrency === c)?.workerCpuUsPerJob ?? Number.NaN;
    const comparisons = CONCURRENCIES.map((c) => ({
      concurrency: c,
      courierOverFetch: round(rate('courier', c) / rate('fetch', c)),
      /** The same comparison by CPU cost, which other load on the host disturbs less than wall-clock rates. */
      fetchCpuOverCourierCpu: round(cpu('fetch', c) / cpu('courier', c)),
      courierPctOfNoop: round((100 * rate('courier', c)) / rate('noop', c), 1),
      fetchPctOfNoop: round((100 * rate('fetch', c)) / rate('noop', c), 1),
    }));
    // Issue #14's targets: ≥ 1.5× the hand-written fetch worker at 16 and 64, ≥ 25 % of the no-op ceiling at 64.
    const targets: Target[] = comparisons.flatMap((c) => [
      {
        name: `ceiling ratio, concurrency ${c.concurrency}`,
        goal: 'otp-courier ≥ 1.5 × hand-written fetch worker',
        measured: `${c.courierOverFetch} (otp-courier at ${c.courierPctOfNoop}% of the no-op ceiling; CPU per job, fetch / otp-courier: ${c.fetchCpuOverCourierCpu})`,
        met: c.courierOverFetch >= 1.5,
      },
      ...(c.concurrency === 64
        ? [{ name: 'share of the no-op BullMQ ceiling, concurrency 64', goal: '≥ 25 %', measured: `${c.courierPctOfNoop} %`, met: c.courierPctOfNoop >= 25 }]
        : []),
    ]);
    return {
      scenario: 'ceiling',
      title: `Ceiling: ${jobs} pre-filled jobs through http-sms to a local HTTP sink (worker in a child process)`,
      columns: ['worker', 'concurrency', 'jobs', 'jobs/s', '% of no-op', 'failed', 'sink unique', 'duplicates', 'worker cpu µs/job', 'redis cmds/job', 'scripts/job', 'redis cpu µs/job'],
      rows: rows.map((r) => [
        r.variant === 'courier' ? 'otp-courier' : r.variant === 'fetch' ? 'hand-written fetch' : 'no-op BullMQ',
        r.concurrency,
        r.jobs,
        r.jobsPerSec,
        round((100 * r.jobsPerSec) / rate('noop', r.concurrency), 1),
        r.failed,
        r.variant === 'noop' ? undefined : r.sinkUnique,
        r.variant === 'noop' ? undefined : r.duplicates,
        r.workerCpuUsPerJob,
        r.commandsPerJob,
        r.scriptsPerJob,
        r.redisCpuUsPerJob,
      ]),
      figures: { jobs, runs: rows, comparisons },
      targets,
      notes: [
        'jobs/s spans the first to the last completion in the worker process; otp-courier runs with encryption, metrics and info logging (async, to /dev/null)',
        'redis cmds/job (including those inside scripts), scripts/job and cpu µs/job: Redis INFO commandstats and used_cpu over the drain',
      ],
    };
  },
};
