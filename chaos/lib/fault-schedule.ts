import type { FaultMode, FaultProxy } from './fault-proxy.js';

/** Which link a phase hits: worker ↔ Redis, worker ↔ provider (the sink), or both. */
export type Link = 'redis' | 'sink' | 'both';

export type Phase = { link: Link; mode: FaultMode; ms: number };

const PASS: FaultMode = { kind: 'pass' };

/**
 * The fault cycle of scenario (f): latency spikes, stalls and resets mid-reply on each link, with a
 * quiet second between them. `scale` < 1 halves the phases (a stall stays longer than the workers'
 * 2 s lock); scale ≥ 1 repeats the cycle `round(2 × scale)` times.
 */
export const faultSchedule = (scale: number): Phase[] => {
  const short = scale < 1;
  const t = (ms: number) => (short ? Math.round(ms / 2) : ms);
  const stallMs = short ? 2500 : 3500;
  const cycle: Phase[] = [
    { link: 'redis', mode: { kind: 'latency', minMs: 200, maxMs: 800 }, ms: t(4000) },
    { link: 'both', mode: PASS, ms: t(1000) },
    { link: 'sink', mode: { kind: 'latency', minMs: 200, maxMs: 800 }, ms: t(4000) },
    { link: 'both', mode: PASS, ms: t(1000) },
    { link: 'sink', mode: { kind: 'stall' }, ms: stallMs },
    { link: 'both', mode: PASS, ms: t(1000) },
    { link: 'redis', mode: { kind: 'stall' }, ms: stallMs },
    { link: 'both', mode: PASS, ms: t(1000) },
    // The sink's answer headers are ≈ 150 bytes: most cuts fall inside them.
    { link: 'sink', mode: { kind: 'reset', afterBytes: [0, 200] }, ms: t(3000) },
    { link: 'both', mode: PASS, ms: t(1000) },
    { link: 'redis', mode: { kind: 'reset', afterBytes: [0, 2000] }, ms: t(3000) },
    { link: 'both', mode: PASS, ms: t(1000) },
    { link: 'both', mode: { kind: 'stall' }, ms: stallMs },
    { link: 'both', mode: PASS, ms: t(1000) },
  ];
  const cycles = short ? 1 : Math.max(1, Math.round(2 * scale));
  return Array.from({ length: cycles }, () => cycle).flat();
};

export const scheduleMs = (phases: Phase[]) => phases.reduce((s, p) => s + p.ms, 0);

export type Timeline = (Phase & { at: number })[];

/** Where `at` fell in a run: the phase, how far into it, and the last fault before it (when it is a quiet phase). */
export const whereInSchedule = (timeline: Timeline, at: number): string => {
  const before = timeline.filter((x) => x.at <= at);
  const p = before.at(-1);
  if (!p) return 'before the faults';
  const fault = before.filter((x) => x.mode.kind !== 'pass').at(-1);
  return `${p.link}:${p.mode.kind} +${at - p.at} ms${fault && fault !== p ? `, after ${fault.link}:${fault.mode.kind}` : ''}`;
};

/** Applies each phase in turn (the other link passes), and ends with both passing; returns when each began. */
export const runSchedule = async (phases: Phase[], proxies: Record<'redis' | 'sink', FaultProxy>, log: (l: string) => void): Promise<Timeline> => {
  const timeline: Timeline = [];
  try {
    for (const p of phases) {
      timeline.push({ ...p, at: Date.now() });
      proxies.redis.setMode(p.link === 'sink' ? PASS : p.mode);
      proxies.sink.setMode(p.link === 'redis' ? PASS : p.mode);
      if (p.mode.kind !== 'pass') log(`  ${p.link}: ${p.mode.kind} for ${p.ms} ms`);
      await new Promise((r) => setTimeout(r, p.ms));
    }
    return timeline;
  } finally {
    proxies.redis.setMode(PASS);
    proxies.sink.setMode(PASS);
  }
};
