import { createProducer } from '../../src/producer/index.js';
import { check, codeFor, countBy, newPrefix, PHONE, rand, sleep, timed, waitAll, type ScenarioContext, type ScenarioResult } from '../lib/common.js';
import { startFleet } from '../lib/fleet.js';
import { duplicateCauses, duplicateSends, startSink } from '../lib/sink.js';

/**
 * (a) Three worker processes; messages are sent while workers are SIGKILLed at random intervals
 * and restarted. Every message must be delivered; duplicate sends at the sink are counted.
 */
export const workerKill = (ctx: ScenarioContext): Promise<ScenarioResult> =>
  timed('a-worker-kill', async () => {
    const n = Math.max(50, Math.round(3000 * ctx.scale));
    const sendSeconds = Math.max(4, 30 * ctx.scale);
    const kills = Math.max(2, Math.round(12 * ctx.scale));
    const sink = await startSink({ delayMs: [5, 40] });
    const prefix = newPrefix('kill');
    const fleet = await startFleet({ redisUrl: ctx.redisUrl, prefix, sinkUrl: sink.url, concurrency: 20, lockDurationMs: 2000 });
    const producer = createProducer({ connection: ctx.redisUrl, prefix });
    const failures: string[] = [];
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
        fleet.killRandom();
        await sleep(rand(100, 600));
        await fleet.start({ waitReady: false });
      }
      await sending;
      const outcomes = await waitAll(producer, ids, 60_000 + 10_000 * ctx.scale);
      const byOutcome = countBy(outcomes.values());
      const delivered = byOutcome.delivered ?? 0;
      const distinct = sink.stats.accepted.size;
      const dups = duplicateSends(sink.stats.accepted);
      const rate = dups / n;
      check(failures, delivered === n, `delivered ${delivered}/${n}: ${JSON.stringify(byOutcome)}`);
      check(failures, distinct === n, `sink saw ${distinct}/${n} distinct codes`);
      return {
        failures,
        figures: {
          messages: n,
          workers: 3,
          kills: fleet.kills(),
          delivered,
          distinctAtSink: distinct,
          duplicateSends: dups,
          duplicateRatePct: Math.round(rate * 100_000) / 1000,
          dupAfterUnansweredSend: duplicateCauses(sink.stats).unanswered,
          dupAfterAnsweredSend: duplicateCauses(sink.stats).answered,
          duplicatesPerKill: Math.round((dups / Math.max(1, fleet.kills())) * 100) / 100,
          targetMet: rate < 0.001 ? 'yes' : 'no',
        },
      };
    } finally {
      await fleet.stop();
      await producer.close();
      await sink.close();
    }
  });
