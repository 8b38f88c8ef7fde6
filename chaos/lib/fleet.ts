import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/redis/local-server.js';
import { spawnCli, spawnNode, writeConfig, type Spawned } from '../../test/helpers/cli.js';
import type { Kill } from './duplicates.js';

export type FleetOptions = {
  /** The workers' Redis (`redis.url`); not needed when `redis` is given. */
  redisUrl?: string;
  /** The config's `redis:` section instead of `{ url: redisUrl }` (e.g. `{ sentinel: {...} }`); `prefix` is added. */
  redis?: Record<string, unknown>;
  prefix: string;
  sinkUrl: string;
  concurrency?: number;
  attempts?: number;
  lockDurationMs?: number;
  backoff?: { delayMs: number; maxDelayMs: number };
  encryptionKeys?: { current: string; keys: Record<string, string> };
  /** `courier` (default): `otp-courier worker`; `plain`: the baseline BullMQ worker (plain-worker.ts). */
  kind?: 'courier' | 'plain';
  /** Standard Webhooks secret for the courier's http-sms connector (`webhook-id` on every request). */
  signingSecret?: string;
  /** `queue.shutdownGraceSeconds`. @default 5 */
  shutdownGraceSeconds?: number;
  /** The http-sms connector's `timeoutMs`. @default 5000 */
  timeoutMs?: number;
  /** The config's `email:` section (e.g. an `smtp` connector); none by default. */
  email?: Record<string, unknown>;
};

/** A running worker: its sink tag and, for the courier, its ops base URL (/healthz, /readyz). */
export type FleetWorker = Spawned & { tag: string; opsUrl?: string };

/** How a worker ended on `stop()`: milliseconds from SIGTERM to exit, and whether it needed SIGKILL. */
export type WorkerExit = { tag: string; ms: number; code: number | null; forced: boolean };

/** Worker processes (the built CLI, `otp-courier worker`) that can be killed and restarted. */
export type Fleet = {
  /** Starts one worker; by default resolves once its /readyz answers 200. */
  start(options?: { waitReady?: boolean }): Promise<FleetWorker>;
  /** The workers running now. */
  workers(): FleetWorker[];
  /** SIGKILLs one running worker at random; returns its sink tag, or undefined when none runs. */
  killRandom(): string | undefined;
  /** Every kill so far: the worker's sink tag and when. */
  killLog(): Kill[];
  /** SIGTERM to one, SIGKILL after `killAfterMs` (default 10 s); how it ended. */
  terminate(w: FleetWorker, killAfterMs?: number): Promise<WorkerExit>;
  /** SIGTERM to all, SIGKILL after `killAfterMs` (default 10 s); how each one ended. */
  stop(killAfterMs?: number): Promise<WorkerExit[]>;
};

export const startFleet = async (options: FleetOptions): Promise<Fleet> => {
  const dir = await mkdtemp(join(tmpdir(), 'otp-chaos-'));
  const running = new Set<FleetWorker>();
  const killLog: Kill[] = [];
  const concurrency = options.concurrency ?? 20;
  const lockDurationMs = options.lockDurationMs ?? 2000;
  let n = 0;

  /** Starts one worker posting to `endpoint`; `ready` resolves true once it takes jobs. */
  const spawnWorker = async (tag: string, endpoint: string): Promise<{ w: FleetWorker; ready: () => Promise<boolean> | boolean }> => {
    if (options.kind === 'plain') {
      if (!options.redisUrl) throw new Error('the plain worker needs redisUrl');
      const w = { ...spawnPlain({ ...options, redisUrl: options.redisUrl, endpoint, concurrency, lockDurationMs }), tag };
      return { w, ready: () => w.output().includes('plain worker ready') };
    }
    const metricsPort = await freePort();
    const file = await writeConfig(join(dir, `${tag}.json`), {
      redis: { ...(options.redis ?? { url: options.redisUrl }), prefix: options.prefix },
      queue: {
        concurrency,
        attempts: options.attempts ?? 8,
        shutdownGraceSeconds: options.shutdownGraceSeconds ?? 5,
        lockDurationMs,
        backoff: options.backoff ?? { delayMs: 100, maxDelayMs: 1000 },
      },
      sms: { active: 'sink', connectors: { sink: { provider: 'http-sms', config: { endpoint, timeoutMs: options.timeoutMs ?? 5000, ...(options.signingSecret && { signingSecret: options.signingSecret }) } } } },
      ...(options.email && { email: options.email }),
      ...(options.encryptionKeys && { security: { encryptionKeys: options.encryptionKeys } }),
      metrics: { port: metricsPort, host: '127.0.0.1' },
      log: { level: 'warn' },
    });
    const w = { ...spawnCli(['worker', '--config', file]), tag, opsUrl: `http://127.0.0.1:${metricsPort}` };
    return { w, ready: async () => (await fetch(`http://127.0.0.1:${metricsPort}/readyz`).catch(() => undefined))?.status === 200 };
  };

  const terminate = async (w: FleetWorker, killAfterMs = 10_000): Promise<WorkerExit> => {
    const termAt = Date.now();
    let forced = false;
    w.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      forced = true;
      w.child.kill('SIGKILL');
    }, killAfterMs);
    const code = await w.exited;
    clearTimeout(timer);
    return { tag: w.tag, ms: Date.now() - termAt, code, forced };
  };

  return {
    async start({ waitReady = true } = {}) {
      const tag = `w${n++}`;
      // Each worker posts to its own path, so the sink knows which process sent what.
      const { w, ready } = await spawnWorker(tag, `${options.sinkUrl}/${tag}`);
      running.add(w);
      void w.exited.then(() => running.delete(w));
      if (waitReady) await until(ready, w);
      return w;
    },
    workers: () => [...running],
    killRandom() {
      const list = [...running];
      const w = list[Math.floor(Math.random() * list.length)];
      if (!w) return undefined;
      running.delete(w);
      killLog.push({ worker: w.tag, at: Date.now() });
      w.child.kill('SIGKILL');
      return w.tag;
    },
    killLog: () => [...killLog],
    terminate,
    async stop(killAfterMs = 10_000) {
      const exits = await Promise.all([...running].map((w) => terminate(w, killAfterMs)));
      await rm(dir, { recursive: true, force: true });
      return exits;
    },
  };
};

/** Polls `ready` every 100 ms for up to 30 s; throws with the worker's output if it exits or times out. */
const until = async (ready: () => boolean | Promise<boolean>, w: Spawned): Promise<void> => {
  const deadline = Date.now() + 30_000;
  while (!(await ready())) {
    if (Date.now() > deadline || w.child.exitCode !== null) throw new Error(`worker not ready: ${w.output().slice(-500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const PLAIN = fileURLToPath(new URL('./plain-worker.ts', import.meta.url));

const spawnPlain = (o: { redisUrl: string; prefix: string; endpoint: string; concurrency: number; lockDurationMs: number }): Spawned =>
  spawnNode(['--import', 'tsx', PLAIN], {
    PLAIN_WORKER: JSON.stringify({ redisUrl: o.redisUrl, prefix: o.prefix, endpoint: o.endpoint, concurrency: o.concurrency, lockDurationMs: o.lockDurationMs }),
  });
