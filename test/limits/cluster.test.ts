import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateKey } from '../../src/crypto/key-ring.js';
import { createProducer, type Producer } from '../../src/producer/index.js';
import { freePort } from '../../src/redis/local-server.js';
import { pollUntil, removeDir, tempDir, unique } from '../ingest/support/harness.js';

const binary = inject('redisServerBinary');

/**
 * A one-node Redis Cluster owning every slot: it still refuses a script whose keys hash to
 * different slots (CROSSSLOT), so it proves the limit keys follow the cluster key rules.
 */
describe.skipIf(!binary)('limits on Redis Cluster', () => {
  let child: ChildProcess;
  let dir: string;
  let url: string;
  let admin: Redis;
  let producer: Producer;
  let sealedProducer: Producer;
  let conversionProducer: Producer;

  beforeAll(async () => {
    dir = await tempDir();
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `${dir}/nodes.conf`, '--cluster-announce-ip', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    admin = new Redis(url, { lazyConnect: true, retryStrategy: () => 50 });
    admin.on('error', () => {}); // refused until the node listens
    await pollUntil(() => admin.connect().then(() => true, () => undefined), 10_000, 'cluster node up');
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await pollUntil(async () => ((await admin.call('CLUSTER', 'INFO')) as string).includes('cluster_state:ok') || undefined, 10_000, 'cluster_state:ok');
    producer = createProducer({
      connection: { cluster: [url] },
      queue: unique('q'),
      prefix: `{${unique('c')}}`,
      limits: { perRecipient: { max: 2, windowSeconds: 60 }, perIp: { max: 10, windowSeconds: 60 }, sms: { allowCountries: ['US'] } },
    });
    sealedProducer = createProducer({
      connection: { cluster: [url] },
      queue: unique('q'),
      prefix: `{${unique('c')}}`,
      encryptionKeys: { current: 'k1', keys: { k1: generateKey() } },
      limits: { perRecipient: { max: 2, windowSeconds: 60 }, perIp: { max: 10, windowSeconds: 60 } },
    });
    conversionProducer = createProducer({
      connection: { cluster: [url] },
      queue: unique('q'),
      prefix: `{${unique('c')}}`,
      encryptionKeys: { current: 'k1', keys: { k1: generateKey() } },
      limits: { sms: { perPrefix: { max: 100, windowSeconds: 60, digits: 8 }, minConversion: { ratio: 0.5, minSends: 3, windowSeconds: 60, blockSeconds: 60 } } },
    });
  });
  afterAll(async () => {
    await producer?.close();
    await sealedProducer?.close();
    await conversionProducer?.close();
    admin?.disconnect();
    if (child && child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    if (dir) await removeDir(dir);
  });

  it('the node enforces slot rules (sanity check of the setup)', async () => {
    await expect(admin.eval("return redis.call('GET', KEYS[2])", 2, 'a', 'b')).rejects.toThrow(/CROSSSLOT/);
  });

  it('checks the per-IP and per-recipient windows in one script without CROSSSLOT, and limits', async () => {
    const send = () => producer.send({ channel: 'sms', to: '+14155550123', type: 'SignIn', payload: { code: '1' }, ip: '203.0.113.7' });
    expect((await send()).duplicate).toBe(false);
    await send();
    await expect(send()).rejects.toMatchObject({ name: 'RateLimitedError', scope: 'recipient' });
  });

  it('with payload keys: the limit key and its guard live in the same slot as the counters', async () => {
    const send = () => sealedProducer.send({ channel: 'sms', to: '+14155550123', type: 'SignIn', payload: { code: '1' }, ip: '203.0.113.7' });
    await send();
    await send();
    await expect(send()).rejects.toMatchObject({ name: 'RateLimitedError', scope: 'recipient' });
  });

  it('minConversion: the pending and id marks, the prefix windows and the block key share the queue\'s slot', async () => {
    const send = (n: number) => conversionProducer.send({ channel: 'sms', to: `+1415555010${n}`, type: 'SignIn', payload: { code: '1' } });
    const { id } = await send(0);
    expect(await conversionProducer.verified({ id })).toEqual({ converted: true });
    await send(1);
    expect(await conversionProducer.verified({ channel: 'sms', to: '+14155550101' })).toEqual({ converted: true });
    for (const n of [2, 3, 4]) await send(n);
    await expect(send(5)).rejects.toMatchObject({ name: 'RateLimitedError', scope: 'conversion' });
  });
});
