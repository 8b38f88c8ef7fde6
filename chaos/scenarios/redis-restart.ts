import { createProducer } from '../../src/producer/index.js';
import { APPENDFSYNC, createDurableRedis } from '../lib/redis.js';
import { check, codeFor, countBy, newPrefix, PHONE, sleep, timed, waitAll, type ScenarioContext, type ScenarioResult } from '../lib/common.js';
import { startFleet } from '../lib/fleet.js';
import { duplicateSends, startSink } from '../lib/sink.js';

/**
 * (b) A Redis of its own with AOF (appendfsync always), SIGKILLed mid-run (then SIGTERMed in a
 * second round) and started again on the same port and directory. Every message whose
 * `producer.send` resolved before a restart must be delivered.
 */
export const redisRestart = (ctx: ScenarioContext): Promise<ScenarioResult> =>
  timed('b-redis-restart', async () => {
    if (!ctx.redisBinary) return { skipped: 'no redis-server binary', failures: [], figures: {} as Record<string, number | string> };
    const n = Math.max(60, Math.round(1500 * ctx.scale));
    const sendSeconds = Math.max(6, 30 * ctx.scale);
    const redis = await createDurableRedis(ctx.redisBinary);
    const sink = await startSink({ delayMs: [5, 30] });
    const prefix = newPrefix('aof');
    const fleet = await startFleet({ redisUrl: redis.url, prefix, sinkUrl: sink.url, concurrency: 20 });
    const producer = createProducer({ connection: redis.url, prefix });
    const failures: string[] = [];
    const acked: { id: string; code: string; at: number }[] = [];
    let refused = 0;
    const restarts: { signal: string; downAt: number; upAt: number }[] = [];
    try {
      await Promise.all([fleet.start(), fleet.start()]);
      const sending = (async () => {
        const started = Date.now();
        await Promise.all(
          Array.from({ length: 4 }, async (_, lane) => {
            for (let i = lane; i < n; i += 4) {
              const due = started + (i / n) * sendSeconds * 1000;
              if (due > Date.now()) await sleep(due - Date.now());
              try {
                const code = codeFor(2, i);
                const r = await producer.send({ channel: 'sms', to: PHONE, type: 'SignIn', payload: { code } });
                acked.push({ id: r.id, code, at: Date.now() });
              } catch {
                refused++; // not acknowledged: the caller knows it failed
              }
            }
          }),
        );
      })();
      for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
        await sleep((sendSeconds * 1000) / 3);
        const downAt = Date.now();
        await redis.kill(signal);
        await sleep(1000);
        await redis.start();
        restarts.push({ signal, downAt, upAt: Date.now() });
      }
      await sending;
      const ids = acked.map((a) => a.id);
      const beforeRestart = acked.filter((a) => restarts.some((r) => a.at < r.downAt)).length;
      const outcomes = await waitAll(producer, ids, 60_000);
      const byOutcome = countBy(outcomes.values());
      const lost = ids.filter((id) => outcomes.get(id) !== 'delivered');
      check(failures, lost.length === 0, `${lost.length} acknowledged messages not delivered: ${JSON.stringify(byOutcome)}`);
      // A send that failed on the client side may still have been stored (SPEC §5: "may or may not"),
      // so the sink may see more codes than were acknowledged; every acknowledged one must be there.
      const missing = acked.filter((a) => !sink.stats.accepted.has(a.code));
      check(failures, missing.length === 0, `sink is missing ${missing.length} acknowledged codes`);
      return {
        failures,
        figures: {
          appendfsync: APPENDFSYNC,
          restarts: restarts.map((r) => r.signal).join('+'),
          attempted: n,
          acknowledged: ids.length,
          ackedBeforeARestart: beforeRestart,
          refusedWhileDown: refused,
          deliveredThoughRefused: sink.stats.accepted.size - ids.length,
          delivered: byOutcome.delivered ?? 0,
          lost: lost.length,
          duplicateSends: duplicateSends(sink.stats.accepted),
        },
      };
    } finally {
      await fleet.stop();
      await producer.close();
      await sink.close();
      await redis.close();
    }
  });
