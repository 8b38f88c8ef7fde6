import { join } from 'node:path';
import { freePort } from '../../src/redis/local-server.js';
import { spawnCli, writeConfig, type Spawned } from '../../test/helpers/cli.js';
import { PHONE, sleep } from './common.js';

/** One POST to the ingest, as its client saw it. */
export type Post = { code: string; startedAt: number; endedAt: number; status: number | 'no_answer' | 'error' };

export type Ingest = { base: string; proc: Spawned };

/** Polls `ok` every 100 ms up to `timeoutMs`; false when the time ran out. */
export const waitUntil = async (ok: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
};

export const running = (p: Spawned) => p.child.exitCode === null && p.child.signalCode === null;

/** Starts `otp-courier ingest` on a free port with `redis` (prefix included) and waits for /readyz. */
export const startIngest = async (dir: string, redis: Record<string, unknown>): Promise<Ingest> => {
  const port = await freePort();
  const config = await writeConfig(join(dir, 'ingest.json'), {
    redis,
    ingest: { port, host: '127.0.0.1' },
    // One recipient for every message: the per-recipient limit must not refuse them.
    limits: { perRecipient: { max: 1_000_000, windowSeconds: 1 } },
    log: { level: 'warn' },
  });
  const proc = spawnCli(['ingest', '--config', config]);
  const base = `http://127.0.0.1:${port}`;
  const ready = async () => (await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined))?.status === 200;
  if (!(await waitUntil(async () => !running(proc) || (await ready()), 30_000)) || !running(proc)) {
    proc.child.kill('SIGKILL');
    throw new Error(`ingest not ready: ${proc.output().slice(-500)}`);
  }
  return { base, proc };
};

/** SIGTERM, SIGKILL after 10 s. */
export const stopIngest = async ({ proc }: Ingest): Promise<void> => {
  if (!running(proc)) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
  await proc.exited;
  clearTimeout(timer);
};

/** One SMS through the ingest, each answer bounded by 5 s. */
const post = async (base: string, code: string): Promise<Post> => {
  const startedAt = Date.now();
  let status: Post['status'];
  try {
    const res = await fetch(`${base}/v1/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: PHONE, type: 'SignIn', payload: { code } }),
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
    status = res.status;
  } catch (error) {
    status = (error as Error).name === 'TimeoutError' ? 'no_answer' : 'error';
  }
  return { code, startedAt, endedAt: Date.now(), status };
};

/**
 * `n` posts spread evenly over `seconds`, each on its own (open loop: a slow answer does not hold
 * the next one back, as independent clients would post). Resolves with every post once all answered.
 */
export const postAtRate = async (base: string, n: number, seconds: number, code: (i: number) => string): Promise<Post[]> => {
  const started = Date.now();
  const inFlight: Promise<Post>[] = [];
  for (let i = 0; i < n; i++) {
    const due = started + (i / n) * seconds * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
    inFlight.push(post(base, code(i)));
  }
  return Promise.all(inFlight);
};

/** When the harness did what, during a failover (epoch ms). */
export type FailoverMarks = { killedAt: number; promotedAt: number; replicaStartAt: number };

export type FailoverFigures = {
  acked: Post[];
  refused: Post[];
  /** Neither 200 nor 503 (another status, no answer within 5 s, a client error). */
  other: Post[];
  /** From the first 503 to the first 200 of a post started after it; undefined without both. */
  failoverMs: number | undefined;
  /** From the kill to the last 503. */
  refusalsUntilMs: number | undefined;
  slowest503Ms: number;
  /** Posts started after the promotion and acknowledged before a replica was back (WAIT 1 forbids them). */
  ackedWithoutReplica: number;
};

/** What the posts say about the failover: a pure function of the posts and the harness's marks. */
export const failoverFigures = (posts: readonly Post[], marks: FailoverMarks): FailoverFigures => {
  const acked = posts.filter((p) => p.status === 200);
  const refused = posts.filter((p) => p.status === 503);
  const other = posts.filter((p) => p.status !== 200 && p.status !== 503);
  const firstRefusal = Math.min(...refused.map((p) => p.endedAt));
  const firstOkAfter = Math.min(...acked.filter((p) => p.startedAt >= firstRefusal).map((p) => p.endedAt));
  const lastRefusal = Math.max(...refused.map((p) => p.endedAt));
  return {
    acked,
    refused,
    other,
    failoverMs: Number.isFinite(firstOkAfter) ? firstOkAfter - firstRefusal : undefined,
    refusalsUntilMs: refused.length ? lastRefusal - marks.killedAt : undefined,
    slowest503Ms: Math.max(0, ...refused.map((p) => p.endedAt - p.startedAt)),
    ackedWithoutReplica: acked.filter((p) => p.startedAt >= marks.promotedAt && p.endedAt < marks.replicaStartAt).length,
  };
};
