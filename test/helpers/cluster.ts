import { Redis } from 'ioredis';
import { eventually } from './pipeline.js';
import { spawnRedis, type SpawnedRedis } from './replica.js';

/** A local Redis Cluster of several masters (no replicas) on 127.0.0.1. */
export type LocalCluster = {
  masters: SpawnedRedis[];
  /** Seed URLs (every master). */
  urls: string[];
  /** Keys held by each master, in `masters` order. */
  keysPerMaster(): Promise<number[]>;
  /** Keys matching `pattern` on each master (SCAN), in `masters` order. */
  scanPerMaster(pattern: string): Promise<string[][]>;
  stop(): Promise<void>;
};

const clusterArgs = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1', '--cluster-node-timeout', '5000'];

/** The slot ranges `redis-cli --cluster create` gives `count` masters: equal, the remainder spread from the first. */
export const evenSlotRanges = (count: number): [number, number][] => {
  const ranges: [number, number][] = [];
  let first = 0;
  for (let i = 0; i < count; i += 1) {
    const last = Math.round(((i + 1) * 16384) / count) - 1;
    ranges.push([first, last]);
    first = last + 1;
  }
  return ranges;
};

const scan = async (r: Redis, pattern: string): Promise<string[]> => {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
};

/**
 * `count` cluster-enabled redis-servers, each owning an even slot range (as redis-cli would split
 * them), joined with CLUSTER MEET; resolves once every node reports `cluster_state:ok`.
 */
export const startLocalCluster = async (binary: string, count = 3): Promise<LocalCluster> => {
  const masters = await Promise.all(Array.from({ length: count }, () => spawnRedis(binary, clusterArgs)));
  const admins = masters.map((m) => new Redis(m.url));
  const stop = async () => {
    for (const a of admins) a.disconnect();
    await Promise.all(masters.map((m) => m.stop()));
  };
  try {
    const ranges = evenSlotRanges(count);
    await Promise.all(admins.map((a, i) => a.call('CLUSTER', 'ADDSLOTSRANGE', String(ranges[i]?.[0]), String(ranges[i]?.[1]))));
    for (const m of masters.slice(1)) await admins[0]?.call('CLUSTER', 'MEET', '127.0.0.1', String(m.port));
    await eventually(async () => (await Promise.all(admins.map((a) => a.call('CLUSTER', 'INFO')))).every((info) => String(info).includes('cluster_state:ok')), 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    masters,
    urls: masters.map((m) => m.url),
    keysPerMaster: () => Promise.all(admins.map((a) => a.dbsize())),
    scanPerMaster: (pattern) => Promise.all(admins.map((a) => scan(a, pattern))),
    stop,
  };
};
