import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/redis/local-server.js';
import { eventually } from './pipeline.js';

/** A redis-server this helper spawned (startRedisServer takes no extra arguments such as --replicaof). */
export type SpawnedRedis = { port: number; url: string; stop(): Promise<void> };

export const spawnRedis = async (binary: string, extra: string[]): Promise<SpawnedRedis> => {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'otp-courier-replica-'));
  const child: ChildProcess = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 1 });
  probe.on('error', () => {}); // refused until the server listens
  try {
    await eventually(() => probe.ping().then(() => true, () => false), 10_000);
  } finally {
    probe.disconnect();
  }
  return {
    port,
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
};

/** Resolves once `primary` reports `count` replicas online. */
export const replicasOnline = (primary: Redis, count: number) =>
  eventually(async () => [...(await primary.info('replication')).matchAll(/^slave\d+:.*state=online/gm)].length >= count, 15_000);

/** A replica of the standalone server on `primaryPort`, in sync once this resolves. */
export const startReplica = async (binary: string, primaryPort: number): Promise<SpawnedRedis> => {
  const replica = await spawnRedis(binary, ['--replicaof', '127.0.0.1', String(primaryPort)]);
  const primary = new Redis(`redis://127.0.0.1:${primaryPort}`);
  try {
    await replicasOnline(primary, 1);
  } finally {
    primary.disconnect();
  }
  return replica;
};

/** A one-node Redis Cluster that owns every slot. */
export const startClusterNode = async (binary: string): Promise<SpawnedRedis> => {
  const node = await spawnRedis(binary, ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1']);
  const admin = new Redis(node.url);
  try {
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await eventually(async () => String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), 10_000);
  } finally {
    admin.disconnect();
  }
  return node;
};

/** A cluster node that joins `master`'s cluster as its replica, in sync once this resolves. */
export const startClusterReplica = async (binary: string, master: SpawnedRedis): Promise<SpawnedRedis> => {
  const node = await spawnRedis(binary, ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1']);
  const [admin, primary] = [new Redis(node.url), new Redis(master.url)];
  try {
    const masterId = String(await primary.call('CLUSTER', 'MYID'));
    await admin.call('CLUSTER', 'MEET', '127.0.0.1', String(master.port));
    await eventually(async () => String(await admin.call('CLUSTER', 'NODES')).includes(masterId), 10_000);
    await eventually(() => admin.call('CLUSTER', 'REPLICATE', masterId).then(() => true, () => false), 10_000);
    await replicasOnline(primary, 1);
    await eventually(async () => String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), 10_000);
  } finally {
    admin.disconnect();
    primary.disconnect();
  }
  return node;
};
