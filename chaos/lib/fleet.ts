import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/redis/local-server.js';
import { spawnCli, spawnNode, writeConfig, type Spawned } from '../../test/helpers/cli.js';
import type { Kill } from './duplicates.js';

export type FleetOptions = {
  redisUrl: string;
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
};

/** Worker processes (the built CLI, `otp-courier worker`) that can be killed and restarted. */
export type Fleet = {
  /** Starts one worker; by default resolves once its /readyz answers 200. */
  start(options?: { waitReady?: boolean }): Promise<Spawned>;
  /** SIGKILLs one running worker at random; returns its sink tag, or undefined when none runs. */
  killRandom(): string | undefined;
  /** Every kill so far: the worker's sink tag and when. */
  killLog(): Kill[];
  /** SIGTERM to all, SIGKILL after 10 s. */
  stop(): Promise<void>;
};

export const startFleet = async (options: FleetOptions): Promise<Fleet> => {
  const dir = await mkdtemp(join(tmpdir(), 'otp-chaos-'));
  const running = new Map<Spawned, string>();
  const killLog: Kill[] = [];
  const concurrency = options.concurrency ?? 20;
  const lockDurationMs = options.lockDurationMs ?? 2000;
  let n = 0;

  /** Starts one worker posting to `endpoint`; `ready` resolves true once it takes jobs. */
  const spawnWorker = async (tag: string, endpoint: string): Promise<{ w: Spawned; ready: () => Promise<boolean> | boolean }> => {
    if (options.kind === 'plain') {
      const w = spawnPlain({ ...options, endpoint, concurrency, lockDurationMs });
      return { w, ready: () => w.output().includes('plain worker ready') };
    }
    const metricsPort = await freePort();
    const file = await writeConfig(join(dir, `${tag}.json`), {
      redis: { url: options.redisUrl, prefix: options.prefix },
      queue: {
        concurrency,
        attempts: options.attempts ?? 8,
        shutdownGraceSeconds: 5,
        lockDurationMs,
        backoff: options.backoff ?? { delayMs: 100, maxDelayMs: 1000 },
      },
      sms: { active: 'sink', connectors: { sink: { provider: 'http-sms', config: { endpoint, timeoutMs: 5000, ...(options.signingSecret && { signingSecret: options.signingSecret }) } } } },
      ...(options.encryptionKeys && { security: { encryptionKeys: options.encryptionKeys } }),
      metrics: { port: metricsPort, host: '127.0.0.1' },
      log: { level: 'warn' },
    });
    const w = spawnCli(['worker', '--config', file]);
    return { w, ready: async () => (await fetch(`http://127.0.0.1:${metricsPort}/readyz`).catch(() => undefined))?.status === 200 };
  };

  return {
    async start({ waitReady = true } = {}) {
      const tag = `w${n++}`;
      // Each worker posts to its own path, so the sink knows which process sent what.
      const { w, ready } = await spawnWorker(tag, `${options.sinkUrl}/${tag}`);
      running.set(w, tag);
      void w.exited.then(() => running.delete(w));
      if (waitReady) await until(ready, w);
      return w;
    },
    killRandom() {
      const list = [...running];
      const victim = list[Math.floor(Math.random() * list.length)];
      if (!victim) return undefined;
      const [w, tag] = victim;
      running.delete(w);
      killLog.push({ worker: tag, at: Date.now() });
      w.child.kill('SIGKILL');
      return tag;
    },
    killLog: () => [...killLog],
    async stop() {
      const list = [...running.keys()];
      for (const w of list) w.child.kill('SIGTERM');
      await Promise.all(
        list.map(async (w) => {
          const timer = setTimeout(() => w.child.kill('SIGKILL'), 10_000);
          await w.exited;
          clearTimeout(timer);
        }),
      );
      await rm(dir, { recursive: true, force: true });
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
