import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { access, constants } from 'node:fs/promises';

export type LocalRedis = { url: string; port: number; stop(): Promise<void> };

/** Finds an executable on PATH. */
export const findOnPath = async (name: string): Promise<string | undefined> => {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export type StartRedisOptions = {
  /** Path of the redis-server binary. */
  binary: string;
  port?: number;
  /** Turn on AOF persistence (fsync every second). @default false */
  appendOnly?: boolean;
  /** Data directory. @default a fresh temp dir, removed on stop */
  dir?: string;
  startTimeoutMs?: number;
};

/** Starts a redis-server bound to 127.0.0.1 and resolves once it accepts connections. */
export const startRedisServer = async ({ binary, port, appendOnly = false, dir, startTimeoutMs = 10_000 }: StartRedisOptions): Promise<LocalRedis> => {
  const chosenPort = port ?? (await freePort());
  const dataDir = dir ?? (await mkdtemp(join(tmpdir(), 'otp-courier-redis-')));
  const child: ChildProcess = spawn(
    binary,
    [
      '--port', String(chosenPort),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', appendOnly ? 'yes' : 'no',
      '--dir', dataDir,
      '--maxmemory-policy', 'noeviction',
      '--protected-mode', 'yes',
    ],
    { stdio: 'ignore' },
  );
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + startTimeoutMs;
  while (!(await canConnect(chosenPort))) {
    if (exited) throw new Error(`redis-server exited before accepting connections on port ${chosenPort}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start within ${startTimeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url: `redis://127.0.0.1:${chosenPort}`,
    port: chosenPort,
    async stop() {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      if (!dir) await rm(dataDir, { recursive: true, force: true });
    },
  };
};
