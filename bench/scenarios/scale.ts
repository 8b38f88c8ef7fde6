import { parseKeyRing } from '../../src/crypto/key-ring.js';
import { benchKeys, courierConfig } from '../lib/config.js';
import type { BenchContext, Scenario } from '../lib/context.js';
import type { DrainResult } from '../lib/drain.js';
import { scaled } from '../lib/env.js';
import { fillCourier } from '../lib/fill.js';
import { withQueue } from '../lib/queues.js';
import { startCluster, type BenchRedis } from '../lib/redis.js';
import { drainToSink, sinkFigures } from '../lib/sink-drain.js';

const PROCESSES = [1, 2, 4];
const CONCURRENCY = 64;

type Row = { topology: 'single' | 'cluster'; processes: number; jobs: number; drained: DrainResult; unique: number; duplicates: number; missing: number };

const runOne = async (ctx: BenchContext, redis: BenchRedis, processes: number, jobs: number, keys: ReturnType<typeof benchKeys>): Promise<Omit<Row, 'topology'>> => {
  const config = courierConfig({ redisUrls: redis.urls, cluster: redis.cluster, encryptionKeys: keys, concurrency: CONCURRENCY, smsEndpoint: `${ctx.http.url}/sms` });
  const fill = () => withQueue(redis, (queue) => fillCourier(queue, parseKeyRing(keys), { channel: 'sms', from: 0, count: jobs }));
  return { processes, jobs, ...(await drainToSink(ctx, redis, { config, processes, jobs, fill })) };
};

/**
 * Issue #9 scenario 6: 1, 2 and 4 otp-courier worker processes on one queue, against one Redis
 * and against a local three-master Redis Cluster (prefix `{otp}`: the whole queue is one slot, so
 * one master). The sink counts every message id: each must arrive exactly once.
 */
export const scale: Scenario = {
  name: 'scale',
  async run(ctx) {
    const jobs = scaled(20_000, ctx.scale, 1000);
    const keys = benchKeys();
    const rows: Row[] = [];
    for (const processes of PROCESSES) {
      ctx.log(`scale: ${processes} worker process(es), one Redis, ${jobs} jobs`);
      rows.push({ topology: 'single', ...(await runOne(ctx, ctx.redis, processes, jobs, keys)) });
    }
    ctx.log('scale: starting a three-master Redis Cluster');
    const notes = ["all worker processes share the host's cores with Redis and the sink: past the core count, more processes cannot add throughput here"];
    const cluster = await startCluster(ctx.bins, 3).catch((error: Error) => {
      notes.push(`Redis Cluster runs skipped: ${error.message}`);
      return undefined;
    });
    if (cluster) {
      try {
        for (const processes of PROCESSES) {
          ctx.log(`scale: ${processes} worker process(es), Redis Cluster, ${jobs} jobs`);
          rows.push({ topology: 'cluster', ...(await runOne(ctx, cluster, processes, jobs, keys)) });
        }
      } finally {
        await cluster.stop();
      }
    }
    const exact = rows.every((r) => r.duplicates === 0 && r.missing === 0 && r.drained.failed === 0);
    return {
      scenario: 'scale',
      title: `Horizontal scale: ${jobs} pre-filled jobs, worker processes of concurrency ${CONCURRENCY} each, http-sms to the sink`,
      columns: ['redis', 'processes', 'jobs', 'jobs/s', 'per process', 'failed', 'unique at sink', 'duplicates', 'missing', 'worker cpu µs/job', 'redis cpu µs/job'],
      rows: rows.map((r) => [
        r.topology === 'single' ? 'one Redis' : 'Cluster (3 masters)',
        r.processes,
        r.jobs,
        r.drained.jobsPerSec,
        r.drained.perChild.map((c) => c.completed).join('/'),
        r.drained.failed,
        r.unique,
        r.duplicates,
        r.missing,
        r.drained.workerCpuUsPerJob,
        r.drained.redisCpuUsPerJob,
      ]),
      figures: {
        jobs,
        concurrencyPerProcess: CONCURRENCY,
        runs: rows.map((r) => ({
          topology: r.topology,
          processes: r.processes,
          ...sinkFigures(r),
          perProcess: r.drained.perChild.map((c) => c.completed),
        })),
      },
      targets: [{ name: 'exactly once in every run', goal: 'no duplicate, no missing message at the sink', measured: exact ? 'all runs exact' : 'see table', met: exact }],
      notes,
    };
  },
};
