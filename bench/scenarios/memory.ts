import { parseKeyRing } from '../../src/crypto/key-ring.js';
import { spawnAndStart, stopAll, waitForDrain } from '../lib/children.js';
import { benchKeys, courierConfig } from '../lib/config.js';
import type { Scenario } from '../lib/context.js';
import { scaled } from '../lib/env.js';
import { fillCourier } from '../lib/fill.js';
import type { ChildStats } from '../lib/protocol.js';
import { openQueue } from '../lib/queues.js';
import { round } from '../lib/stats.js';

const MiB = 1024 * 1024;
const CONCURRENCY = 64;
/** The queue is refilled in steps of this many whenever fewer are left waiting, so the worker never idles. */
const BACKLOG = 5000;

const mib = (bytes: number) => round(bytes / MiB, 1);

/**
 * Issue #9 scenario 5: one otp-courier worker process (with `--expose-gc`) drains 10k, then 100k
 * messages through http-sms; RSS and heap after a full GC at start, at 10k and at 100k.
 */
export const memory: Scenario = {
  name: 'memory',
  async run(ctx) {
    const first = scaled(10_000, ctx.scale, 1000);
    const total = scaled(100_000, ctx.scale, 10_000);
    const keys = benchKeys();
    const ring = parseKeyRing(keys);
    await ctx.redis.flush();
    ctx.http.reset();
    const queue = openQueue(ctx.redis, 'otp', '{otp}');
    const config = courierConfig({ redisUrls: ctx.redis.urls, cluster: false, encryptionKeys: keys, concurrency: CONCURRENCY, smsEndpoint: `${ctx.http.url}/sms` });
    let filled = Math.min(first, 2 * BACKLOG);
    await fillCourier(queue, ring, { channel: 'sms', from: 0, count: filled });
    const [child] = await spawnAndStart([{ kind: 'courier', config }], { nodeArgs: ['--expose-gc'] });
    if (!child) throw new Error('worker did not start');
    const samples: { delivered: number; stats: ChildStats; redisBytes: number }[] = [];
    const sample = async (delivered: number) => samples.push({ delivered, stats: await child.stats({ gc: true }), redisBytes: await ctx.redis.usedMemory() });
    try {
      await sample(0);
      const drainTo = async (target: number) => {
        while (filled < target) {
          const next = Math.min(target - filled, BACKLOG);
          await waitForDrain([child], filled - BACKLOG, 600_000);
          await fillCourier(queue, ring, { channel: 'sms', from: filled, count: next });
          filled += next;
        }
        await waitForDrain([child], target, 600_000);
        await sample(target);
      };
      ctx.log(`memory: ${first} messages`);
      await drainTo(first);
      ctx.log(`memory: up to ${total} messages`);
      await drainTo(total);
    } finally {
      await stopAll([child]);
      await queue.closeAll();
    }
    const at = (n: number) => samples.find((s) => s.delivered === n)?.stats;
    const [start, mid, end] = [at(0), at(first), at(total)];
    const growthMiB = start && mid && end ? mib(end.rss - mid.rss) : Number.NaN;
    const heapGrowthMiB = mid && end ? mib(end.heapUsed - mid.heapUsed) : Number.NaN;
    // Completed jobs stay in Redis until their outcome retention ends (expiresAt + 300 s).
    const redisPerMessage = Math.round(((samples.at(-1)?.redisBytes ?? 0) - (samples[0]?.redisBytes ?? 0)) / total);
    return {
      scenario: 'memory',
      title: `Memory: one otp-courier worker process (concurrency ${CONCURRENCY}), figures after a full GC`,
      columns: ['delivered', 'rss MiB', 'heap used MiB', 'failed', 'sink unique', 'duplicates', 'redis used MiB'],
      rows: samples.map((s) => [
        s.delivered,
        mib(s.stats.rss),
        mib(s.stats.heapUsed),
        s.stats.failed,
        s.delivered === total ? ctx.http.unique : undefined,
        s.delivered === total ? ctx.http.duplicates : undefined,
        mib(s.redisBytes),
      ]),
      figures: {
        samples: samples.map((s) => ({ delivered: s.delivered, rssMiB: mib(s.stats.rss), heapUsedMiB: mib(s.stats.heapUsed), gc: s.stats.gc, redisUsedMiB: mib(s.redisBytes) })),
        rssGrowthMiB: growthMiB,
        heapGrowthMiB,
        rssGrowthPer10kMessagesMiB: round((growthMiB * 10_000) / (total - first), 2),
        heapBytesPerMessage: mid && end ? Math.round((end.heapUsed - mid.heapUsed) / (total - first)) : Number.NaN,
        redisBytesPerRetainedMessage: redisPerMessage,
      },
      targets: [],
      notes: [
        `growth from ${first} to ${total} messages: RSS ${growthMiB} MiB, heap ${heapGrowthMiB} MiB`,
        `Redis keeps every finished message until its outcome retention ends (lifetime + 300 s): ${redisPerMessage} bytes each here`,
        'RSS includes tsx\'s module-loader thread (the bench child runs with --import tsx); growth is the figure to watch',
      ],
    };
  },
};
