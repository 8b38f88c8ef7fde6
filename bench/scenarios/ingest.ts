import { freePort } from '../../src/redis/local-server.js';
import { autocannon } from '../lib/autocannon.js';
import { spawnAndStart, stopAll } from '../lib/children.js';
import { benchKeys, courierConfig } from '../lib/config.js';
import type { Scenario } from '../lib/context.js';
import { scaled } from '../lib/env.js';
import { startStandalone } from '../lib/redis.js';
import { sleep } from '../lib/stats.js';

const CONNECTIONS = 50;
const DRAIN_WAIT_MS = 30_000;

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
      const load = await autocannon({
        url: `http://127.0.0.1:${port}/v1/email`,
        connections: CONNECTIONS,
        durationSeconds,
        body: JSON.stringify({ to: 'user-[<id>]@example.com', type: 'SignIn', payload: { code: '123456', locale: 'en' } }),
      });
      const deliveredDuringLoad = sink.received;
      const deadline = Date.now() + DRAIN_WAIT_MS;
      while (sink.received < load.ok2xx && Date.now() < deadline) await sleep(100);
      const drainSeconds = Math.round((DRAIN_WAIT_MS - Math.max(0, deadline - Date.now())) / 100) / 10;
      await sleep(500); // requests still in flight when autocannon stopped counting are delivered too
      return {
        scenario: 'ingest',
        title: `Ingest: POST /v1/email, autocannon ${CONNECTIONS} connections for ${durationSeconds} s, Redis AOF everysec, worker draining`,
        columns: ['req/s', '2xx', 'non-2xx', 'errors', 'timeouts', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'delivered during load', 'delivered', 'drain after load s'],
        rows: [[load.requestsPerSec, load.ok2xx, load.non2xx, load.errors, load.timeouts, load.latencyMs.p50, load.latencyMs.p90, load.latencyMs.p99, load.latencyMs.max, deliveredDuringLoad, sink.received, drainSeconds]],
        figures: { connections: CONNECTIONS, durationSeconds, ...load, deliveredDuringLoad, delivered: sink.received, drainAfterLoadSeconds: drainSeconds },
        targets: [],
        notes: [
          'ingest, worker, autocannon and the HTTP sink share the same cores with Redis: req/s is what one host carries with all of them on it',
          'delivered can exceed 2xx by the requests autocannon had in flight when it stopped counting',
        ],
      };
    } finally {
      await stopAll(children);
      await redis.stop();
    }
  },
};
