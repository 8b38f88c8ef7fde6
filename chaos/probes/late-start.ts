/**
 * Late-send reproduction: one worker whose Redis link has LAT ms added each way (fault proxy);
 * the sink refuses the first attempts (503) so every message is run again, and the re-run reads
 * the sent marker over the slow link. Messages expire 2.5–7.3 s after enqueue; the sink counts
 * requests accepted after payload.exp (about 1 run in 3 shows one, 19–30 ms late, at the commit of
 * docs/reliability.md's (f) figures). Run: `npm run build && LAT=20 node --import tsx chaos/probes/late-start.ts`
 */
import { createProducer } from '../../src/producer/index.js';
import { findOnPath, startRedisServer } from '../../src/redis/local-server.js';
import { startFaultProxy } from '../lib/fault-proxy.js';
import { startFleet } from '../lib/fleet.js';
import { startSink } from '../lib/sink.js';
import { newPrefix, PHONE, sleep } from '../lib/common.js';
const binary = await findOnPath('redis-server');
if (!binary) throw new Error('needs redis-server on PATH');
const redis = await startRedisServer({ binary });
const sink = await startSink();
const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: redis.port } });
const prefix = newPrefix('late');
const fleet = await startFleet({ redisUrl: `redis://127.0.0.1:${proxy.port}`, prefix, sinkUrl: sink.url, concurrency: 50, attempts: 5, backoff: { delayMs: 100, maxDelayMs: 100 } });
const producer = createProducer({ connection: redis.url, prefix });
try {
  await fleet.start();
  sink.setDown(true);
  const lat = Number(process.env.LAT ?? 20);
  proxy.setMode({ kind: 'latency', minMs: lat, maxMs: lat });
  for (let i = 0; i < 24; i++) {
    const exp = Date.now() + 2500 + i * 200;
    await producer.send({ channel: 'sms', to: PHONE, type: 'SignIn', expiresAt: exp, payload: { code: String(50000000 + i), exp } });
  }
  await sleep(1500);
  sink.setDown(false);
  await sleep(9000);
  const late = sink.stats.late.filter((l) => sink.stats.accepted.has(l.code)).map((l) => l.lateByMs);
  console.log(JSON.stringify({ requests: sink.stats.requests, accepted: sink.stats.accepted.size, acceptedAfterExpiry: sink.stats.acceptedAfterExpiry, lateByMs: late }));
} finally {
  proxy.setMode({ kind: 'pass' });
  await fleet.stop();
  await producer.close();
  await proxy.close();
  await sink.close();
  await redis.stop();
}
