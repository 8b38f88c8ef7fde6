import { spawnAndStart, stopAll } from '../lib/children.js';
import { benchKeys, courierConfig } from '../lib/config.js';
import type { BenchContext, Scenario } from '../lib/context.js';
import { scaled } from '../lib/env.js';
import { benchPayload, plainJobOptions, recipientFor, type PlainJob } from '../lib/fill.js';
import { openLoop, type OpenLoopResult } from '../lib/open-loop.js';
import type { ChildSpec } from '../lib/protocol.js';
import { loadOtp, type Otp } from '../lib/otp.js';
import { openQueue } from '../lib/queues.js';
import { loadDelta } from '../lib/redis.js';
import { round, sleep, summarize, type LatencySummary } from '../lib/stats.js';

const RATES = [500, 2000];
const CONCURRENCY = 64;
const WARMUP_MS = 1000;
type System = 'courier' | 'bare';

type Row = {
  system: System;
  rate: number;
  load: OpenLoopResult;
  delivered: number;
  latency: LatencySummary;
  enqueue: LatencySummary;
  /** Redis work per message, enqueue to completion (commands including inside scripts; CPU µs). */
  redisCommandsPerMessage: number;
  redisCpuUsPerMessage: number;
};

/** Enqueue function for one system; `close` releases its connections. */
const producerFor = (ctx: BenchContext, otp: Otp, system: System, config: Record<string, unknown>) => {
  if (system === 'courier') {
    const producer = otp.createProducer(otp.runtime.producerOptionsFromConfig(otp.parseConfig(config, otp.providers(), {})));
    return {
      send: (n: number, t: number) => producer.send({ channel: 'sms', to: recipientFor('sms', n), type: 'SignIn', payload: { ...benchPayload(n), t } }),
      close: () => producer.close(),
    };
  }
  const queue = openQueue(ctx.redis, 'otp', '{otp}');
  return {
    send: (n: number, t: number) => queue.add('SignIn', { to: recipientFor('sms', n), type: 'SignIn', payload: { ...benchPayload(n), t } } satisfies PlainJob, plainJobOptions),
    close: () => queue.closeAll(),
  };
};

const waitForSink = async (ctx: BenchContext, expected: number, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (ctx.http.received < expected && Date.now() < deadline) await sleep(20);
};

/**
 * Issue #9 scenario 2: a producer in this process at a fixed rate; latency from just before the
 * enqueue call to the sink receiving the request (the stamp travels in the payload).
 */
export const latency: Scenario = {
  name: 'latency',
  async run(ctx) {
    const durationMs = scaled(10_000, ctx.scale, 2000);
    const keys = benchKeys();
    const otp = await loadOtp();
    const rows: Row[] = [];
    for (const rate of RATES) {
      for (const system of ['courier', 'bare'] as const) {
        ctx.log(`latency: ${system} at ${rate}/s for ${durationMs / 1000} s`);
        await ctx.redis.flush();
        const config = courierConfig({ redisUrls: ctx.redis.urls, cluster: false, encryptionKeys: keys, concurrency: CONCURRENCY, smsEndpoint: `${ctx.http.url}/sms` });
        const spec: ChildSpec =
          system === 'courier'
            ? { kind: 'courier', config }
            : { kind: 'fetch', redisUrl: ctx.redis.urls[0] ?? '', queue: 'otp', prefix: '{otp}', concurrency: CONCURRENCY, endpoint: `${ctx.http.url}/sms` };
        const children = await spawnAndStart([spec]);
        const producer = producerFor(ctx, otp, system, config);
        try {
          ctx.http.reset();
          const warm = await openLoop(rate, WARMUP_MS, 0, producer.send);
          await waitForSink(ctx, warm.sent - warm.errors, 30_000);
          ctx.http.reset();
          const before = await ctx.redis.load();
          const load = await openLoop(rate, durationMs, warm.sent, producer.send);
          await waitForSink(ctx, load.sent - load.errors, 60_000);
          const redis = loadDelta(before, await ctx.redis.load());
          rows.push({
            system,
            rate,
            load,
            delivered: ctx.http.unique,
            latency: summarize(ctx.http.latenciesMs),
            enqueue: summarize(load.enqueueMs),
            redisCommandsPerMessage: round(redis.commands / load.sent, 1),
            redisCpuUsPerMessage: Math.round((1e6 * redis.cpuSeconds) / load.sent),
          });
        } finally {
          await producer.close();
          await stopAll(children);
        }
      }
    }
    const p99 = (s: System, rate: number) => rows.find((r) => r.system === s && r.rate === rate)?.latency.p99 ?? Number.NaN;
    const ratio500 = round(p99('courier', 500) / p99('bare', 500));
    return {
      scenario: 'latency',
      title: `Latency: enqueue → accepted by the HTTP sink, open-loop producer for ${durationMs / 1000} s per rate (worker concurrency ${CONCURRENCY})`,
      columns: ['system', 'rate/s', 'achieved/s', 'sent', 'errors', 'delivered', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'enqueue p99 ms', 'redis cmds/msg', 'redis cpu µs/msg'],
      rows: rows.map((r) => [
        r.system === 'courier' ? 'otp-courier' : 'bare BullMQ + fetch',
        r.rate,
        r.load.achievedPerSec,
        r.load.sent,
        r.load.errors,
        r.delivered,
        r.latency.p50,
        r.latency.p95,
        r.latency.p99,
        r.latency.max,
        r.enqueue.p99,
        r.redisCommandsPerMessage,
        r.redisCpuUsPerMessage,
      ]),
      figures: {
        durationMs,
        runs: rows.map((r) => ({ system: r.system, rate: r.rate, achievedPerSec: r.load.achievedPerSec, sent: r.load.sent, errors: r.load.errors, delivered: r.delivered, latencyMs: r.latency, enqueueMs: r.enqueue, redisCommandsPerMessage: r.redisCommandsPerMessage, redisCpuUsPerMessage: r.redisCpuUsPerMessage })),
        p99RatioAt500: ratio500,
        p99RatioAt2000: round(p99('courier', 2000) / p99('bare', 2000)),
      },
      targets: [{ name: 'latency p99 at 500/s', goal: 'otp-courier p99 ≤ 2 × bare BullMQ p99', measured: `${p99('courier', 500)} ms vs ${p99('bare', 500)} ms (×${ratio500})`, met: ratio500 <= 2 }],
      notes: [
        'otp-courier enqueues through createProducer (validation, per-recipient limit in Redis, encryption); bare through Queue.add with the message in plain text',
        `a ${WARMUP_MS / 1000} s warm-up at the same rate precedes each measured window`,
        'redis per message: everything from enqueue (and the per-recipient limit) to completion, over the measured window',
      ],
    };
  },
};
