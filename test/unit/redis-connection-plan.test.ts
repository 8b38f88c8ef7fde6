import { createServer, type AddressInfo, type Server } from 'node:net';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND_TIMEOUT_MS, connectionPlan, createRedis, type ConnectionPlan, type RedisRole } from '../../src/redis/connection.js';
import { eventually } from '../helpers/pipeline.js';

const redisOptions = (plan: ConnectionPlan): RedisOptions => {
  if (plan.kind !== 'redis') throw new Error('expected a plain or Sentinel connection');
  return plan.options;
};
const clusterOptions = (plan: ConnectionPlan): ClusterOptions & { nodes: { host: string; port: number }[] } => {
  if (plan.kind !== 'cluster') throw new Error('expected a Cluster');
  return { ...plan.options, nodes: plan.nodes };
};

/** No option anywhere in the plan turns certificate checks off. */
const checksStayOn = (plan: ConnectionPlan) => expect(JSON.stringify(plan)).not.toMatch(/rejectUnauthorized|checkServerIdentity/);

describe('connectionPlan: TLS', () => {
  const sentinel = (...nodes: string[]) => ({ sentinel: { name: 'mymaster', nodes } });
  it.each([
    ['plain sentinels', sentinel('redis://10.0.0.1:26379', 'redis://10.0.0.2'), false],
    ['rediss:// sentinels', sentinel('rediss://:s3cret@sentinel-a.internal:26380', 'rediss://sentinel-b.internal'), true],
    ['one rediss:// among them', sentinel('redis://10.0.0.1:26379', 'rediss://10.0.0.2:26379'), true],
  ] as const)('%s: TLS to the sentinels and the data nodes = %s', (_name, spec, tls) => {
    const plan = connectionPlan(spec, 'worker');
    const o = redisOptions(plan);
    expect(o.name).toBe('mymaster');
    if (tls) {
      expect(o).toMatchObject({ sentinelTLS: {}, tls: {}, enableTLSForSentinelMode: true });
      // No servername pinned: each certificate is checked against the host dialled.
      expect(o.tls).toEqual({});
      expect(o.sentinelTLS).toEqual({});
    } else {
      expect(o.sentinelTLS).toBeUndefined();
      expect(o.tls).toBeUndefined();
      expect(o.enableTLSForSentinelMode).toBeUndefined();
    }
    checksStayOn(plan);
  });

  it('rediss:// sentinels: hosts, default port 26379, one password for sentinels and data nodes', () => {
    const o = redisOptions(connectionPlan(sentinel('rediss://app:s3cret@sentinel-a.internal:26380', 'rediss://sentinel-b.internal'), 'producer'));
    expect(o.sentinels).toEqual([
      { host: 'sentinel-a.internal', port: 26380 },
      { host: 'sentinel-b.internal', port: 26379 },
    ]);
    expect(o).toMatchObject({ sentinelUsername: 'app', username: 'app', sentinelPassword: 's3cret', password: 's3cret' });
  });

  it.each([
    ['redis://cache.internal:6379', undefined],
    ['rediss://cache.internal:6380', { servername: 'cache.internal' }],
  ])('URL %s: tls %j', (url, tls) => {
    const plan = connectionPlan(url, 'producer');
    expect(redisOptions(plan).tls).toEqual(tls);
    checksStayOn(plan);
  });

  it.each([
    [['redis://node-a:7000', 'redis://node-b:7001'], false],
    [['rediss://user:pw@node-a.internal:7000', 'rediss://node-b.internal:7001'], true],
  ] as const)('cluster seeds %j: TLS to every node = %s, seeds dialled by name', (seeds, tls) => {
    const plan = connectionPlan({ cluster: seeds }, 'worker');
    const o = clusterOptions(plan);
    expect(o.nodes.map((n) => n.host)).toEqual(seeds.map((s) => new URL(s).hostname));
    expect(o.redisOptions?.tls).toEqual(tls ? {} : undefined);
    if (tls) {
      expect(o.redisOptions).toMatchObject({ username: 'user', password: 'pw' });
      // ioredis would otherwise resolve a seed to its IP first, and a certificate for the name would not verify.
      let looked: string | undefined;
      o.dnsLookup?.('node-a.internal', (_err, address) => (looked = address));
      expect(looked).toBe('node-a.internal');
    } else {
      expect(o.dnsLookup).toBeUndefined();
    }
    checksStayOn(plan);
  });
});

describe('connectionPlan: roles', () => {
  it.each<[RedisRole, Partial<RedisOptions>]>([
    ['worker', { maxRetriesPerRequest: null }],
    ['commands', { maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS, connectTimeout: COMMAND_TIMEOUT_MS, enableOfflineQueue: true }],
    ['producer', { maxRetriesPerRequest: 1, commandTimeout: 1500, enableOfflineQueue: false }],
  ])('%s', (role, expected) => {
    const o = redisOptions(connectionPlan('redis://127.0.0.1:6379', role));
    expect(o).toMatchObject(expected);
    if (role !== 'worker') expect(o.commandTimeout).toBeLessThanOrEqual(1500);
    else expect(o.commandTimeout).toBeUndefined();
  });

  it.each<[RedisRole, boolean]>([
    ['worker', true],
    ['commands', false],
    ['producer', false],
  ])('cluster %s: offline queue %s (queued cluster commands get no command timeout)', (role, queue) => {
    expect(clusterOptions(connectionPlan({ cluster: ['redis://a:7000'] }, role)).enableOfflineQueue).toBe(queue);
  });
});

/** A TCP server on 127.0.0.1 that records the first bytes each client sends, and answers nothing. */
const listen = async (): Promise<{ server: Server; port: number; first: Buffer[] }> => {
  const first: Buffer[] = [];
  const server = createServer((socket) => {
    socket.once('data', (chunk: Buffer) => first.push(chunk));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, first };
};

describe('what goes on the wire first (a TCP server posing as a sentinel or a cluster seed)', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });

  it.each([
    ['rediss:// sentinel', (port: number) => ({ sentinel: { name: 'mymaster', nodes: [`rediss://:s3cret@127.0.0.1:${port}`] } }), 0x16],
    ['redis:// sentinel', (port: number) => ({ sentinel: { name: 'mymaster', nodes: [`redis://:s3cret@127.0.0.1:${port}`] } }), 0x2a],
    ['rediss:// cluster seed', (port: number) => ({ cluster: [`rediss://:s3cret@127.0.0.1:${port}`] }), 0x16],
  ] as const)('%s: first byte %d', async (_name, spec, byte) => {
    const { server, port, first } = await listen();
    const redis = createRedis(spec(port), 'producer');
    cleanup.push(() => {
      redis.disconnect();
      server.close();
    });
    await eventually(() => first.length > 0, 5000);
    const bytes = first[0] ?? Buffer.alloc(0);
    // 0x16: a TLS handshake record (ClientHello); 0x2a: '*', a plain RESP command.
    expect(bytes[0]).toBe(byte);
    if (byte === 0x16) expect(bytes.includes('s3cret')).toBe(false);
  });
});
