import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/redis/local-server.js';

/**
 * A real Sentinel set on 127.0.0.1: one primary and one replica (`redis-server`, no persistence)
 * and three sentinels (`redis-server <conf> --sentinel`) monitoring them with quorum 2.
 */
export type SentinelSet = {
  name: string;
  /** `redis://127.0.0.1:<port>` of each sentinel, for `redis.sentinel.nodes`. */
  sentinelUrls: string[];
  /** The primary's port, as the sentinels report it. */
  primaryPort(): Promise<number>;
  /** SIGKILLs the data node on `port`; resolves once it has exited. */
  kill(port: number): Promise<void>;
  /**
   * Waits (bounded) until a majority of sentinels report a primary other than `oldPort`; returns
   * its port.
   */
  awaitFailover(oldPort: number, timeoutMs: number): Promise<number>;
  /**
   * Starts a data node again on `port`, empty, as a replica of `primaryPort` (what a supervisor
   * restarting it would get once the sentinels reconfigure it), and waits for its link to be up.
   */
  restartAsReplica(port: number, primaryPort: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
};

export type SentinelOptions = {
  /** redis-server binary. */
  binary: string;
  /** `sentinel down-after-milliseconds`. @default 1000 */
  downAfterMs?: number;
  /** `sentinel failover-timeout`. @default 5000 */
  failoverTimeoutMs?: number;
};

const NAME = 'mymaster';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 100 ms until it returns a value other than undefined, or throws after `timeoutMs`. */
const until = async <T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`sentinel set: ${what} not within ${timeoutMs} ms`);
    await sleep(100);
  }
};

/** One short-lived command to a node; connection errors are thrown, never retried. */
const ask = async (port: number, ...args: string[]): Promise<unknown> => {
  const r = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000, commandTimeout: 1000 });
  r.on('error', () => {});
  try {
    await r.connect();
    return await r.call(args[0]!, ...args.slice(1));
  } finally {
    r.disconnect();
  }
};

/** `SENTINEL master` answers a flat [k1, v1, k2, v2, …] list. */
const fields = (reply: unknown): Record<string, string> => {
  const list = Array.isArray(reply) ? (reply as unknown[]).map(String) : [];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i]!] = list[i + 1]!;
  return out;
};

export const startSentinelSet = async ({ binary, downAfterMs = 1000, failoverTimeoutMs = 5000 }: SentinelOptions): Promise<SentinelSet> => {
  const dir = await mkdtemp(join(tmpdir(), 'otp-chaos-sentinel-'));
  const procs = new Map<number, { child: ChildProcess; exited: Promise<void> }>();
  const run = (port: number, args: string[]) => {
    const child = spawn(binary, args, { stdio: 'ignore' });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    procs.set(port, { child, exited });
  };
  const dataNode = async (port: number, replicaOf?: number) => {
    const d = join(dir, `node-${port}`);
    await mkdir(d, { recursive: true });
    // A fresh directory each start: the node comes back empty, as one without persistence does.
    await rm(join(d, 'dump.rdb'), { force: true });
    run(port, [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', d, '--maxmemory-policy', 'noeviction',
      // Full syncs start at once (the default waits 5 s for more replicas to join).
      '--repl-diskless-sync-delay', '0',
      ...(replicaOf ? ['--replicaof', '127.0.0.1', String(replicaOf)] : []),
    ]);
    await until(`redis-server on ${port}`, 10_000, async () => ((await ask(port, 'PING')) === 'PONG' ? true : undefined));
  };
  const linkUp = (port: number, timeoutMs: number) =>
    until(`replica ${port} in sync`, timeoutMs, async () => (String(await ask(port, 'INFO', 'replication')).includes('master_link_status:up') ? true : undefined));

  const close = async () => {
    for (const p of procs.values()) p.child.kill('SIGKILL');
    await Promise.all([...procs.values()].map((p) => p.exited));
    procs.clear();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const [primary, replica, ...sentinels] = await Promise.all(Array.from({ length: 5 }, () => freePort()));
    await dataNode(primary!);
    await dataNode(replica!, primary);
    await linkUp(replica!, 10_000);
    for (const port of sentinels) {
      // Sentinels rewrite their config file: each gets its own, writable.
      const conf = join(dir, `sentinel-${port}.conf`);
      await writeFile(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${NAME} 127.0.0.1 ${primary} 2`,
          `sentinel down-after-milliseconds ${NAME} ${downAfterMs}`,
          `sentinel failover-timeout ${NAME} ${failoverTimeoutMs}`,
          `sentinel parallel-syncs ${NAME} 1`,
          '',
        ].join('\n'),
      );
      run(port, [conf, '--sentinel']);
    }
    // A failover needs the sentinels to know each other and the replica (hello messages, every 2 s).
    await Promise.all(
      sentinels.map((port) =>
        until(`sentinel ${port} discovery`, 20_000, async () => {
          const m = fields(await ask(port, 'SENTINEL', 'master', NAME));
          return m['num-other-sentinels'] === '2' && m['num-slaves'] === '1' ? true : undefined;
        }),
      ),
    );

    const primaryFrom = async (port: number): Promise<number | undefined> => {
      const addr = (await ask(port, 'SENTINEL', 'get-master-addr-by-name', NAME).catch(() => undefined)) as string[] | null | undefined;
      return addr?.[1] ? Number(addr[1]) : undefined;
    };
    return {
      name: NAME,
      sentinelUrls: sentinels.map((p) => `redis://127.0.0.1:${p}`),
      primaryPort: () => until('a primary', 5000, () => primaryFrom(sentinels[0]!)),
      async kill(port) {
        const p = procs.get(port);
        if (!p) return;
        p.child.kill('SIGKILL');
        await p.exited;
        procs.delete(port);
      },
      awaitFailover: (oldPort, timeoutMs) =>
        until('failover', timeoutMs, async () => {
          const seen = await Promise.all(sentinels.map((s) => primaryFrom(s)));
          const moved = seen.filter((p) => p !== undefined && p !== oldPort);
          return moved.length >= 2 && moved.every((p) => p === moved[0]) ? moved[0] : undefined;
        }),
      async restartAsReplica(port, primaryPort, timeoutMs) {
        await dataNode(port, primaryPort);
        await linkUp(port, timeoutMs);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
};
