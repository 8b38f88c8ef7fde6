import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ChildSpec, ChildStats, ParentMessage } from './protocol.js';
import { ratePerSecond, sleep } from './stats.js';

const CHILD_ENTRY = fileURLToPath(new URL('../worker-child.ts', import.meta.url));

export type BenchChild = {
  pid: number;
  /** Builds the worker (or ingest); resolves once it runs. */
  start(): Promise<void>;
  stats(options?: { gc?: boolean }): Promise<ChildStats>;
  /** Closes gracefully and waits for the process to exit. */
  stop(): Promise<void>;
};

export type SpawnOptions = {
  /** Extra `node` flags (`--cpu-prof`, `--expose-gc`). */
  nodeArgs?: readonly string[];
};

/** Spawns `node --import tsx bench/worker-child.ts`; resolves once its modules are loaded. */
export const spawnChild = async (spec: ChildSpec, options: SpawnOptions = {}): Promise<BenchChild> => {
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', CHILD_ENTRY], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_CHILD: JSON.stringify(spec) },
  });
  const waiting = new Map<ChildMessage['type'], { resolve(m: ChildMessage): void; reject(e: Error): void }[]>();
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const list of waiting.values()) for (const w of list.splice(0)) w.reject(error);
  };
  child.on('message', (message: ChildMessage) => {
    if (message.type === 'error') return failAll(new Error(`${spec.kind} child: ${message.message}`));
    waiting.get(message.type)?.shift()?.resolve(message);
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      failAll(new Error(`${spec.kind} child exited (${signal ?? code})`));
      resolve();
    }),
  );
  const request = <T extends ChildMessage['type']>(out: ParentMessage | undefined, reply: T): Promise<Extract<ChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      const list = waiting.get(reply) ?? [];
      list.push({ resolve: (m) => resolve(m as Extract<ChildMessage, { type: T }>), reject });
      waiting.set(reply, list);
      if (out) child.send(out);
    });
  await request(undefined, 'loaded');
  return {
    pid: child.pid ?? 0,
    start: async () => void (await request({ type: 'start' }, 'ready')),
    stats: async (o = {}) => (await request({ type: 'stats', ...(o.gc && { gc: true }) }, 'stats')).stats,
    async stop() {
      if (child.exitCode === null && !failure) {
        await request({ type: 'stop' }, 'stopped').catch(() => undefined);
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      } else if (child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
};

/** Spawns all, then starts all at once (module loading is not part of any measurement). */
export const spawnAndStart = async (specs: readonly ChildSpec[], options: SpawnOptions = {}): Promise<BenchChild[]> => {
  const settled = await Promise.allSettled(specs.map((s) => spawnChild(s, options)));
  const children = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    await stopAll(children);
    throw failed.reason;
  }
  try {
    await Promise.all(children.map((c) => c.start()));
  } catch (error) {
    await stopAll(children);
    throw error;
  }
  return children;
};

export const stopAll = async (children: readonly BenchChild[]): Promise<void> => {
  await Promise.allSettled(children.map((c) => c.stop()));
};

/** The children's completions taken together: count, span and rate. */
export type Drained = { completed: number; failed: number; firstAt: number; lastAt: number; jobsPerSec: number; perChild: ChildStats[] };

export const combine = (perChild: ChildStats[]): Drained => {
  const completed = perChild.reduce((s, c) => s + c.completed, 0);
  const failed = perChild.reduce((s, c) => s + c.failed, 0);
  const firsts = perChild.flatMap((c) => (c.firstAt === null ? [] : [c.firstAt]));
  const lasts = perChild.flatMap((c) => (c.lastAt === null ? [] : [c.lastAt]));
  const firstAt = firsts.length ? Math.min(...firsts) : Number.NaN;
  const lastAt = lasts.length ? Math.max(...lasts) : Number.NaN;
  return { completed, failed, firstAt, lastAt, jobsPerSec: ratePerSecond(completed, firstAt, lastAt), perChild };
};

/** Polls the children until `total` jobs have finished (completed or failed) or the time is up. */
export const waitForDrain = async (children: readonly BenchChild[], total: number, timeoutMs: number): Promise<Drained> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const drained = combine(await Promise.all(children.map((c) => c.stats())));
    if (drained.completed + drained.failed >= total) return drained;
    if (Date.now() > deadline) {
      throw new Error(`only ${drained.completed} completed and ${drained.failed} failed of ${total} within ${Math.round(timeoutMs / 1000)} s`);
    }
    await sleep(50);
  }
};
