import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, codeFor, newPrefix, sleep, timed, type ScenarioContext, type ScenarioResult } from '../lib/common.js';
import { startFleet } from '../lib/fleet.js';
import { failoverFigures, postAtRate, running, startIngest, stopIngest, waitUntil, type FailoverMarks, type Ingest } from '../lib/ingest-load.js';
import { startSentinelSet, type SentinelSet } from '../lib/sentinel.js';
import { duplicateSends, startSink } from '../lib/sink.js';

const DURABILITY = { replicas: 1, timeoutMs: 500 };
// How long the killed node stays down after the sentinels promoted the replica (a supervisor's restart).
const SUPERVISOR_DELAY_MS = 2000;

/** SIGKILLs the primary, waits for the promotion, brings the old node back as a replica. */
const failOver = async (set: SentinelSet, log: (l: string) => void): Promise<FailoverMarks & { replicaBackAt: number }> => {
  const oldPrimary = await set.primaryPort();
  const killedAt = Date.now();
  await set.kill(oldPrimary);
  const newPrimary = await set.awaitFailover(oldPrimary, 30_000);
  const promotedAt = Date.now();
  log(`  primary ${oldPrimary} SIGKILLed; sentinels promoted ${newPrimary} after ${promotedAt - killedAt} ms`);
  await sleep(SUPERVISOR_DELAY_MS);
  const replicaStartAt = Date.now();
  await set.restartAsReplica(oldPrimary, newPrimary, 20_000);
  return { killedAt, promotedAt, replicaStartAt, replicaBackAt: Date.now() };
};

/**
 * (e) A real Sentinel set (primary, replica, three sentinels), workers and an ingest connected
 * through it (`redis.sentinel`, `redis.durability: { replicas: 1 }`), messages posted to the ingest
 * at a steady rate. The primary is SIGKILLed a third of the way in; a supervisor brings it back as a
 * replica of the new primary 2 s after the promotion. Every message the ingest acknowledged (200)
 * must reach the sink; the ingest answers 503 meanwhile and recovers by itself; the workers keep
 * delivering, unrestarted.
 */
export const sentinelFailover = (ctx: ScenarioContext): Promise<ScenarioResult> =>
  timed('e-sentinel-failover', async () => {
    if (!ctx.redisBinary) return { skipped: 'no redis-server binary', failures: [], figures: {} as Record<string, number | string> };
    const n = Math.max(120, Math.round(1200 * ctx.scale));
    const sendSeconds = Math.max(8, 30 * ctx.scale);
    const set = await startSentinelSet({ binary: ctx.redisBinary, downAfterMs: 1000, failoverTimeoutMs: 5000 });
    const sink = await startSink({ delayMs: [5, 30] });
    const prefix = newPrefix('sentinel');
    const redis = { sentinel: { name: set.name, nodes: set.sentinelUrls } };
    const fleet = await startFleet({ redis, prefix, sinkUrl: sink.url, concurrency: 20, attempts: 20, backoff: { delayMs: 200, maxDelayMs: 1000 } });
    const dir = await mkdtemp(join(tmpdir(), 'otp-chaos-ingest-'));
    const failures: string[] = [];
    let ingest: Ingest | undefined;
    try {
      const [workers] = await Promise.all([Promise.all([fleet.start(), fleet.start()]), startIngest(dir, { ...redis, prefix, durability: DURABILITY }).then((i) => (ingest = i))]);
      const posting = postAtRate(ingest!.base, n, sendSeconds, (i) => codeFor(7, i));
      await sleep((sendSeconds * 1000) / 3);
      const marks = await failOver(set, ctx.log);
      const posts = await posting;

      const f = failoverFigures(posts, marks);
      await waitUntil(() => f.acked.every((p) => sink.stats.accepted.has(p.code)), 60_000);
      const lost = f.acked.filter((p) => !sink.stats.accepted.has(p.code)).length;
      const refusedCodes = new Set(f.refused.map((p) => p.code));
      const deliveredThoughRefused = [...sink.stats.accepted.keys()].filter((c) => refusedCodes.has(c)).length;
      const afterFailover = workers.map((w) => sink.stats.taken.filter((t) => t.worker === w.tag && t.arrivedAt > marks.promotedAt).length);
      const tail = posts.filter((p) => p.startedAt >= marks.replicaBackAt + 2000);

      check(failures, lost === 0, `${lost} acknowledged messages never reached the sink`);
      check(failures, f.other.length === 0, `${f.other.length} posts got neither 200 nor 503: ${JSON.stringify(f.other.slice(0, 3))}`);
      check(failures, f.refused.length > 0, 'the ingest never answered 503, though the primary was killed');
      check(failures, f.failoverMs !== undefined, 'the ingest did not answer 200 again after the failover');
      check(failures, tail.every((p) => p.status === 200), `${tail.filter((p) => p.status !== 200).length} posts refused 2 s after the replica was back`);
      check(failures, f.ackedWithoutReplica === 0, `${f.ackedWithoutReplica} posts acknowledged while the new primary had no replica (durability replicas: 1 not enforced)`);
      check(failures, running(ingest!.proc), `the ingest exited: ${ingest!.proc.output().slice(-300)}`);
      check(failures, workers.every(running), `${workers.filter((w) => !running(w)).length} workers exited`);
      check(failures, afterFailover.every((c) => c > 0), `not every worker delivered after the failover: ${afterFailover.join('+')}`);
      return {
        failures,
        figures: {
          durability: `replicas=${DURABILITY.replicas}`,
          posted: posts.length,
          acknowledged: f.acked.length,
          refused: f.refused.length,
          otherAnswers: f.other.length,
          delivered: f.acked.length - lost,
          lost,
          deliveredThoughRefused,
          sentinelPromotionMs: marks.promotedAt - marks.killedAt,
          replicaBackMs: marks.replicaBackAt - marks.killedAt,
          failoverMs: f.failoverMs ?? 'n/a',
          refusalsUntilMs: f.refusalsUntilMs ?? 'n/a',
          slowest503Ms: f.slowest503Ms,
          ackedWithoutReplica: f.ackedWithoutReplica,
          deliveredAfterFailover: afterFailover.join('+'),
          duplicateSends: duplicateSends(sink.stats.accepted),
        },
      };
    } finally {
      if (ingest) await stopIngest(ingest);
      await fleet.stop();
      await sink.close();
      await set.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
