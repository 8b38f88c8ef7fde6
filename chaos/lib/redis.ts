import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/redis/local-server.js';

/**
 * A redis-server with AOF and `appendfsync always` (every write fsynced before the reply), that
 * can be killed and started again on the same port and data directory.
 */
export type DurableRedis = {
  url: string;
  port: number;
  dir: string;
  start(): Promise<void>;
  kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  close(): Promise<void>;
};

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

export const APPENDFSYNC = 'always';

export const createDurableRedis = async (binary: string): Promise<DurableRedis> => {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'otp-chaos-redis-'));
  let child: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  const self: DurableRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async start() {
      const c = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', APPENDFSYNC, '--dir', dir, '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
      child = c;
      let gone = false;
      exited = new Promise((r) => c.once('exit', () => ((gone = true), r(undefined))));
      const deadline = Date.now() + 10_000;
      while (!(await canConnect(port))) {
        if (gone || Date.now() > deadline) throw new Error(`redis-server did not start on ${port}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async kill(signal) {
      child?.kill(signal);
      await exited;
      child = undefined;
    },
    async close() {
      if (child) await self.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
};
