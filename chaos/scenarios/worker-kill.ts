import { createProducer } from '../../src/producer/index.js';
import { check, codeFor, countBy, newPrefix, PHONE, rand, sleep, timed, waitAll, type ScenarioContext, type ScenarioResult } from '../lib/common.js';
import { duplicateCauses } from '../lib/duplicates.js';
import { startFleet } from '../lib/fleet.js';
import { duplicatesAfterIdDedupe, duplicateSends, startSink, type CommitPoint } from '../lib/sink.js';

type WorkerKind = 'courier' | 'plain';

// The courier signs (Standard Webhooks); the plain worker, like Logto's connectors, does not.
const SIGNING_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

const pct = (x: number, n: number) => Math.round((x / n) * 100_000) / 1000;

/**
 * (a) Three worker processes; messages are sent while workers are SIGKILLed at random intervals
 * and restarted. Every message must be delivered; duplicate sends at the sink are counted and
 * split by cause (see duplicates.ts). It runs twice: against a vendor that commits as soon as it
 * has the request, and against one that commits when it answers (see CommitPoint). `kind: 'plain'`
 * runs the same with a plain BullMQ worker (no sent marker) as the baseline.
 */
export const workerKill = (ctx: ScenarioContext, kind: WorkerKind = 'courier'): Promise<ScenarioResult> =>
  timed(kind === 'courier' ? 'a-worker-kill' : 'a0-plain-bullmq', async () => {
    const failures: string[] = [];
    const figures: Record<string, number | string> = { workerKind: kind };
    for (const [tag, commit] of [['arrival', 'on-arrival'], ['answer', 'on-answer']] as const) {
      ctx.log(`  ${kind} workers, vendor commits ${commit}`);
      const run = await killRun(ctx, kind, commit);
      failures.push(...run.failures.map((f) => `${tag}: ${f}`));
      for (const [k, v] of Object.entries(run.figures)) figures[`${tag}.${k}`] = v;
    }
    return { failures, figures };
  });

const killRun = async (ctx: ScenarioContext, kind: WorkerKind, commit: CommitPoint) => {
  const n = Math.max(50, Math.round(3000 * ctx.scale));
  const sendSeconds = Math.max(4, 30 * ctx.scale);
  const kills = Math.max(2, Math.round(12 * ctx.scale));
  const sink = await startSink({ delayMs: [5, 40], commit });
  const prefix = newPrefix('kill');
  const fleet = await startFleet({ redisUrl: ctx.redisUrl, prefix, sinkUrl: sink.url, concurrency: 20, lockDurationMs: 2000, kind, signingSecret: SIGNING_SECRET });
  const producer = createProducer({ connection: ctx.redisUrl, prefix });
  const failures: string[] = [];
  // Requests the vendor was processing when their worker was killed.
  let inVendorAtKill = 0;
  try {
    await Promise.all([fleet.start(), fleet.start(), fleet.start()]);
    // Sends spread evenly over sendSeconds.
    const ids: string[] = [];
    const sending = (async () => {
      const started = Date.now();
      for (let i = 0; i < n; i++) {
        const due = started + (i / n) * sendSeconds * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
        ids.push((await producer.send({ channel: 'sms', to: PHONE, type: 'SignIn', payload: { code: codeFor(1, i) } })).id);
      }
    })();
    // Kills at random moments while sending, each followed by a restart.
    const spacing = (sendSeconds * 1000) / (kills + 1);
    for (let k = 0; k < kills; k++) {
      await sleep(rand(0.5, 1.5) * spacing);
      while (sink.stats.requests === 0) await sleep(50);
      const victim = fleet.killRandom();
      if (victim) inVendorAtKill += sink.inProcessing(victim);
      await sleep(rand(100, 600));
      await fleet.start({ waitReady: false });
    }
    await sending;
    const outcomes = await waitAll(producer, ids, 60_000 + 10_000 * ctx.scale);
    const byOutcome = countBy(outcomes.values());
    const delivered = byOutcome.delivered ?? 0;
    const distinct = sink.stats.accepted.size;
    const dups = duplicateSends(sink.stats.accepted);
    const causes = duplicateCauses(sink.stats.taken, fleet.killLog());
    check(failures, delivered === n, `delivered ${delivered}/${n}: ${JSON.stringify(byOutcome)}`);
    check(failures, distinct === n, `sink saw ${distinct}/${n} distinct codes`);
    return {
      failures,
      figures: {
        messages: n,
        kills: fleet.killLog().length,
        delivered,
        duplicateSends: dups,
        duplicateRatePct: pct(dups, n),
        duplicatesPerKill: Math.round((dups / Math.max(1, fleet.killLog().length)) * 100) / 100,
        inVendorAtKill,
        abandonedByVendor: sink.stats.abandoned,
        dupVendorWindow: causes.vendorWindow,
        dupAfterAnswer: causes.afterAnswer,
        afterAnswerMaxGapMs: causes.afterAnswerMaxGapMs,
        dupWithoutKill: causes.withoutKill,
        dupAfterWebhookIdDedupe: duplicatesAfterIdDedupe(sink.stats.taken),
      },
    };
  } finally {
    await fleet.stop();
    await producer.close();
    await sink.close();
  }
};
