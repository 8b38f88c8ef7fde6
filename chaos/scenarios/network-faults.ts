import { createProducer, type Outcome, type Producer } from '../../src/producer/index.js';
import { check, codeFor, countBy, deadLetters, newPrefix, PHONE, rand, sleep, timed, waitAll, type ScenarioContext, type ScenarioResult } from '../lib/common.js';
import { startFaultProxy, type FaultProxy } from '../lib/fault-proxy.js';
import { faultSchedule, runSchedule, scheduleMs, whereInSchedule } from '../lib/fault-schedule.js';
import { startFleet, type Fleet, type FleetWorker, type WorkerExit } from '../lib/fleet.js';
import { duplicatesAfterIdDedupe, duplicateSends, startSink, type Sink } from '../lib/sink.js';

const GRACE_SECONDS = 5;
// Signed requests carry the message id as `webhook-id`: what a deduplicating receiver would still act on.
const SIGNING_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

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

type Ids = { normal: string[]; short: string[]; after: string[] };

/** Enqueues with `payload.exp` = expiresAt, which the sink checks. */
const sender = (producer: Producer) => async (list: string[], code: string, lifetimeMs: number) => {
  const exp = Math.round(Date.now() + lifetimeMs);
  list.push((await producer.send({ channel: 'sms', to: PHONE, type: 'SignIn', expiresAt: exp, payload: { code, exp } })).id);
};

/** `n` normal (2 min) and `shortLived` (1.5–4 s) messages, shuffled, spread evenly over `ms`. */
const sendDuringFaults = async (send: ReturnType<typeof sender>, ids: Ids, n: number, shortLived: number, ms: number): Promise<void> => {
  const kinds = [...Array<'normal'>(n).fill('normal'), ...Array<'short'>(shortLived).fill('short')].sort(() => Math.random() - 0.5);
  const started = Date.now();
  for (const [i, kind] of kinds.entries()) {
    const due = started + (i / kinds.length) * ms;
    if (due > Date.now()) await sleep(due - Date.now());
    if (kind === 'short') await send(ids.short, codeFor(8, ids.short.length), rand(1500, 4000));
    else await send(ids.normal, codeFor(9, ids.normal.length), 120_000);
  }
};

/** SIGTERM to one worker with both links passing, then to the other while its Redis link is stalled. */
const terminateUnderStall = async (fleet: Fleet, workers: FleetWorker[], redisLink: FaultProxy): Promise<WorkerExit[]> => {
  const killAfterMs = (GRACE_SECONDS + 5) * 1000 + 3000;
  const exits = [await fleet.terminate(workers[0]!, killAfterMs)];
  redisLink.setMode({ kind: 'stall' });
  try {
    exits.push(await fleet.terminate(workers[1]!, killAfterMs));
  } finally {
    redisLink.setMode({ kind: 'pass' });
  }
  return exits;
};

const list = (counts: Record<string, number>) => Object.entries(counts).map(([k, v]) => `${k}:${v}`).join(' ');

/** Outcomes and dead-letter reasons once the run settled. */
const settle = async (producer: Producer, redisUrl: string, prefix: string, ids: Ids) => {
  const all = [...ids.normal, ...ids.short, ...ids.after];
  const outcomes = await waitAll(producer, all, 90_000);
  await sleep(1000); // a straggling attempt still reaches the sink, and is counted
  const reasons = new Map((await deadLetters(redisUrl, prefix)).map((l) => [l.id, l.reason]));
  const dead = all.filter((id) => outcomes.get(id) === 'dead');
  const of = (l: string[]) => countBy(l.map((id) => outcomes.get(id) as Outcome));
  return { all, byOutcome: countBy(outcomes.values()), normal: of([...ids.normal, ...ids.after]), short: of(ids.short), dead, reasons };
};

const sinkFigures = (sink: Sink) => ({
  lateSends: sink.stats.acceptedAfterExpiry,
  maxLateMs: Math.max(0, ...sink.stats.late.map((l) => l.lateByMs)),
  duplicateSends: duplicateSends(sink.stats.accepted),
  dupAfterWebhookIdDedupe: duplicatesAfterIdDedupe(sink.stats.taken),
  sinkRequests: sink.stats.requests,
});

/**
 * (f) A TCP fault proxy (chaos/lib/fault-proxy.ts) between the workers and Redis, and another
 * between the workers and the provider (the sink). While messages flow, the proxies cycle through
 * latency spikes, stalls and resets mid-reply on each link (chaos/lib/fault-schedule.ts). Some
 * messages live only 1.5–4 s. No request may reach the sink after its message's expiresAt; every
 * message must end delivered, expired or dead-lettered with a reason; every worker must still
 * answer, deliver once the faults stop, and exit on SIGTERM within grace + 5 s, even with its
 * Redis link stalled.
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
      signingSecret: SIGNING_SECRET,
      concurrency: 20,
      attempts: 20,
      backoff: { delayMs: 200, maxDelayMs: 1000 },
      timeoutMs: 3000,
      shutdownGraceSeconds: GRACE_SECONDS,
    });
    // The producer talks to Redis directly: the faults are on the workers' links.
    const producer = createProducer({ connection: ctx.redisUrl, prefix });
    const send = sender(producer);
    const failures: string[] = [];
    try {
      const workers = await Promise.all([fleet.start(), fleet.start()]);
      const health = probeHealth(workers);
      const ids: Ids = { normal: [], short: [], after: [] };
      const sending = sendDuringFaults(send, ids, n, shortLived, faultMs);
      sending.catch(() => {}); // awaited below, after the schedule
      const timeline = await runSchedule(phases, proxies, ctx.log);
      await sending;
      const faultsEndedAt = Date.now();
      const probes = await health.stop();
      // Once the faults stop, every worker must answer and take new work.
      for (let i = 0; i < after; i++) {
        await send(ids.after, codeFor(10, i), 120_000);
        await sleep(2000 / after);
      }
      const s = await settle(producer, ctx.redisUrl, prefix, ids);
      const deadWithoutReason = s.dead.filter((id) => !s.reasons.get(id)).length;
      const takenAfter = workers.map((w) => sink.stats.taken.filter((t) => t.worker === w.tag && t.arrivedAt > faultsEndedAt).length);
      const healthyAfter = await Promise.all(workers.map((w) => answers(`${w.opsUrl}/healthz`)));
      const readyAfter = await Promise.all(workers.map((w) => answers(`${w.opsUrl}/readyz`)));
      const exits = await terminateUnderStall(fleet, workers, proxies.redis);
      const slowExits = exits.filter((e) => e.forced || e.ms > (GRACE_SECONDS + 5) * 1000);
      const late = sink.stats.late.map((l) => `${l.worker} ${l.lateByMs} ms late in ${whereInSchedule(timeline, l.arrivedAt)}`);

      check(failures, sink.stats.acceptedAfterExpiry === 0, `${sink.stats.acceptedAfterExpiry} requests reached the sink after their expiresAt: ${late.join('; ')}`);
      check(failures, (s.byOutcome.pending ?? 0) === 0, `${s.byOutcome.pending ?? 0} messages still pending after the run settled`);
      check(failures, deadWithoutReason === 0, `${deadWithoutReason} dead messages without a dead letter and reason`);
      check(failures, probes.misses === 0, `/healthz missed ${probes.misses} probes (2 s each) during the faults`);
      check(failures, healthyAfter.every(Boolean), `/healthz after the faults: ${healthyAfter.join(',')}`);
      check(failures, readyAfter.every(Boolean), `/readyz after the faults: ${readyAfter.join(',')}`);
      check(failures, takenAfter.every((c) => c > 0), `deliveries per worker after the faults: ${takenAfter.join('+')}`);
      check(failures, slowExits.length === 0, `SIGTERM exits beyond grace + 5 s: ${JSON.stringify(slowExits)}`);
      return {
        failures,
        figures: {
          faultSeconds: Math.round(faultMs / 1000),
          messages: s.all.length,
          shortLived,
          delivered: s.byOutcome.delivered ?? 0,
          expired: s.byOutcome.expired ?? 0,
          dead: s.byOutcome.dead ?? 0,
          pending: s.byOutcome.pending ?? 0,
          normal: list(s.normal),
          short: list(s.short),
          deadReasons: list(countBy(s.dead.map((id) => s.reasons.get(id)))),
          ...sinkFigures(sink),
          resets: `${proxies.redis.stats.resets}+${proxies.sink.stats.resets}`,
          healthzMisses: probes.misses,
          healthzSlowestMs: probes.slowestMs,
          deliveredAfterFaults: takenAfter.join('+'),
          sigtermExitMs: exits.map((e) => `${e.ms}${e.forced ? '(killed)' : ''}`).join('+'),
        },
      };
    } finally {
      for (const p of Object.values(proxies)) p.setMode({ kind: 'pass' });
      await fleet.stop();
      await producer.close();
      await Promise.all([proxies.redis.close(), proxies.sink.close()]);
      await sink.close();
    }
  });
