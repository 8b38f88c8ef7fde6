import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createProducer, isRateLimitedError, type Producer, type ProducerLimits } from '../../src/producer/index.js';
import { check, newPrefix, timed, type ScenarioContext, type ScenarioResult } from '../lib/common.js';
import { emptyCounts, pumpingFigures, pumpingLimits, pumpingTraffic, type PumpingCounts, type PumpingEvent } from '../lib/pumping.js';

const CONCURRENCY = 32;
/** One window holds the whole run: it stands for an hour of traffic. */
const WINDOW_SECONDS = 120;

type Run = PumpingCounts & { enqueued: number; blocks: number; conversions: number; limited: string };

const sumOf = async (registry: Registry, name: string, by?: string): Promise<{ total: number; by: Record<string, number> }> => {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  const split: Record<string, number> = {};
  for (const v of values) if (by) split[String(v.labels[by])] = (split[String(v.labels[by])] ?? 0) + v.value;
  return { total: values.reduce((a, v) => a + v.value, 0), by: split };
};

/** Sends one event's codes (two for a resend); the id of the last one enqueued, if any. */
const sendCodes = async (producer: Producer, event: PumpingEvent, counts: PumpingCounts): Promise<string | undefined> => {
  let last: string | undefined;
  for (let n = event.resend ? 2 : 1; n > 0; n -= 1) {
    try {
      last = (await producer.send({ channel: 'sms', to: event.to, type: event.kind === 'normal' ? 'SignIn' : 'Register', payload: { code: '482913' }, ip: event.ip })).id;
      counts[event.kind].sent += 1;
    } catch (error) {
      if (!isRateLimitedError(error)) counts.errors += 1;
      else counts[event.kind].refused += 1;
    }
  }
  return last;
};

/**
 * Plays the events with CONCURRENCY senders against a fresh queue. A used code is reported once
 * `lag` more events have started (by id or by recipient, as an auth service would).
 */
const play = async (producer: Producer, events: readonly PumpingEvent[]): Promise<PumpingCounts> => {
  const counts = emptyCounts();
  const due = new Map<number, (() => Promise<unknown>)[]>();
  const report = (at: number, task: () => Promise<unknown>) => due.set(at, [...(due.get(at) ?? []), task]);
  const drain = async (upTo: number) => {
    for (const at of [...due.keys()].filter((k) => k <= upTo)) {
      const tasks = due.get(at) ?? [];
      due.delete(at);
      for (const task of tasks) await task().catch(() => (counts.errors += 1));
    }
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < events.length; i = next++) {
        await drain(i);
        const event = events[i]!;
        const id = await sendCodes(producer, event, counts);
        const { converts } = event;
        if (id && converts) report(i + converts.lag, () => producer.verified(converts.byId ? { id } : { channel: 'sms', to: event.to }));
      }
    }),
  );
  await drain(Number.POSITIVE_INFINITY);
  return counts;
};

/** One run on its own prefix: what it enqueued, refused and counted; its keys are removed after. */
const runOnce = async (ctx: ScenarioContext, events: readonly PumpingEvent[], limits: ProducerLimits | undefined): Promise<Run> => {
  const prefix = newPrefix('pump');
  const registry = new Registry();
  const producer = createProducer({ connection: ctx.redisUrl, prefix, registry, ...(limits && { limits }) });
  const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('otp', { connection: redis, prefix });
  try {
    const counts = await play(producer, events);
    const enqueued = (await queue.getJobCounts('waiting')).waiting ?? 0;
    const limited = await sumOf(registry, 'otp_limited_total', 'limit');
    return {
      ...counts,
      enqueued,
      blocks: (await sumOf(registry, 'otp_prefix_blocks_total')).total,
      conversions: (await sumOf(registry, 'otp_conversions_total')).total,
      limited: Object.entries(limited.by).map(([k, v]) => `${k}:${v}`).join(' ') || 'none',
    };
  } finally {
    await producer.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    for (let cursor = '0'; ; ) {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      if ((cursor = nextCursor) === '0') break;
    }
    redis.disconnect();
  }
};

/**
 * (i) SMS pumping: bots request thousands of codes to three premium prefixes (many numbers, many
 * IPs, never used), and as many again spread over 400 prefixes of one country (each under
 * `minSends`), mixed with users over hundreds of prefixes who use 80 % of their codes. Played
 * once without limits (what an unprotected sender sends), once with the recommended config
 * (perPrefix, perCountry, minConversion) and once with it but minConversion (what that adds).
 * Producers only: what is enqueued is what would be sent. Targets: attack SMS below 5 % of the unprotected run's, normal traffic refused below 0.5 %.
 */
export const smsPumping = (ctx: ScenarioContext): Promise<ScenarioResult> =>
  timed('i-sms-pumping', async () => {
    const size = Math.max(3000, Math.round(6000 * ctx.scale));
    const traffic = pumpingTraffic({ normalUsers: size, attackSends: size, spreadSends: size, spreadPrefixes: 400, prefixesPerCountry: 60, conversion: 0.8, seed: 17 });
    const limits = pumpingLimits(traffic, WINDOW_SECONDS);
    ctx.log(`  ${traffic.events.length} events, ${traffic.normalPrefixes.size} normal prefixes, attack on ${[...traffic.attackPrefixes].join(', ')}`);
    const baseline = await runOnce(ctx, traffic.events, undefined);
    const guarded = await runOnce(ctx, traffic.events, limits);
    // What minConversion adds: the same limits without it.
    const velocityOnly = await runOnce(ctx, traffic.events, { ...limits, sms: { ...limits.sms, minConversion: undefined } });
    const { attackSentPct, spreadSentPct, normalRefusedPct } = pumpingFigures(baseline, guarded);
    const failures: string[] = [];
    const refused = baseline.normal.refused + baseline.attack.refused + baseline.spread.refused;
    check(failures, refused === 0 && baseline.attack.sent === size, `the unprotected run refused ${refused}`);
    check(failures, baseline.errors === 0 && guarded.errors === 0, `errors: baseline ${baseline.errors}, protected ${guarded.errors}`);
    for (const run of [baseline, guarded]) {
      const sent = run.normal.sent + run.attack.sent + run.spread.sent;
      check(failures, run.enqueued === sent, `queue holds ${run.enqueued}, sends counted ${sent}`);
    }
    check(failures, attackSentPct < 5, `attack SMS sent ${attackSentPct} % of the unprotected run's (target < 5 %)`);
    check(failures, guarded.spread.sent <= (limits.sms?.perCountry?.default?.max ?? 0), `spread attack sent ${guarded.spread.sent}, above its country's cap`);
    check(failures, normalRefusedPct < 0.5, `normal traffic refused ${normalRefusedPct} % (target < 0.5 %)`);
    return {
      failures,
      figures: {
        attackSends: size,
        normalSends: guarded.normal.sent + guarded.normal.refused,
        attackSentUnprotected: baseline.attack.sent,
        attackSentProtected: guarded.attack.sent,
        attackSentPct,
        spreadSentProtected: guarded.spread.sent,
        spreadSentPct,
        normalRefused: guarded.normal.refused,
        normalRefusedPct,
        attackSentPctWithoutMinConversion: pumpingFigures(baseline, velocityOnly).attackSentPct,
        prefixBlocks: guarded.blocks,
        refusedBy: guarded.limited,
        conversions: guarded.conversions,
      },
    };
  });
