import { Redis } from 'ioredis';
import { createProducer } from '../../src/producer/index.js';
import { connectorKey } from '../../src/worker/connectors.js';
import { check, codeFor, countBy, newPrefix, PHONE, sleep, timed, waitAll, type ScenarioContext, type ScenarioResult } from '../lib/common.js';
import { startFleet, type Fleet, type WorkerExit } from '../lib/fleet.js';
import { duplicatesAfterIdDedupe, duplicateSends, startSink, type Sink } from '../lib/sink.js';

const SIGNING_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const GRACE_SECONDS = 0.5;
/** The vendor's processing time: every send is in flight longer than the grace period. */
const SINK_DELAY_MS: [number, number] = [1000, 2000];
const LIFETIME_MS = 30_000;
/** A SIGTERMed worker must be gone within grace + this. */
const EXIT_SLACK_MS = 3000;

/** What the breaker poller saw: whether the open key ever existed, the most failures it counted. */
type BreakerWatch = { opened: number; maxWindowTotal: number; maxWindowFailed: number; maxConsecutive: number; polls: number };

/** Polls the connector's breaker keys in Redis every 100 ms until `stop()`. */
const watchBreaker = (redisUrl: string, prefix: string) => {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const c = { channel: 'sms' as const, name: 'sink' };
  const seen: BreakerWatch = { opened: 0, maxWindowTotal: 0, maxWindowFailed: 0, maxConsecutive: 0, polls: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const [open, window, consecutive] = await Promise.all([
        redis.exists(connectorKey(prefix, c, 'open')),
        redis.hgetall(connectorKey(prefix, c, 'window')),
        redis.get(connectorKey(prefix, c, 'consecutive')),
      ]);
      seen.polls++;
      if (open) seen.opened++;
      seen.maxWindowTotal = Math.max(seen.maxWindowTotal, Number(window.total ?? 0));
      seen.maxWindowFailed = Math.max(seen.maxWindowFailed, Number(window.failed ?? 0));
      seen.maxConsecutive = Math.max(seen.maxConsecutive, Number(consecutive ?? 0));
      await sleep(100);
    }
  })();
  return {
    seen,
    stop: async () => {
      running = false;
      await loop;
      redis.disconnect();
    },
  };
};

/** At least this many SIGTERMs, the last ones after the sending if a slow host needs them. */
const MIN_ROLLS = 3;

/**
 * SIGTERMs the oldest worker, restarts one once it exited, until `done()` and `MIN_ROLLS` rolls
 * (on a slow host a worker's start-up takes seconds); each exit and what the vendor held.
 */
const roll = async (fleet: Fleet, sink: Sink, done: () => boolean) => {
  const exits: WorkerExit[] = [];
  let inVendorAtTerm = 0;
  while (!done() || exits.length < MIN_ROLLS) {
    const victim = fleet.workers()[0];
    if (!victim) break;
    inVendorAtTerm += sink.inProcessing(victim.tag);
    exits.push(await fleet.terminate(victim, 10_000));
    await fleet.start();
    await sleep(300);
  }
  return { exits, inVendorAtTerm };
};

/**
 * (g) A rolling deploy with forced shutdowns: 3 workers with a 0.5 s grace period, a vendor that
 * takes 1–2 s per send, a steady load, and the workers SIGTERMed one after another (each restarted
 * once it exited), so every SIGTERM cuts sends off after the grace. Those sends are not the
 * connector's fault: its circuit must never open (its Redis keys are polled throughout).
 */
export const rollingDeploy = (ctx: ScenarioContext): Promise<ScenarioResult> =>
  timed('g-rolling-deploy', async () => {
    const n = Math.max(120, Math.round(1200 * ctx.scale));
    const sendSeconds = Math.max(8, 40 * ctx.scale);
    const sink = await startSink({ delayMs: SINK_DELAY_MS, commit: 'on-arrival' });
    const prefix = newPrefix('roll');
    const fleet = await startFleet({
      redisUrl: ctx.redisUrl, prefix, sinkUrl: sink.url, concurrency: 20, attempts: 8,
      shutdownGraceSeconds: GRACE_SECONDS, timeoutMs: 5000, signingSecret: SIGNING_SECRET,
    });
    const producer = createProducer({ connection: ctx.redisUrl, prefix });
    const breaker = watchBreaker(ctx.redisUrl, prefix);
    const failures: string[] = [];
    let finalExits: WorkerExit[] = [];
    try {
      await Promise.all([fleet.start(), fleet.start(), fleet.start()]);
      const ids: string[] = [];
      let sent = false;
      const sending = (async () => {
        const started = Date.now();
        for (let i = 0; i < n; i++) {
          const due = started + (i / n) * sendSeconds * 1000;
          if (due > Date.now()) await sleep(due - Date.now());
          const expiresAt = Date.now() + LIFETIME_MS;
          ids.push((await producer.send({ channel: 'sms', to: PHONE, type: 'SignIn', expiresAt, payload: { code: codeFor(7, i), exp: expiresAt } })).id);
        }
      })().finally(() => void (sent = true));
      while (sink.stats.requests === 0) await sleep(50);
      const rolled = await roll(fleet, sink, () => sent);
      await sending;
      const outcomes = await waitAll(producer, ids, LIFETIME_MS + 30_000);
      await sleep(500); // a straggling request would reach the sink now
      await breaker.stop();
      finalExits = await fleet.stop();
      const by = countBy(outcomes.values());
      const delivered = by.delivered ?? 0;
      const expired = by.expired ?? 0;
      const limit = GRACE_SECONDS * 1000 + EXIT_SLACK_MS;
      const exits = [...rolled.exits, ...finalExits];
      const slow = exits.filter((e) => e.forced || e.ms > limit);
      const unsigned = sink.stats.taken.filter((t) => t.webhookId === undefined).length;
      check(failures, breaker.seen.opened === 0, `the connector's circuit was open in ${breaker.seen.opened} of ${breaker.seen.polls} polls`);
      // The poller reads the keys the workers write: it saw their successes counted.
      check(failures, breaker.seen.maxWindowTotal > 0, 'the breaker poller never saw the connector\'s window counters (wrong key?)');
      check(failures, delivered + expired === n, `${n - delivered - expired} of ${n} neither delivered nor expired: ${JSON.stringify(by)}`);
      check(failures, sink.stats.accepted.size === delivered, `sink saw ${sink.stats.accepted.size} distinct codes, ${delivered} delivered`);
      check(failures, sink.stats.afterExpiry === 0, `${sink.stats.afterExpiry} requests reached the sink after their exp`);
      check(failures, slow.length === 0, `${slow.length} workers exited later than ${limit} ms after SIGTERM: ${JSON.stringify(slow)}`);
      check(failures, rolled.exits.length >= MIN_ROLLS, `only ${rolled.exits.length} SIGTERMs`);
      check(failures, unsigned === 0, `${unsigned} sends without webhook-id`);
      const dups = duplicateSends(sink.stats.accepted);
      return {
        failures,
        figures: {
          messages: n,
          sigterms: rolled.exits.length,
          inVendorAtSigterm: rolled.inVendorAtTerm,
          delivered,
          expired,
          dead: by.dead ?? 0,
          pending: by.pending ?? 0,
          circuitOpenPolls: breaker.seen.opened,
          breakerPolls: breaker.seen.polls,
          maxWindowSends: breaker.seen.maxWindowTotal,
          maxWindowFailures: breaker.seen.maxWindowFailed,
          maxConsecutiveFailures: breaker.seen.maxConsecutive,
          requestsAfterExpiry: sink.stats.afterExpiry,
          duplicateSends: dups,
          dupAfterWebhookIdDedupe: duplicatesAfterIdDedupe(sink.stats.taken),
          exitMaxMs: Math.max(0, ...rolled.exits.map((e) => e.ms)),
          exitMedianMs: median(rolled.exits.map((e) => e.ms)),
        },
      };
    } finally {
      await breaker.stop();
      if (finalExits.length === 0) await fleet.stop();
      await producer.close();
      await sink.close();
    }
  });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
