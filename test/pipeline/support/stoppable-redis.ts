import { Redis } from 'ioredis';
import { startRedisServer, type LocalRedis } from '../../../src/redis/local-server.js';

/**
 * A dedicated redis-server that a test can freeze (SIGSTOP: connections stay open and every
 * command hangs, as with a wedged or partitioned Redis), thaw (SIGCONT) or kill outright.
 */
export type StoppableRedis = LocalRedis & {
  pid: number;
  /** SIGSTOP: the process keeps its sockets but answers nothing. */
  freeze(): void;
  /** SIGCONT. */
  thaw(): void;
  /** SIGKILL: connections are reset, reconnects refused. */
  kill(): Promise<void>;
};

/** The server's own pid, from `INFO server` (startRedisServer does not expose its child). */
const serverPid = async (url: string): Promise<number> => {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const info = await client.info('server');
    const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error('no process_id in INFO server');
    return pid;
  } finally {
    client.disconnect();
  }
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export const startStoppableRedis = async (binary: string): Promise<StoppableRedis> => {
  const server = await startRedisServer({ binary });
  const pid = await serverPid(server.url);
  let frozen = false;
  let killed = false;
  const thaw = () => {
    if (frozen && !killed) process.kill(pid, 'SIGCONT');
    frozen = false;
  };
  return {
    ...server,
    pid,
    freeze() {
      process.kill(pid, 'SIGSTOP');
      frozen = true;
    },
    thaw,
    async kill() {
      process.kill(pid, 'SIGKILL');
      killed = true;
      const deadline = Date.now() + 5000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    },
    async stop() {
      thaw();
      if (killed) return server.stop().catch(() => {});
      await server.stop();
    },
  };
};
