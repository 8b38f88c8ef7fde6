import { numberPrefix } from '../../src/limits/sms-velocity.js';
import type { ProducerLimits } from '../../src/producer/index.js';
import { normalizePhone } from '../../src/producer/input.js';

/** mulberry32: a small seeded generator, so a run's traffic is the same every time. */
export const seeded = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** Mobile ranges: `#` is a random digit; only numbers libphonenumber finds valid (and of `country`) are used. */
const NORMAL = [
  { country: 'US', template: '+1##########', weight: 0.35 },
  { country: 'GB', template: '+447#########', weight: 0.15 },
  { country: 'DE', template: '+4917########', weight: 0.12 },
  { country: 'FR', template: '+336########', weight: 0.1 },
  { country: 'BR', template: '+55119########', weight: 0.12 },
  { country: 'IN', template: '+919#########', weight: 0.12 },
  { country: 'NG', template: '+23480########', weight: 0.04 },
] as const;

/** The pumped ranges: countries this sender barely serves, and an international network with no country. */
const PREMIUM = [
  { country: 'LV', template: '+3712#######' },
  { country: 'CI', template: '+22507########' },
  { country: undefined, template: '+88216######' },
] as const;

/** A smarter attack: one country's numbers spread over many prefixes, each under `minSends`. */
const SPREAD = { country: 'KG', template: '+99670#######' } as const;

export const PREFIX_DIGITS = 8;

export type TrafficKind = 'normal' | 'attack' | 'spread';

/** One sender of codes: a user (sends, maybe asks again, then uses the last code) or a pumping bot (never uses one). */
export type PumpingEvent = {
  kind: TrafficKind;
  to: string;
  ip: string;
  /** A second code asked for before using one (normal users only). */
  resend: boolean;
  /** Uses the code, reported after `lag` more events have started; by id or by recipient. */
  converts: { lag: number; byId: boolean } | undefined;
};

export type PumpingTraffic = {
  events: PumpingEvent[];
  normalPrefixes: Set<string>;
  attackPrefixes: Set<string>;
  /** Normal sends per country, and of the busiest normal prefix: what the limits are sized for. */
  normalByCountry: Record<string, number>;
  busiestPrefix: number;
};

export type PumpingShape = { normalUsers: number; attackSends: number; spreadSends: number; spreadPrefixes: number; prefixesPerCountry: number; conversion: number; seed: number };

const digitsOf = (template: string, rand: () => number): string => template.replace(/#/g, () => String(Math.floor(rand() * 10)));

/** A valid number of `country` from `template` (a prefix can be given as the template's start). */
const validNumber = (template: string, country: string | undefined, rand: () => number): string => {
  for (let i = 0; i < 1000; i += 1) {
    const phone = normalizePhone(digitsOf(template, rand));
    if (phone && phone.country === country) return phone.e164;
  }
  throw new Error(`no valid ${country ?? 'international'} number from ${template}`);
};

/** `template` with its first PREFIX_DIGITS digits fixed to `prefix`. */
const inPrefix = (template: string, prefix: string): string => `+${prefix}${template.replace(/^\+/, '').slice(prefix.length)}`;

const pick = <T>(items: readonly T[], rand: () => number): T => items[Math.floor(rand() * items.length)] as T;

const ipOf = (rand: () => number): string => `${10 + Math.floor(rand() * 200)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`;

const prefixesOf = (template: string, country: string | undefined, count: number, rand: () => number): string[] =>
  Array.from({ length: count }, () => numberPrefix(validNumber(template, country, rand), PREFIX_DIGITS));

/** A bot's request: a random number of one of `prefixes`, from a random IP, never used. */
const botEvent = (kind: TrafficKind, range: { template: string; country: string | undefined }, prefixes: readonly string[], rand: () => number): PumpingEvent => ({
  kind,
  to: validNumber(inPrefix(range.template, pick(prefixes, rand)), range.country, rand),
  ip: ipOf(rand),
  resend: false,
  converts: undefined,
});

/**
 * The traffic of one pumping run, shuffled: `normalUsers` users over `prefixesPerCountry` prefixes of
 * each served country (10 % ask twice, `conversion` of them use their code, with a lag of up to 2 %
 * of the run); `attackSends` bot requests over three premium prefixes and `spreadSends` over
 * `spreadPrefixes` prefixes of one country, from random IPs and numbers, never used.
 * Deterministic for a seed (but for the concurrency of the run).
 */
export const pumpingTraffic = (shape: PumpingShape): PumpingTraffic => {
  const { normalUsers, attackSends, spreadSends, conversion } = shape;
  const rand = seeded(shape.seed);
  const pools = NORMAL.map((c) => ({ ...c, prefixes: prefixesOf(c.template, c.country, shape.prefixesPerCountry, rand) }));
  const total = normalUsers + attackSends + spreadSends;
  const events: PumpingEvent[] = [];
  const normalByCountry: Record<string, number> = {};
  const byPrefix = new Map<string, number>();
  for (let i = 0; i < normalUsers; i += 1) {
    let r = rand();
    const pool = pools.find((c) => (r -= c.weight) < 0) ?? pools[0]!;
    const prefix = pick(pool.prefixes, rand);
    const resend = rand() < 0.1;
    normalByCountry[pool.country] = (normalByCountry[pool.country] ?? 0) + (resend ? 2 : 1);
    byPrefix.set(prefix, (byPrefix.get(prefix) ?? 0) + (resend ? 2 : 1));
    const converts = rand() < conversion ? { lag: Math.floor(rand() * total * 0.02), byId: rand() < 0.5 } : undefined;
    events.push({ kind: 'normal', to: validNumber(inPrefix(pool.template, prefix), pool.country, rand), ip: ipOf(rand), resend, converts });
  }
  const premium = PREMIUM.map((p) => ({ ...p, prefix: prefixesOf(p.template, p.country, 1, rand)[0]! }));
  for (let i = 0; i < attackSends; i += 1) {
    const range = pick(premium, rand);
    events.push(botEvent('attack', range, [range.prefix], rand));
  }
  const spread = prefixesOf(SPREAD.template, SPREAD.country, shape.spreadPrefixes, rand);
  for (let i = 0; i < spreadSends; i += 1) events.push(botEvent('spread', SPREAD, spread, rand));
  for (let i = events.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [events[i], events[j]] = [events[j]!, events[i]!];
  }
  const normalPrefixes = new Set(pools.flatMap((c) => c.prefixes));
  return { events, normalPrefixes, attackPrefixes: new Set(premium.map((p) => p.prefix)), normalByCountry, busiestPrefix: Math.max(0, ...byPrefix.values()) };
};

/**
 * The recommended config, sized for this traffic (one window holds the whole run, standing for an
 * hour): the Logto per-recipient default; per prefix twice the busiest normal prefix (at least 50);
 * 100 per country you barely serve and twice their volume for the countries you serve; a prefix
 * with under 20 % of its codes used after 20 blocked for the window.
 */
export const pumpingLimits = ({ normalByCountry, busiestPrefix }: PumpingTraffic, windowSeconds: number): ProducerLimits => ({
  perRecipient: { max: 10, windowSeconds },
  sms: {
    perPrefix: { max: Math.max(50, 2 * busiestPrefix), windowSeconds, digits: PREFIX_DIGITS },
    perCountry: {
      default: { max: 100, windowSeconds },
      ...Object.fromEntries(Object.entries(normalByCountry).map(([country, sends]) => [country, { max: Math.max(100, Math.ceil(2 * sends)), windowSeconds }])),
    },
    minConversion: { ratio: 0.2, minSends: 20, windowSeconds, blockSeconds: windowSeconds },
  },
});

/** What one run enqueued (= would have sent) and refused, by kind of traffic. */
export type PumpingCounts = Record<TrafficKind, { sent: number; refused: number }> & { errors: number };

export const emptyCounts = (): PumpingCounts => ({ normal: { sent: 0, refused: 0 }, attack: { sent: 0, refused: 0 }, spread: { sent: 0, refused: 0 }, errors: 0 });

/**
 * The scenario's figures, in % with two decimals: each attack's SMS sent as a share of what the
 * unprotected run sent, and the share of normal sends refused. Pure.
 */
export const pumpingFigures = (baseline: PumpingCounts, guarded: PumpingCounts) => {
  const share = (part: number, whole: number) => (whole > 0 ? Math.round((10_000 * part) / whole) / 100 : 0);
  return {
    attackSentPct: share(guarded.attack.sent, baseline.attack.sent),
    spreadSentPct: share(guarded.spread.sent, baseline.spread.sent),
    normalRefusedPct: share(guarded.normal.refused, guarded.normal.sent + guarded.normal.refused),
  };
};
