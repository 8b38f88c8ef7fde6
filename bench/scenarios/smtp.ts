import { parseKeyRing } from '../../src/crypto/key-ring.js';
import { BENCH_EMAIL, benchKeys, courierConfig } from '../lib/config.js';
import type { Scenario } from '../lib/context.js';
import { runDrain, type DrainResult } from '../lib/drain.js';
import { scaled } from '../lib/env.js';
import { fillCourier, fillPlain } from '../lib/fill.js';
import type { ChildSpec } from '../lib/protocol.js';
import { withQueue } from '../lib/queues.js';
import { round } from '../lib/stats.js';
import { startSmtpSink } from '../lib/smtp-sink.js';

const CONCURRENCY = 16;
type Variant = 'pooled' | 'per-message';

/**
 * Issue #9 scenario 3: the same email jobs through otp-courier's `smtp` connector (one pooled
 * nodemailer transport) and through a worker sending as Logto's connector-smtp does (a transport
 * per message, so a new SMTP connection, greeting and EHLO each time), same concurrency.
 */
export const smtp: Scenario = {
  name: 'smtp',
  async run(ctx) {
    const jobs = scaled(2000, ctx.scale, 200);
    const keys = benchKeys();
    const ring = parseKeyRing(keys);
    const sink = await startSmtpSink();
    const results: { variant: Variant; drained: DrainResult; received: number; unique: number; connections: number }[] = [];
    try {
      for (const variant of ['pooled', 'per-message'] as const) {
        ctx.log(`smtp: ${variant} × ${jobs} at concurrency ${CONCURRENCY}`);
        sink.reset();
        const spec: ChildSpec =
          variant === 'pooled'
            ? { kind: 'courier', config: courierConfig({ redisUrls: ctx.redis.urls, cluster: false, encryptionKeys: keys, concurrency: CONCURRENCY, smtpPort: sink.port }) }
            : {
              kind: 'smtp-per-message',
              redisUrl: ctx.redis.urls[0] ?? '',
              queue: 'otp',
              prefix: '{otp}',
              concurrency: CONCURRENCY,
              smtp: { host: '127.0.0.1', port: sink.port, fromEmail: 'Example <no-reply@example.com>', ...BENCH_EMAIL },
            };
        const drained = await runDrain({
          total: jobs,
          timeoutMs: 300_000,
          redis: ctx.redis,
          specs: [spec],
          async prepare() {
            await ctx.redis.flush();
            const range = { channel: 'email', from: 0, count: jobs } as const;
            await withQueue(ctx.redis, (queue) => (variant === 'pooled' ? fillCourier(queue, ring, range) : fillPlain(queue, range)));
          },
        });
        results.push({ variant, drained, received: sink.received, unique: sink.unique, connections: sink.connections });
      }
    } finally {
      await sink.close();
    }
    const rate = (v: Variant) => results.find((r) => r.variant === v)?.drained.jobsPerSec ?? Number.NaN;
    const ratio = round(rate('pooled') / rate('per-message'));
    return {
      scenario: 'smtp',
      title: `SMTP: ${jobs} messages to a local smtp-server at concurrency ${CONCURRENCY}`,
      columns: ['sender', 'jobs', 'messages/s', 'failed', 'received', 'unique', 'SMTP connections', 'worker cpu µs/job'],
      rows: results.map((r) => [
        r.variant === 'pooled' ? 'otp-courier smtp (pooled)' : 'transport per message (Logto)',
        jobs,
        r.drained.jobsPerSec,
        r.drained.failed,
        r.received,
        r.unique,
        r.connections,
        r.drained.workerCpuUsPerJob,
      ]),
      figures: {
        jobs,
        concurrency: CONCURRENCY,
        runs: results.map((r) => ({ variant: r.variant, jobsPerSec: r.drained.jobsPerSec, failed: r.drained.failed, received: r.received, unique: r.unique, connections: r.connections, workerCpuUsPerJob: r.drained.workerCpuUsPerJob })),
        ratio,
      },
      targets: [{ name: 'smtp pooled vs per-message', goal: '≥ 1.3×', measured: `${ratio}×`, met: ratio >= 1.3 }],
      notes: ['smtp-server holds every new connection 100 ms before its greeting (not configurable); a real server over TLS has a handshake of the same order, so per-message connections pay it every time'],
    };
  },
};
