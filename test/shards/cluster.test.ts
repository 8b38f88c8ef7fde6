import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { producerOptionsFromConfig, startWorkerRuntime } from '../../src/cli/runtime.js';
import { parseConfig, type LoadedConfig } from '../../src/config/load.js';
import { shardLayout, shardRefOfId } from '../../src/messages/shards.js';
import { createProducer } from '../../src/producer/index.js';
import { BUILTIN_PROVIDERS, createProviderRegistry } from '../../src/providers/registry.js';
import { freePort } from '../../src/redis/local-server.js';
import { runCli, spawnCli, writeConfig } from '../helpers/cli.js';
import { startLocalCluster, type LocalCluster } from '../helpers/cluster.js';
import { metricValue } from '../helpers/metrics.js';
import { eventually } from '../helpers/pipeline.js';
import { createScriptedProvider } from '../helpers/scripted-provider.js';
import { removeDir, silentLogger, tempDir, unique } from '../ingest/support/harness.js';

const binary = inject('redisServerBinary');
const SHARDS = 3;

const phone = (i: number) => `+4479111${String(i).padStart(5, '0')}`;

/**
 * SPEC §10 on a real three-master Redis Cluster whose masters own even slot ranges (as
 * `redis-cli --cluster create` splits them): three shards land one per master.
 */
describe.skipIf(!binary)('shards on a three-master Redis Cluster', () => {
  let cluster: LocalCluster;
  let dir: string;
  const scripted = createScriptedProvider('scripted');
  const raw = (prefix: string, extra: Record<string, unknown> = {}) => ({
    redis: { cluster: cluster.urls, prefix },
    queue: { name: 'otp', shards: SHARDS, concurrency: 6, attempts: 2, backoff: { delayMs: 10, maxDelayMs: 20 }, shutdownGraceSeconds: 2 },
    email: { active: 'main', connectors: { main: { provider: 'scripted' } } },
    sms: { active: 'main', connectors: { main: { provider: 'scripted' } } },
    ...extra,
  });
  /** For the CLI (built-in providers only): both channels to an outbox file. */
  const cliRaw = (prefix: string, outbox: string, extra: Record<string, unknown> = {}) => {
    const main = { active: 'main', connectors: { main: { provider: 'outbox', config: { path: outbox } } } };
    return raw(prefix, { email: main, sms: main, ...extra });
  };
  const load = (config: Record<string, unknown>): LoadedConfig => parseConfig(config, createProviderRegistry([...BUILTIN_PROVIDERS, scripted.definition]), {});

  beforeAll(async () => {
    cluster = await startLocalCluster(binary, 3);
    dir = await tempDir();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    if (dir) await removeDir(dir);
  });

  it('delivers every message once across the shards with two workers, one shard per master; waitFor and status find each', async () => {
    const prefix = `{${unique('s')}}`;
    const loaded = load(raw(prefix));
    const producer = createProducer(producerOptionsFromConfig(loaded));
    const registry = new Registry();
    const workers = await Promise.all([startWorkerRuntime(loaded, silentLogger, registry, { ops: false }), startWorkerRuntime(loaded, silentLogger, new Registry(), { ops: false })]);
    try {
      const ids = await Promise.all(Array.from({ length: 60 }, (_, i) => producer.send({ channel: 'sms', to: phone(i), type: 'SignIn', payload: { code: String(100000 + i) } }).then((r) => r.id)));
      expect(new Set(ids.map((id) => shardRefOfId(id).index))).toEqual(new Set([0, 1, 2]));
      expect(await Promise.all(ids.map((id) => producer.waitFor(id, { timeoutMs: 20_000 })))).toEqual(ids.map(() => 'delivered'));
      const sent = scripted.sent.filter((m) => ids.includes(m.id));
      expect(sent).toHaveLength(60);
      expect(new Set(sent.map((m) => m.id)).size).toBe(60);
      expect((await producer.status(ids[0] ?? '')).outcome).toBe('delivered');
      // Each master holds exactly one shard's queue keys.
      const perMaster = await cluster.scanPerMaster(`${prefix.slice(0, -1)}-*`);
      const shardsOn = perMaster.map((keys) => new Set(keys.map((k) => /:otp-(\d)of3:/.exec(k)?.[1]).filter(Boolean)));
      expect(shardsOn.map((s) => [...s])).toEqual([['0'], ['1'], ['2']]);
      // Sent markers too: each master holds those of its own shard's messages.
      const markers = perMaster.map((keys) => keys.flatMap((k) => /:sent:s(\d)of3-/.exec(k)?.[1] ?? []));
      expect(markers.map((m) => [...new Set(m)])).toEqual([['0'], ['1'], ['2']]);
      expect(markers.flat()).toHaveLength(60);
      // One gauge series per shard.
      for (const shard of shardLayout({ name: 'otp', prefix }, SHARDS)) expect(await metricValue(registry, 'otp_queue_jobs', { queue: shard.name, state: 'waiting' })).toBe(0);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await producer.close();
    }
  });

  it('keeps the per-recipient limit exact across producers (one recipient, one shard)', async () => {
    const loaded = load(raw(`{${unique('l')}}`, { limits: { perRecipient: { max: 3, windowSeconds: 60 } } }));
    const [one, two] = [createProducer(producerOptionsFromConfig(loaded)), createProducer(producerOptionsFromConfig(loaded))];
    try {
      const tries = Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).send({ channel: 'sms', to: phone(999), type: 'SignIn', payload: { code: '123456' } }));
      const results = await Promise.allSettled(tries);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      const shards = new Set(results.flatMap((r) => (r.status === 'fulfilled' ? [shardRefOfId(r.value.id).index] : [])));
      expect(shards.size).toBe(1);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('dlq list and replay cover every shard', async () => {
    const prefix = `{${unique('d')}}`;
    const configPath = await writeConfig(join(dir, `dlq-${unique('c')}.json`), cliRaw(prefix, join(dir, 'dlq-outbox.jsonl')));
    const loaded = load(raw(prefix));
    const producer = createProducer(producerOptionsFromConfig(loaded));
    scripted.script([{ fail: 'permanent', code: 'refused' }]);
    const worker = await startWorkerRuntime(loaded, silentLogger, new Registry(), { ops: false });
    try {
      const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => producer.send({ channel: 'sms', to: phone(200 + i), type: 'SignIn', payload: { code: '123456' } }).then((r) => r.id)));
      expect(await Promise.all(ids.map((id) => producer.waitFor(id, { timeoutMs: 20_000 })))).toEqual(ids.map(() => 'dead'));
      await worker.close();
      const listed = await runCli(['dlq', 'list', '--json', '--config', configPath]);
      expect(listed.code).toBe(0);
      const letters = JSON.parse(listed.stdout) as { id: string }[];
      expect(letters.map((l) => l.id).sort()).toEqual([...ids].sort());
      expect(new Set(letters.map((l) => shardRefOfId(l.id).index)).size).toBe(3);
      const one = ids[0] ?? '';
      expect((await runCli(['dlq', 'show', one, '--config', configPath])).stdout).toContain('refused');
      const replayed = await runCli(['dlq', 'replay', '--all', '--config', configPath]);
      expect(replayed.stdout).toContain('replayed 12');
    } finally {
      scripted.script(['ok']);
      await worker.close();
      await producer.close();
    }
  });

  it('a worker started with --shards 0 consumes shard 0 only', async () => {
    const prefix = `{${unique('w')}}`;
    const outbox = join(dir, `only-${unique('o')}.jsonl`);
    const metricsPort = await freePort();
    const config = cliRaw(prefix, outbox, { metrics: { port: metricsPort, host: '127.0.0.1' } });
    const configPath = await writeConfig(join(dir, `only-${unique('c')}.json`), config);
    const producer = createProducer(producerOptionsFromConfig(load(raw(prefix))));
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => producer.send({ channel: 'sms', to: phone(500 + i), type: 'SignIn', payload: { code: '123456' } }).then((r) => r.id)));
    const onZero = ids.filter((id) => shardRefOfId(id).index === 0);
    expect(onZero.length).toBeGreaterThan(0);
    expect(onZero.length).toBeLessThan(30);
    const worker = spawnCli(['worker', '--shards', '0', '--config', configPath]);
    try {
      const delivered = async () => (await readFile(outbox, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
      await eventually(async () => (await delivered()).length >= onZero.length, 20_000);
      expect((await delivered()).sort()).toEqual([...onZero].sort());
      // The others wait for a worker that lists their shard.
      const others = ids.filter((id) => !onZero.includes(id));
      expect(await Promise.all(others.map((id) => producer.status(id).then((s) => s.outcome)))).toEqual(others.map(() => 'pending'));
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toContain('otp_queue_jobs{queue="otp-0of3",state="waiting"}');
      expect(metrics).not.toContain('otp-1of3');
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
      await producer.close();
    }
  });

  it('refuses --shards naming a shard that does not exist', async () => {
    const configPath = await writeConfig(join(dir, `bad-${unique('c')}.json`), cliRaw(`{${unique('b')}}`, join(dir, 'x.jsonl')));
    const result = await runCli(['worker', '--shards', '3', '--config', configPath]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('shard 3 does not exist (queue.shards is 3: 0-2)');
  });
});
