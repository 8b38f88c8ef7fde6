import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/redis/local-server.js';
import { spawnCli, writeConfig, type Spawned } from '../../test/helpers/cli.js';

export type FleetOptions = {
  redisUrl: string;
  prefix: string;
  sinkUrl: string;
  concurrency?: number;
  attempts?: number;
  lockDurationMs?: number;
  backoff?: { delayMs: number; maxDelayMs: number };
  encryptionKeys?: { current: string; keys: Record<string, string> };
};

/** Worker processes (the built CLI, `otp-courier worker`) that can be killed and restarted. */
export type Fleet = {
  size(): number;
  /** Starts one worker; by default resolves once its /readyz answers 200. */
  start(options?: { waitReady?: boolean }): Promise<Spawned>;
  /** SIGKILLs one running worker at random; returns false when none runs. */
  killRandom(): boolean;
  kills(): number;
  /** SIGTERM to all, SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** Last lines of a worker's output, for diagnosis. */
  tail(): string;
};

export const startFleet = async (options: FleetOptions): Promise<Fleet> => {
  const dir = await mkdtemp(join(tmpdir(), 'otp-chaos-'));
  const running = new Set<Spawned>();
  const all: Spawned[] = [];
  let killed = 0;
  let n = 0;
  return {
    size: () => running.size,
    async start({ waitReady = true } = {}) {
      const metricsPort = await freePort();
      const file = await writeConfig(join(dir, `w${n++}.json`), {
        redis: { url: options.redisUrl, prefix: options.prefix },
        queue: {
          concurrency: options.concurrency ?? 20,
          attempts: options.attempts ?? 8,
          shutdownGraceSeconds: 5,
          lockDurationMs: options.lockDurationMs ?? 2000,
          backoff: options.backoff ?? { delayMs: 100, maxDelayMs: 1000 },
        },
        sms: { active: 'sink', connectors: { sink: { provider: 'http-sms', config: { endpoint: options.sinkUrl, timeoutMs: 5000 } } } },
        ...(options.encryptionKeys && { security: { encryptionKeys: options.encryptionKeys } }),
        metrics: { port: metricsPort, host: '127.0.0.1' },
        log: { level: 'warn' },
      });
      const w = spawnCli(['worker', '--config', file]);
      running.add(w);
      all.push(w);
      void w.exited.then(() => running.delete(w));
      if (waitReady) {
        const deadline = Date.now() + 30_000;
        for (;;) {
          const res = await fetch(`http://127.0.0.1:${metricsPort}/readyz`).catch(() => undefined);
          if (res?.status === 200) break;
          if (Date.now() > deadline || w.child.exitCode !== null) throw new Error(`worker not ready: ${w.output().slice(-500)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      return w;
    },
    killRandom() {
      const list = [...running];
      const victim = list[Math.floor(Math.random() * list.length)];
      if (!victim) return false;
      running.delete(victim);
      victim.child.kill('SIGKILL');
      killed++;
      return true;
    },
    kills: () => killed,
    async stop() {
      const list = [...running];
      for (const w of list) w.child.kill('SIGTERM');
      await Promise.all(
        list.map((w) => Promise.race([w.exited, new Promise((r) => setTimeout(r, 10_000)).then(() => w.child.kill('SIGKILL'))])),
      );
      await rm(dir, { recursive: true, force: true });
    },
    tail: () => all.map((w) => w.output().split('\n').slice(-5).join('\n')).join('\n---\n'),
  };
};
