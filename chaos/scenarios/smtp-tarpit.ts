import { createProducer } from '../../src/producer/index.js';
import { startTarpit } from '../../test/providers/smtp-tarpit.js';
import { check, countBy, newPrefix, sleep, timed, waitAll, type ScenarioContext, type ScenarioResult } from '../lib/common.js';
import { startFleet } from '../lib/fleet.js';
import { startSink } from '../lib/sink.js';

/** A tarpitted message's lifetime, and how long the server holds its reply to the final dot (far longer). */
const SLOW_LIFETIME_MS = 3000;
const STALL_MS = 15_000;
const FAST_LIFETIME_MS = 60_000;
/** Every this-many-th message goes to a tarpitted recipient. */
const SLOW_EVERY = 5;

const emailConfig = (port: number) => ({
  active: 'mail',
  connectors: {
    mail: {
      provider: 'smtp',
      config: {
        host: '127.0.0.1',
        port,
        fromEmail: 'Example <no-reply@example.com>',
        ignoreTLS: true,
        templates: [{ usageType: 'SignIn', contentType: 'text/plain', subject: 'Sign in', content: 'Your code is {{code}}' }],
      },
    },
  },
});

/**
 * (h) A tarpitting SMTP server: one worker with an `smtp` connector against an in-process
 * smtp-server that, for one message in five, reads the whole message and then holds its reply to
 * DATA's final dot far longer than the message's lifetime. No message may be accepted by the
 * server after its expiresAt, and the worker must keep delivering the others.
 */
export const smtpTarpit = (ctx: ScenarioContext): Promise<ScenarioResult> =>
  timed('h-smtp-tarpit', async () => {
    const n = Math.max(100, Math.round(500 * ctx.scale));
    const sendSeconds = Math.max(6, 30 * ctx.scale);
    const tarpit = await startTarpit({ stallAt: 'data', stallMs: STALL_MS, slow: /^slow/ });
    const sink = await startSink();
    const prefix = newPrefix('tarpit');
    const fleet = await startFleet({ redisUrl: ctx.redisUrl, prefix, sinkUrl: sink.url, concurrency: 20, attempts: 8, email: emailConfig(tarpit.port) });
    const producer = createProducer({ connection: ctx.redisUrl, prefix });
    const failures: string[] = [];
    try {
      await fleet.start();
      const expiresAtOf = new Map<string, number>();
      const fast: string[] = [];
      const slow: string[] = [];
      const started = Date.now();
      for (let i = 0; i < n; i++) {
        const due = started + (i / n) * sendSeconds * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
        const isSlow = i % SLOW_EVERY === 0;
        const to = `${isSlow ? 'slow' : 'ok'}-${i}@example.com`;
        const expiresAt = Date.now() + (isSlow ? SLOW_LIFETIME_MS : FAST_LIFETIME_MS);
        expiresAtOf.set(to, expiresAt);
        const { id } = await producer.send({ channel: 'email', to, type: 'SignIn', expiresAt, payload: { code: String(100_000 + i) } });
        (isSlow ? slow : fast).push(id);
      }
      const fastOutcomes = await waitAll(producer, fast, FAST_LIFETIME_MS);
      const slowOutcomes = await waitAll(producer, slow, SLOW_LIFETIME_MS + 15_000);
      // Every stalled reply ends, one way or the other, before the counts: the client hung up
      // (dropped), or it stayed connected until the stall ended and the server accepted (late).
      const settled = () => tarpit.dropped.length + tarpit.accepted.filter((a) => a.to.startsWith('slow')).length >= tarpit.fullyReceived.filter((r) => r.to.startsWith('slow')).length;
      const settleBy = Date.now() + STALL_MS + 2000;
      while (!settled() && Date.now() < settleBy) await sleep(100);
      const byFast = countBy(fastOutcomes.values());
      const bySlow = countBy(slowOutcomes.values());
      const late = tarpit.accepted.filter((a) => a.at > (expiresAtOf.get(a.to) ?? Infinity));
      const slowAccepted = tarpit.accepted.filter((a) => a.to.startsWith('slow')).length;
      // Fast messages delivered after the first tarpitted message was stalled: the worker kept going.
      const firstStall = tarpit.fullyReceived.find((r) => r.to.startsWith('slow'))?.at ?? Infinity;
      const fastAfterStall = tarpit.accepted.filter((a) => a.to.startsWith('ok') && a.at > firstStall).length;
      check(failures, late.length === 0, `${late.length} messages accepted by the server after their expiresAt: ${JSON.stringify(late.slice(0, 5))}`);
      check(failures, (byFast.delivered ?? 0) === fast.length, `fast messages delivered ${byFast.delivered ?? 0}/${fast.length}: ${JSON.stringify(byFast)}`);
      check(failures, (bySlow.pending ?? 0) === 0 && (bySlow.delivered ?? 0) === 0, `tarpitted messages: ${JSON.stringify(bySlow)} (want none delivered, none pending)`);
      check(failures, settled(), 'a stalled reply neither dropped nor accepted by the end');
      check(failures, fastAfterStall > 0, 'no fast message delivered after the first stall');
      return {
        failures,
        figures: {
          messages: n,
          fast: fast.length,
          tarpitted: slow.length,
          fastDelivered: byFast.delivered ?? 0,
          fastAfterFirstStall: fastAfterStall,
          slowExpired: bySlow.expired ?? 0,
          slowDead: bySlow.dead ?? 0,
          slowPending: bySlow.pending ?? 0,
          slowFullyReceived: tarpit.fullyReceived.filter((r) => r.to.startsWith('slow')).length,
          slowDroppedByServer: tarpit.dropped.length,
          // How long after its expiresAt the worker hung up on a stalled reply (the slowest).
          dropAfterExpiryMaxMs: Math.max(0, ...tarpit.dropped.map((d) => d.at - (expiresAtOf.get(d.to) ?? d.at))),
          slowAccepted,
          acceptedAfterExpiry: late.length,
          smtpConnections: tarpit.connections(),
        },
      };
    } finally {
      await fleet.stop();
      await producer.close();
      await sink.close();
      await tarpit.close();
    }
  });
