import { describe, expect, it } from 'vitest';
import { faultSchedule, scheduleMs, whereInSchedule, type Timeline } from '../../chaos/lib/fault-schedule.js';
import { failoverFigures, type Post } from '../../chaos/lib/ingest-load.js';
import { emptyCounts, pumpingFigures, pumpingLimits, pumpingTraffic } from '../../chaos/lib/pumping.js';
import { numberPrefix } from '../../src/limits/sms-velocity.js';

/** The chaos harness's own bookkeeping for scenarios (e) and (f). */
const post = (startedAt: number, endedAt: number, status: Post['status'], code = `c${startedAt}`): Post => ({ code, startedAt, endedAt, status });

describe('failover figures (e)', () => {
  const marks = { killedAt: 1000, promotedAt: 3000, replicaStartAt: 5000 };

  it.each([
    {
      name: 'a clean failover: 503 from the kill until the replica is back',
      posts: [post(900, 910, 200), post(1000, 2500, 503), post(2600, 4100, 503), post(5100, 5150, 200), post(5200, 5210, 200)],
      want: { failoverMs: 5150 - 2500, refusalsUntilMs: 4100 - 1000, slowest503Ms: 1500, ackedWithoutReplica: 0, counts: [3, 2, 0] },
    },
    {
      name: 'acknowledged while the new primary had no replica (durability not enforced)',
      posts: [post(1000, 2500, 503), post(3100, 3120, 200), post(4900, 4950, 200), post(4990, 5010, 200)],
      want: { failoverMs: 3120 - 2500, refusalsUntilMs: 1500, slowest503Ms: 1500, ackedWithoutReplica: 2, counts: [3, 1, 0] },
    },
    {
      name: 'a 200 to a post that started before the first 503 answered does not end the failover',
      posts: [post(1000, 2500, 503), post(2400, 2600, 200), post(2700, 2800, 200)],
      want: { failoverMs: 300, refusalsUntilMs: 1500, slowest503Ms: 1500, ackedWithoutReplica: 0, counts: [2, 1, 0] },
    },
    {
      name: 'never refused: no failover duration',
      posts: [post(1000, 1010, 200), post(1100, 6200, 'no_answer'), post(1200, 1300, 500)],
      want: { failoverMs: undefined, refusalsUntilMs: undefined, slowest503Ms: 0, ackedWithoutReplica: 0, counts: [1, 0, 2] },
    },
    {
      name: 'never recovered',
      posts: [post(1000, 2500, 503), post(6000, 7500, 503)],
      want: { failoverMs: undefined, refusalsUntilMs: 6500, slowest503Ms: 1500, ackedWithoutReplica: 0, counts: [0, 2, 0] },
    },
  ])('$name', ({ posts, want }) => {
    const f = failoverFigures(posts, marks);
    expect({ failoverMs: f.failoverMs, refusalsUntilMs: f.refusalsUntilMs, slowest503Ms: f.slowest503Ms, ackedWithoutReplica: f.ackedWithoutReplica }).toEqual({
      failoverMs: want.failoverMs,
      refusalsUntilMs: want.refusalsUntilMs,
      slowest503Ms: want.slowest503Ms,
      ackedWithoutReplica: want.ackedWithoutReplica,
    });
    expect([f.acked.length, f.refused.length, f.other.length]).toEqual(want.counts);
  });
});

describe('fault schedule (f)', () => {
  it.each([0.05, 1, 3])('scale %s: every fault on each link, stalls longer than the 2 s lock, quiet between faults, ends quiet', (scale) => {
    const phases = faultSchedule(scale);
    for (const link of ['redis', 'sink'] as const) {
      const kinds = new Set(phases.filter((p) => p.link === link || p.link === 'both').map((p) => p.mode.kind));
      expect([...kinds].sort()).toEqual(['latency', 'pass', 'reset', 'stall']);
    }
    for (const p of phases.filter((x) => x.mode.kind === 'stall')) expect(p.ms).toBeGreaterThan(2000);
    phases.forEach((p, i) => {
      if (p.mode.kind !== 'pass') expect(phases[i + 1]?.mode.kind).toBe('pass');
    });
    expect(phases.at(-1)?.mode.kind).toBe('pass');
  });

  it('the short form fits the CI budget; the long form repeats the cycle', () => {
    expect(scheduleMs(faultSchedule(0.05))).toBeLessThanOrEqual(20_000);
    expect(faultSchedule(1)).toHaveLength(2 * faultSchedule(0.05).length);
  });

  it('places a moment in the run: its phase, and the fault before a quiet phase', () => {
    const timeline: Timeline = [
      { link: 'redis', mode: { kind: 'stall' }, ms: 1000, at: 100 },
      { link: 'both', mode: { kind: 'pass' }, ms: 500, at: 1100 },
    ];
    expect(whereInSchedule(timeline, 50)).toBe('before the faults');
    expect(whereInSchedule(timeline, 400)).toBe('redis:stall +300 ms');
    expect(whereInSchedule(timeline, 1350)).toBe('both:pass +250 ms, after redis:stall');
  });
});

describe('SMS pumping traffic and figures (i)', () => {
  const traffic = pumpingTraffic({ normalUsers: 2000, attackSends: 1000, spreadSends: 500, spreadPrefixes: 100, prefixesPerCountry: 20, conversion: 0.8, seed: 3 });

  it('is the same for a seed; users and bots over disjoint prefixes; bots never convert; about 80 % of users do', () => {
    expect(pumpingTraffic({ normalUsers: 2000, attackSends: 1000, spreadSends: 500, spreadPrefixes: 100, prefixesPerCountry: 20, conversion: 0.8, seed: 3 }).events).toEqual(traffic.events);
    const byKind = (kind: string) => traffic.events.filter((e) => e.kind === kind);
    expect([byKind('normal').length, byKind('attack').length, byKind('spread').length]).toEqual([2000, 1000, 500]);
    expect(traffic.attackPrefixes.size).toBe(3);
    for (const e of byKind('attack')) expect(traffic.attackPrefixes.has(numberPrefix(e.to, 8))).toBe(true);
    for (const e of [...byKind('attack'), ...byKind('spread')]) {
      expect(traffic.normalPrefixes.has(numberPrefix(e.to, 8))).toBe(false);
      expect(e.converts).toBeUndefined();
    }
    const converting = byKind('normal').filter((e) => e.converts).length / 2000;
    expect(converting).toBeGreaterThan(0.75);
    expect(converting).toBeLessThan(0.85);
    expect(new Set(byKind('attack').map((e) => e.ip)).size).toBeGreaterThan(900);
  });

  it('sizes the recommended limits to the normal traffic', () => {
    const limits = pumpingLimits(traffic, 120);
    expect(limits.sms?.minConversion).toEqual({ ratio: 0.2, minSends: 20, windowSeconds: 120, blockSeconds: 120 });
    expect(limits.sms?.perPrefix?.max).toBeGreaterThanOrEqual(2 * traffic.busiestPrefix);
    expect(limits.sms?.perCountry?.US?.max).toBe(Math.max(100, 2 * (traffic.normalByCountry.US ?? 0)));
    expect(limits.sms?.perCountry?.KG).toBeUndefined(); // the spread attack's country gets the default
  });

  it.each([
    { name: 'nothing refused', guarded: { attack: [3000, 0], spread: [500, 0], normal: [2000, 0] }, want: { attackSentPct: 100, spreadSentPct: 100, normalRefusedPct: 0 } },
    { name: 'attack cut, a few users refused', guarded: { attack: [63, 2937], spread: [100, 400], normal: [1998, 2] }, want: { attackSentPct: 2.1, spreadSentPct: 20, normalRefusedPct: 0.1 } },
  ])('figures: $name', ({ guarded, want }) => {
    const counts = (c: typeof guarded) => ({ ...emptyCounts(), ...Object.fromEntries(Object.entries(c).map(([k, [sent, refused]]) => [k, { sent: sent!, refused: refused! }])) });
    const baseline = counts({ attack: [3000, 0], spread: [500, 0], normal: [2000, 0] });
    expect(pumpingFigures(baseline, counts(guarded))).toEqual(want);
  });
});
