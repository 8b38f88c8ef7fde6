import { createProducer } from '../../src/producer/index.js';
import { check, codeFor, countBy, newPrefix, PHONE, sleep, timed, waitAll, type ScenarioContext, type ScenarioResult } from '../lib/common.js';
import { startFleet } from '../lib/fleet.js';
import { startSink } from '../lib/sink.js';

/**
 * (c) The provider answers 503 for longer than the first backoff steps (backoff 200 ms doubling,
 * capped at 1 s). Messages with a normal lifetime must all be delivered once it is back; messages
 * whose expiresAt falls inside the outage must never be sent after it.
 */
export const providerOutage = (ctx: ScenarioContext): Promise<ScenarioResult> =>
  timed('c-provider-outage', async () => {
    const n = Math.max(60, Math.round(600 * ctx.scale));
    const shortLived = Math.max(20, Math.round(200 * ctx.scale));
    const outageMs = ctx.scale >= 1 ? 8000 : 3000;
    const sink = await startSink();
    const prefix = newPrefix('down');
    const fleet = await startFleet({ redisUrl: ctx.redisUrl, prefix, sinkUrl: sink.url, concurrency: 50, attempts: 20, backoff: { delayMs: 200, maxDelayMs: 1000 } });
    const producer = createProducer({ connection: ctx.redisUrl, prefix });
    const failures: string[] = [];
    try {
      await Promise.all([fleet.start(), fleet.start()]);
      sink.setDown(true);
      const downAt = Date.now();
      const normal: string[] = [];
      const short: string[] = [];
      const longExp = Date.now() + 120_000;
      // Short-lived messages expire in the middle of the outage.
      const shortExp = downAt + outageMs / 2;
      await Promise.all([
        ...Array.from({ length: n }, async (_, i) =>
          normal.push((await producer.send({ channel: 'sms', to: PHONE, type: 'SignIn', expiresAt: longExp, payload: { code: codeFor(3, i), exp: longExp } })).id),
        ),
        ...Array.from({ length: shortLived }, async (_, i) =>
          short.push((await producer.send({ channel: 'sms', to: PHONE, type: 'SignIn', expiresAt: shortExp, payload: { code: codeFor(4, i), exp: shortExp } })).id),
        ),
      ]);
      await sleep(Math.max(0, downAt + outageMs - Date.now()));
      const requestsDuringOutage = sink.stats.requests;
      sink.setDown(false);
      const upAt = Date.now();
      const outcomes = await waitAll(producer, normal, 60_000);
      const recoverySeconds = Math.round((Date.now() - upAt) / 100) / 10;
      const shortOutcomes = await waitAll(producer, short, 30_000);
      await sleep(1500); // let any straggling attempt reach the sink
      const byOutcome = countBy(outcomes.values());
      const byShort = countBy(shortOutcomes.values());
      check(failures, (byOutcome.delivered ?? 0) === n, `normal messages delivered ${byOutcome.delivered ?? 0}/${n}: ${JSON.stringify(byOutcome)}`);
      check(failures, sink.stats.acceptedAfterExpiry === 0, `${sink.stats.acceptedAfterExpiry} messages accepted after their expiresAt`);
      check(failures, (byShort.delivered ?? 0) === 0, `${byShort.delivered ?? 0} short-lived messages delivered though they expired during the outage`);
      check(failures, (byShort.pending ?? 0) === 0, `${byShort.pending ?? 0} short-lived messages never reached a final outcome`);
      return {
        failures,
        figures: {
          outageMs,
          messages: n,
          shortLived,
          requestsDuringOutage,
          delivered: byOutcome.delivered ?? 0,
          recoverySeconds,
          shortExpired: byShort.expired ?? 0,
          shortDead: byShort.dead ?? 0,
          requestsAfterExpiry: sink.stats.afterExpiry,
          acceptedAfterExpiry: sink.stats.acceptedAfterExpiry,
        },
      };
    } finally {
      await fleet.stop();
      await producer.close();
      await sink.close();
    }
  });
