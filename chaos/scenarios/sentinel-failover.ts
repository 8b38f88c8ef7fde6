import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/redis/local-server.js';
import { spawnCli, writeConfig, type Spawned } from '../../test/helpers/cli.js';
import { check, codeFor, newPrefix, PHONE, sleep, timed, type ScenarioContext, type ScenarioResult } from '../lib/common.js';
import { startFleet } from '../lib/fleet.js';
import { startSentinelSet } from '../lib/sentinel.js';
import { duplicateSends, startSink } from '../lib/sink.js';

/** One POST to the ingest, as its client saw it. */
type Post = { code: string; startedAt: number; endedAt: number; status: number | 'no_answer' | 'error' };

const DURABILITY = { replicas: 1, timeoutMs: 500 };

/** Polls `ok` every 100 ms up to `timeoutMs`; false when the time ran out. */
const waitUntil = async (ok: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
};

const running = (p: Spawned) => p.child.exitCode === null && p.child.signalCode === null;

const answers = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(1000) }).catch(() => undefined))?.status === 200;

/**
 * (e) A real Sentinel set (primary, replica, three sentinels), workers and an ingest connected
 * through it (`redis.sentinel`, `redis.durability: { replicas: 1 }`), messages posted to the ingest
 * at a steady rate. The primary is SIGKILLed mid-run; a supervisor brings it back as a replica of
 * the new primary a little later. Every message the ingest acknowledged (200) must reach the sink;
 * the ingest answers 503 meanwhile and recovers by itself; the workers keep delivering, unrestarted.
 */
export const sentinelFailover = (ctx: ScenarioContext): Promise<ScenarioResult> =>
  timed('e-sentinel-failover', async () => {
    if (!ctx.redisBinary) return { skipped: 'no redis-server binary', failures: [], figures: {} as Record<string, number | string> };
    const n = Math.max(120, Math.round(1200 * ctx.scale));
    const sendSeconds = Math.max(8, 30 * ctx.scale);
    // How long the killed node stays down after the sentinels promoted the replica.
    const supervisorDelayMs = 2000;
    const set = await startSentinelSet({ binary: ctx.redisBinary, downAfterMs: 1000, failoverTimeoutMs: 5000 });
    const sink = await startSink({ delayMs: [5, 30] });
    const prefix = newPrefix('sentinel');
    const redis = { sentinel: { name: set.name, nodes: set.sentinelUrls } };
    const fleet = await startFleet({ redis, prefix, sinkUrl: sink.url, concurrency: 20, attempts: 20, backoff: { delayMs: 200, maxDelayMs: 1000 } });
    const dir = await mkdtemp(join(tmpdir(), 'otp-chaos-ingest-'));
    const failures: string[] = [];
    let ingest: Spawned | undefined;
    try {
      const port = await freePort();
      const config = await writeConfig(join(dir, 'ingest.json'), {
        redis: { ...redis, prefix, durability: DURABILITY },
        ingest: { port, host: '127.0.0.1' },
        limits: { perRecipient: { max: 1_000_000, windowSeconds: 1 } },
        log: { level: 'warn' },
      });
      ingest = spawnCli(['ingest', '--config', config]);
      const base = `http://127.0.0.1:${port}`;
      const [w0, w1] = await Promise.all([fleet.start(), fleet.start()]);
      const up = await waitUntil(answers(`${base}/readyz`), 30_000);
      if (!up) throw new Error(`ingest not ready: ${ingest.output().slice(-500)}`);

      const posts: Post[] = [];
      const post = async (code: string): Promise<void> => {
        const startedAt = Date.now();
        let status: Post['status'];
        try {
          const res = await fetch(`${base}/v1/sms`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ to: PHONE, type: 'SignIn', payload: { code } }),
            signal: AbortSignal.timeout(5000),
          });
          await res.arrayBuffer();
          status = res.status;
        } catch (error) {
          status = (error as Error).name === 'TimeoutError' ? 'no_answer' : 'error';
        }
        posts.push({ code, startedAt, endedAt: Date.now(), status });
      };
      // A steady rate, each post on its own (open loop: a slow answer does not hold the next one back).
      const sending = (async () => {
        const started = Date.now();
        const inFlight: Promise<void>[] = [];
        for (let i = 0; i < n; i++) {
          const due = started + (i / n) * sendSeconds * 1000;
          if (due > Date.now()) await sleep(due - Date.now());
          inFlight.push(post(codeFor(7, i)));
        }
        await Promise.all(inFlight);
      })();
      await sleep((sendSeconds * 1000) / 3);
      const oldPrimary = await set.primaryPort();
      const killedAt = Date.now();
      await set.kill(oldPrimary);
      ctx.log(`  primary ${oldPrimary} SIGKILLed`);
      const newPrimary = await set.awaitFailover(oldPrimary, 30_000);
      const promotedAt = Date.now();
      ctx.log(`  sentinels promoted ${newPrimary} after ${promotedAt - killedAt} ms`);
      await sleep(supervisorDelayMs);
      const replicaStartAt = Date.now();
      await set.restartAsReplica(oldPrimary, newPrimary, 20_000);
      const replicaBackAt = Date.now();
      await sending;

      const acked = posts.filter((p) => p.status === 200);
      const refused = posts.filter((p) => p.status === 503);
      const other = posts.filter((p) => p.status !== 200 && p.status !== 503);
      // Every acknowledged code at the sink, within a bounded wait.
      await waitUntil(() => acked.every((p) => sink.stats.accepted.has(p.code)), 60_000);
      const lost = acked.filter((p) => !sink.stats.accepted.has(p.code));
      const refusedCodes = new Set(refused.map((p) => p.code));
      const deliveredThoughRefused = [...sink.stats.accepted.keys()].filter((c) => refusedCodes.has(c)).length;

      const firstRefusal = [...refused].sort((a, b) => a.endedAt - b.endedAt)[0];
      const firstOkAfter = firstRefusal && acked.filter((p) => p.startedAt >= firstRefusal.endedAt).sort((a, b) => a.endedAt - b.endedAt)[0];
      const lastRefusal = [...refused].sort((a, b) => b.endedAt - a.endedAt)[0];
      // With WAIT 1, nothing started after the promotion can be acknowledged before a replica is back.
      const ackedWithoutReplica = acked.filter((p) => p.startedAt >= promotedAt && p.endedAt < replicaStartAt).length;
      const slowest503 = Math.max(0, ...refused.map((p) => p.endedAt - p.startedAt));
      const workersAlive = [w0, w1].filter((w) => w && running(w)).length;
      const afterFailover = (tag: string | undefined) => sink.stats.taken.filter((t) => t.worker === tag && t.arrivedAt > promotedAt).length;
      const tail = posts.filter((p) => p.startedAt >= replicaBackAt + 2000);

      check(failures, lost.length === 0, `${lost.length} acknowledged messages never reached the sink`);
      check(failures, other.length === 0, `${other.length} posts got neither 200 nor 503: ${JSON.stringify(other.slice(0, 3))}`);
      check(failures, refused.length > 0, 'the ingest never answered 503, though the primary was killed');
      check(failures, firstOkAfter !== undefined, 'the ingest did not answer 200 again after the failover');
      check(failures, tail.every((p) => p.status === 200), `${tail.filter((p) => p.status !== 200).length} posts refused 2 s after the replica was back`);
      check(failures, ackedWithoutReplica === 0, `${ackedWithoutReplica} posts acknowledged while the new primary had no replica (durability replicas: 1 not enforced)`);
      check(failures, running(ingest), `the ingest exited: ${ingest.output().slice(-300)}`);
      check(failures, workersAlive === 2, `${2 - workersAlive} workers exited`);
      check(failures, afterFailover(w0?.tag) > 0 && afterFailover(w1?.tag) > 0, `not every worker delivered after the failover: ${afterFailover(w0?.tag)}, ${afterFailover(w1?.tag)}`);
      return {
        failures,
        figures: {
          durability: `replicas=${DURABILITY.replicas}`,
          posted: posts.length,
          acknowledged: acked.length,
          refused: refused.length,
          otherAnswers: other.length,
          delivered: acked.length - lost.length,
          lost: lost.length,
          deliveredThoughRefused,
          sentinelPromotionMs: promotedAt - killedAt,
          replicaBackMs: replicaBackAt - killedAt,
          failoverMs: firstRefusal && firstOkAfter ? firstOkAfter.endedAt - firstRefusal.endedAt : 'n/a',
          refusalsUntilMs: lastRefusal ? lastRefusal.endedAt - killedAt : 'n/a',
          slowest503Ms: slowest503,
          ackedWithoutReplica,
          deliveredAfterFailover: `${afterFailover(w0?.tag)}+${afterFailover(w1?.tag)}`,
          duplicateSends: duplicateSends(sink.stats.accepted),
        },
      };
    } finally {
      if (ingest && running(ingest)) {
        ingest.child.kill('SIGTERM');
        const timer = setTimeout(() => ingest?.child.kill('SIGKILL'), 10_000);
        await ingest.exited;
        clearTimeout(timer);
      }
      await fleet.stop();
      await sink.close();
      await set.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
