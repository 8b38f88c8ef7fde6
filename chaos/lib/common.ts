import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { listDeadLetters } from '../../src/dlq/operations.js';
import { deadLetterQueueName } from '../../src/messages/job-data.js';
import type { Outcome, Producer } from '../../src/producer/index.js';
import type { DeadLetterSummary } from '../../src/dlq/summary.js';

export type ScenarioContext = {
  /** Shared Redis for scenarios that do not need their own. */
  redisUrl: string;
  /** redis-server binary, '' when none (scenario b is skipped then). */
  redisBinary: string;
  /** 1 = long form; smaller = shorter. */
  scale: number;
  log: (line: string) => void;
};

export type ScenarioResult = {
  scenario: string;
  ok: boolean;
  skipped?: string;
  seconds: number;
  /** Figures for the table / JSON line. */
  figures: Record<string, number | string>;
  /** Failed checks, human-readable. */
  failures: string[];
};

export const newPrefix = (tag: string) => `{chaos-${tag}-${randomUUID().slice(0, 8)}}`;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const rand = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

/** A unique 8-digit code per message index within a run. */
export const codeFor = (run: number, i: number) => String(10_000_000 + run * 1_000_000 + i);

export const PHONE = '+14155550123';

/** Waits for all outcomes with one deadline; returns counts per outcome. */
export const waitAll = async (producer: Producer, ids: string[], timeoutMs: number): Promise<Map<string, Outcome>> => {
  const deadline = Date.now() + timeoutMs;
  const out = new Map<string, Outcome>();
  const queue = [...ids];
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let id = queue.shift(); id; id = queue.shift()) out.set(id, await producer.waitFor(id, { timeoutMs: Math.max(1, deadline - Date.now()) }));
    }),
  );
  return out;
};

export const countBy = <T>(values: Iterable<T>): Record<string, number> => {
  const c: Record<string, number> = {};
  for (const v of values) c[String(v)] = (c[String(v)] ?? 0) + 1;
  return c;
};

export const deadLetters = async (redisUrl: string, prefix: string, queueName = 'otp'): Promise<DeadLetterSummary[]> => {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const dl = new Queue(deadLetterQueueName(queueName), { connection: redis, prefix });
  try {
    return await listDeadLetters({ deadLetters: dl });
  } finally {
    await dl.close();
    redis.disconnect();
  }
};

export const check = (failures: string[], cond: boolean, message: string) => {
  if (!cond) failures.push(message);
};

export const timed = async (scenario: string, run: () => Promise<Omit<ScenarioResult, 'scenario' | 'seconds' | 'ok'>>): Promise<ScenarioResult> => {
  const started = Date.now();
  const r = await run();
  return { scenario, ok: !r.skipped && r.failures.length === 0, seconds: Math.round((Date.now() - started) / 100) / 10, ...r };
};
