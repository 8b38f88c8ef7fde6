import { createProducer } from '../../src/producer/index.js';
import { check, codeFor, countBy, deadLetters, newPrefix, PHONE, rand, sleep, timed, waitAll, type ScenarioContext, type ScenarioResult } from '../lib/common.js';
import { startFaultProxy } from '../lib/fault-proxy.js';
import { faultSchedule, runSchedule, scheduleMs } from '../lib/fault-schedule.js';
import { startFleet, type FleetWorker } from '../lib/fleet.js';
import { duplicateSends, startSink } from '../lib/sink.js';

const GRACE_SECONDS = 5;

/** Answers within 2 s with `status`, or not at all. */
const answers = async (url: string, status = 200) => (await fetch(url, { signal: AbortSignal.timeout(2000) }).catch(() => undefined))?.status === status;

/** Probes every worker's /healthz every 500 ms while the faults run: the slowest answer and the misses. */
const probeHealth = (workers: FleetWorker[]) => {
  let stopped = false;
  let misses = 0;
  let slowestMs = 0;
  const done = Promise.all(
    workers.map(async (w) => {
      while (!stopped) {
        const t = Date.now();
        if (!(await answers(`${w.opsUrl}/healthz`))) misses++;
        slowestMs = Math.max(slowestMs, Date.now() - t);
        await sleep(500);
      }
    }),
  );
  return {
    async stop() {
      stopped = true;
      await done;
      return { misses, slowestMs };
    },
  };
};

/**
 * (f) A TCP fault proxy (chaos/lib/fault-proxy.ts) between the workers and Redis, and another
 * between the workers and the provider (the sink). While messages flow, the proxies cycle through
 * latency spikes, stalls and resets mid-reply on each link (chaos/lib/fault-schedule.ts). Some
 * messages live only 1.5–4 s. No request may reach the sink after its message's expiresAt; every
 * message must end delivered, expired or dead-lettered with a reason; every worker must still
 * answer, deliver once the faults stop, and exit on SIGTERM within grace + 5 s.
 */
export const networkFaults = (ctx: ScenarioContext): Promise<ScenarioResult> =>
  timed('f-network-faults', async () => {
    const phases = faultSchedule(ctx.scale);
    const faultMs = scheduleMs(phases);
    const n = Math.max(150, Math.round(1500 * ctx.scale));
    const shortLived = Math.max(40, Math.round(400 * ctx.scale));
    const after = Math.max(40, Math.round(200 * ctx.scale));
    const target = new URL(ctx.redisUrl);
    const sink = await startSink({ delayMs: [5, 30] });
    const proxies = {
      redis: await startFaultProxy({ target: { host: target.hostname, port: Number(target.port || 6379) } }),
      sink: await startFaultProxy({ target: { host: '127.0.0.1', port: Number(new URL(sink.url).port) } }),
    };
    const viaProxy = new URL(ctx.redisUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxies.redis.port);
    const prefix = newPrefix('net');
    const fleet = await startFleet({
      redisUrl: viaProxy.toString(),
      prefix,
      sinkUrl: `http://127.0.0.1:${proxies.sink.port}/sms`,
      concurrency: 20,
      attempts: 20,
      backoff: { delayMs: 200, maxDelayMs: 1000 },
      timeoutMs: 3000,
      shutdownGraceSeconds: GRACE_SECONDS,
    });
    // The producer talks to Redis directly: the faults are on the workers' links.
    const producer = createProducer({ connection: ctx.redisUrl, prefix });
    const failures: string[] = [];
    let faultsOver = false;
    try {
      const workers = await Promise.all([fleet.start(), fleet.start()]);
      const health = probeHealth(workers);
      const ids = { normal: [] as string[], short: [] as string[], after: [] as string[] };
      const send = async (list: string[], code: string, lifetimeMs: number) => {
        const exp = Math.round(Date.now() + lifetimeMs);
        list.push((await producer.send({ channel: 'sms', to: PHONE, type: 'SignIn', expiresAt: exp, payload: { code, exp } })).id);
      };
      // Messages spread evenly over the fault cycle, normal and short-lived interleaved.
      const kinds = [...Array<'normal'>(n).fill('normal'), ...Array<'short'>(shortLived).fill('short')].sort(() => Math.random() - 0.5);
      const sending = (async () => {
        const started = Date.now();
        for (const [i, kind] of kinds.entries()) {
          const due = started + (i / kinds.length) * faultMs;
          if (due > Date.now()) await sleep(due - Date.now());
          if (kind === 'short') await send(ids.short, codeFor(8, ids.short.length), rand(1500, 4000));
          else await send(ids.normal, codeFor(9, ids.normal.length), 120_000);
        }
      })();
      sending.catch(() => {}); // awaited below, after the schedule
      const timeline = await runSchedule(phases, proxies, ctx.log);
      await sending;
      faultsOver = true;
      const faultsEndedAt = Date.now();
      const probes = await health.stop();

      // Once the faults stop, every worker must answer and take new work.
      for (let i = 0; i < after; i++) {
        await send(ids.after, codeFor(10, i), 120_000);
        await sleep(2000 / after);
      }
      const all = [...ids.normal, ...ids.short, ...ids.after];
      const outcomes = await waitAll(producer, all, 90_000);
      await sleep(1000); // a straggling attempt still reaches the sink, and is counted
      const byOutcome = countBy(outcomes.values());
      const letters = await deadLetters(ctx.redisUrl, prefix);
      const reasons = new Map(letters.map((l) => [l.id, l.reason]));
      const dead = all.filter((id) => outcomes.get(id) === 'dead');
      const deadWithoutReason = dead.filter((id) => !reasons.get(id)).length;
      const normalOutcomes = countBy([...ids.normal, ...ids.after].map((id) => outcomes.get(id)));
      const shortOutcomes = countBy(ids.short.map((id) => outcomes.get(id)));
      const takenAfter = workers.map((w) => sink.stats.taken.filter((t) => t.worker === w.tag && t.arrivedAt > faultsEndedAt).length);
      const healthyAfter = await Promise.all(workers.map((w) => answers(`${w.opsUrl}/healthz`)));
      const readyAfter = await Promise.all(workers.map((w) => answers(`${w.opsUrl}/readyz`)));

      // SIGTERM: one worker with both links passing, the other while its Redis link is stalled.
      const killAfterMs = (GRACE_SECONDS + 5) * 1000 + 3000;
      const exits = [await fleet.terminate(workers[0]!, killAfterMs)];
      proxies.redis.setMode({ kind: 'stall' });
      exits.push(await fleet.terminate(workers[1]!, killAfterMs));
      proxies.redis.setMode({ kind: 'pass' });
      const slowExits = exits.filter((e) => e.forced || e.ms > (GRACE_SECONDS + 5) * 1000);

      // Where a late arrival fell: the phase, and the last fault before it.
      const phaseAt = (at: number) => {
        const before = timeline.filter((x) => x.at <= at);
        const p = before.at(-1);
        const fault = before.filter((x) => x.mode.kind !== 'pass').at(-1);
        return p ? `${p.link}:${p.mode.kind} +${at - p.at} ms${fault && fault !== p ? `, after ${fault.link}:${fault.mode.kind}` : ''}` : 'before the faults';
      };
      const lateDetail = sink.stats.late.map((l) => `${l.worker} ${l.lateByMs} ms late in ${phaseAt(l.arrivedAt)}`);
      check(failures, sink.stats.acceptedAfterExpiry === 0, `${sink.stats.acceptedAfterExpiry} requests reached the sink after their expiresAt: ${lateDetail.join('; ')}`);
      check(failures, (byOutcome.pending ?? 0) === 0, `${byOutcome.pending ?? 0} messages still pending after the run settled`);
      check(failures, deadWithoutReason === 0, `${deadWithoutReason} dead messages without a dead letter and reason`);
      check(failures, healthyAfter.every(Boolean), `/healthz after the faults: ${healthyAfter.join(',')}`);
      check(failures, readyAfter.every(Boolean), `/readyz after the faults: ${readyAfter.join(',')}`);
      check(failures, takenAfter.every((c) => c > 0), `deliveries per worker after the faults: ${takenAfter.join('+')}`);
      check(failures, slowExits.length === 0, `SIGTERM exits beyond grace + 5 s: ${JSON.stringify(slowExits)}`);
      return {
        failures,
        figures: {
          faultSeconds: Math.round(faultMs / 1000),
          messages: all.length,
          shortLived,
          delivered: byOutcome.delivered ?? 0,
          expired: byOutcome.expired ?? 0,
          dead: byOutcome.dead ?? 0,
          pending: byOutcome.pending ?? 0,
          normal: Object.entries(normalOutcomes).map(([k, v]) => `${k}:${v}`).join(' '),
          short: Object.entries(shortOutcomes).map(([k, v]) => `${k}:${v}`).join(' '),
          deadReasons: Object.entries(countBy(dead.map((id) => reasons.get(id)))).map(([k, v]) => `${k}:${v}`).join(' '),
          lateSends: sink.stats.acceptedAfterExpiry,
          maxLateMs: Math.max(0, ...sink.stats.late.map((l) => l.lateByMs)),
          duplicateSends: duplicateSends(sink.stats.accepted),
          sinkRequests: sink.stats.requests,
          resets: `${proxies.redis.stats.resets}+${proxies.sink.stats.resets}`,
          healthzMisses: probes.misses,
          healthzSlowestMs: probes.slowestMs,
          deliveredAfterFaults: takenAfter.join('+'),
          sigtermExitMs: exits.map((e) => `${e.ms}${e.forced ? '(killed)' : ''}`).join('+'),
        },
      };
    } finally {
      if (!faultsOver) for (const p of Object.values(proxies)) p.setMode({ kind: 'pass' });
      await fleet.stop();
      await producer.close();
      await Promise.all([proxies.redis.close(), proxies.sink.close()]);
      await sink.close();
    }
  });
