import { freePort } from '../../src/redis/local-server.js';
import { autocannon } from '../lib/autocannon.js';
import { spawnAndStart, stopAll } from '../lib/children.js';
import { benchKeys, courierConfig } from '../lib/config.js';
import type { Scenario } from '../lib/context.js';
import { scaled } from '../lib/env.js';
import { startStandalone } from '../lib/redis.js';
import { openLoop } from '../lib/open-loop.js';
import { sleep, summarize, type LatencySummary } from '../lib/stats.js';
import { Pool } from 'undici';

const CONNECTIONS = 50;
/** Issue #14: the ingest's p99 at a steady 200 requests/s on this machine's loopback, ≤ 5 ms. */
const STEADY_RATE = 200;
const STEADY_CONNECTIONS = 10;
const STEADY_P99_MS = 5;
const DRAIN_WAIT_MS = 30_000;

/**
 * A paced open-loop client: one request every 1000/STEADY_RATE ms over a keep-alive pool, each
 * timed on its own. (autocannon's `-R` sends each second's budget as fast as it can and then
 * waits, so its latencies are those of a burst, not of a steady rate.)
 */
const steadyLoad = async (origin: string, body: (n: number) => string, durationSeconds: number): Promise<{ achievedPerSec: number; ok2xx: number; errors: number; latencyMs: LatencySummary }> => {
  const pool = new Pool(origin, { connections: STEADY_CONNECTIONS });
  try {
    const send = async (n: number) => {
      const res = await pool.request({ method: 'POST', path: '/v1/email', headers: { 'content-type': 'application/json' }, body: body(n) });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
    };
    const result = await openLoop(STEADY_RATE, durationSeconds * 1000, 0, send);
    return { achievedPerSec: result.achievedPerSec, ok2xx: result.enqueueMs.length, errors: result.errors, latencyMs: summarize(result.enqueueMs) };
  } finally {
    await pool.close();
  }
};

/**
 * Issue #9 scenario 4: `POST /v1/email` under autocannon against otp-courier's ingest process,
 * a worker process draining the queue meanwhile (http-email to the HTTP sink), on a Redis with
 * AOF (appendfsync everysec). Every request has its own recipient (`[<id>]`), so the
 * per-recipient limit is checked but never refuses.
 */
export const ingest: Scenario = {
  name: 'ingest',
  async run(ctx) {
    const durationSeconds = scaled(10, ctx.scale, 3);
    const redis = await startStandalone(ctx.bins, true);
    const port = await freePort();
    const sink = ctx.http;
    sink.reset();
    const config = courierConfig({ redisUrls: redis.urls, cluster: false, encryptionKeys: benchKeys(), concurrency: 64, emailEndpoint: `${sink.url}/email`, ingestPort: port });
    ctx.log(`ingest: autocannon -c ${CONNECTIONS} -d ${durationSeconds} against POST /v1/email (AOF everysec), worker draining`);
    const children = await spawnAndStart([{ kind: 'ingest', config }, { kind: 'courier', config }]);
    try {
      const body = JSON.stringify({ to: 'user-[<id>]@example.com', type: 'SignIn', payload: { code: '123456', locale: 'en' } });
      ctx.log(`ingest: a paced ${STEADY_RATE} req/s over ${STEADY_CONNECTIONS} keep-alive connections for ${durationSeconds} s`);
      const steadyBody = (n: number) => JSON.stringify({ to: `steady-${n}@example.com`, type: 'SignIn', payload: { code: '123456', locale: 'en' } });
      const steady = await steadyLoad(`http://127.0.0.1:${port}`, steadyBody, durationSeconds);
      const steadyDeadline = Date.now() + DRAIN_WAIT_MS;
      while (sink.received < steady.ok2xx && Date.now() < steadyDeadline) await sleep(100);
      await sleep(500);
      sink.reset();
      const load = await autocannon({
        url: `http://127.0.0.1:${port}/v1/email`,
        connections: CONNECTIONS,
        durationSeconds,
        body,
      });
      const deliveredDuringLoad = sink.received;
      const deadline = Date.now() + DRAIN_WAIT_MS;
      while (sink.received < load.ok2xx && Date.now() < deadline) await sleep(100);
      const drainSeconds = Math.round((DRAIN_WAIT_MS - Math.max(0, deadline - Date.now())) / 100) / 10;
      await sleep(500); // requests still in flight when autocannon stopped counting are delivered too
      return {
        scenario: 'ingest',
        title: `Ingest: POST /v1/email, ${STEADY_RATE} req/s then as fast as it answers (${CONNECTIONS} connections), ${durationSeconds} s each, Redis AOF everysec, worker draining`,
        columns: ['load', 'req/s', '2xx', 'non-2xx', 'errors', 'timeouts', 'p50 ms', 'p90/p95 ms', 'p99 ms', 'max ms', 'delivered during load', 'delivered', 'drain after load s'],
        rows: [
          [`paced ${STEADY_RATE}/s`, steady.achievedPerSec, steady.ok2xx, undefined, steady.errors, undefined, steady.latencyMs.p50, steady.latencyMs.p95, steady.latencyMs.p99, steady.latencyMs.max, undefined, undefined, undefined],
          [`max, ${CONNECTIONS} conns`, load.requestsPerSec, load.ok2xx, load.non2xx, load.errors, load.timeouts, load.latencyMs.p50, load.latencyMs.p90, load.latencyMs.p99, load.latencyMs.max, deliveredDuringLoad, sink.received, drainSeconds],
        ],
        figures: { connections: CONNECTIONS, durationSeconds, ...load, steady: { rate: STEADY_RATE, connections: STEADY_CONNECTIONS, ...steady }, deliveredDuringLoad, delivered: sink.received, drainAfterLoadSeconds: drainSeconds },
        targets: [{ name: `ingest p99 at ${STEADY_RATE} requests/s`, goal: `≤ ${STEADY_P99_MS} ms`, measured: `${steady.latencyMs.p99} ms`, met: steady.latencyMs.p99 <= STEADY_P99_MS }],
        notes: [
          'ingest, worker, autocannon and the HTTP sink share the same cores with Redis: req/s is what one host carries with all of them on it',
          'delivered can exceed 2xx by the requests autocannon had in flight when it stopped counting',
          `the paced run is an open-loop client in the harness (one request every ${1000 / STEADY_RATE} ms, ${STEADY_CONNECTIONS} keep-alive connections); its p90/p95 column is p95; the max-rate run is autocannon (p90)`,
        ],
      };
    } finally {
      await stopAll(children);
      await redis.stop();
    }
  },
};
