import { Registry } from 'prom-client';
import { describe, expect, inject, it } from 'vitest';
import { producerOptionsFromConfig, startWorkerRuntime } from '../../src/cli/runtime.js';
import { parseConfig } from '../../src/config/load.js';
import { shardLayout, shardRefOfId } from '../../src/messages/shards.js';
import { openShardedQueues } from '../../src/messages/sharded-queues.js';
import { Redis } from 'ioredis';
import { eventually } from '../helpers/pipeline.js';
import { createProducer } from '../../src/producer/index.js';
import { BUILTIN_PROVIDERS, createProviderRegistry } from '../../src/providers/registry.js';
import { createScriptedProvider } from '../helpers/scripted-provider.js';
import { silentLogger, startIngest, unique } from '../ingest/support/harness.js';

const phone = (i: number) => `+4479112${String(i).padStart(5, '0')}`;

/**
 * Changing `queue.shards` (docs/shards.md): producers switch to the new count at once; workers
 * still configured with the old one drain the old shards, workers with the new one take the new
 * shards. Nothing is lost or sent twice, and an id sent under the old count is still found.
 */
describe('changing queue.shards: drain, then switch', () => {
  const scripted = createScriptedProvider('scripted');
  const config = (prefix: string, shards: number, sms: Record<string, unknown> = { provider: 'scripted' }) =>
    parseConfig(
      {
        redis: { url: inject('redisUrl'), prefix },
        queue: { name: 'otp', shards, concurrency: 4, shutdownGraceSeconds: 2 },
        email: { active: 'main', connectors: { main: { provider: 'scripted' } } },
        sms: { active: 'main', connectors: { main: sms } },
        ingest: { port: 0, host: '127.0.0.1' },
      },
      createProviderRegistry([...BUILTIN_PROVIDERS, scripted.definition]),
      {},
    );
  const sendAll = (producer: ReturnType<typeof createProducer>, from: number) =>
    Promise.all(Array.from({ length: 16 }, (_, i) => producer.send({ channel: 'sms', to: phone(from + i), type: 'SignIn', payload: { code: '123456' } }).then((r) => r.id)));

  it.each([
    [1, 3],
    [2, 4],
    [4, 2],
  ])('%i → %i shards: old workers drain the old shards, every message is delivered once, old ids stay readable', async (before, after) => {
    const prefix = `{${unique('r')}}`;
    const [oldConfig, newConfig] = [config(prefix, before), config(prefix, after)];
    const oldProducer = createProducer(producerOptionsFromConfig(oldConfig));
    const newProducer = createProducer(producerOptionsFromConfig(newConfig));
    const oldIds = await sendAll(oldProducer, 0);
    await oldProducer.close();
    const newIds = await sendAll(newProducer, 100);
    expect(new Set(oldIds.map((id) => shardRefOfId(id).count))).toEqual(new Set([before]));
    expect(new Set(newIds.map((id) => shardRefOfId(id).count))).toEqual(new Set([after]));
    const workers = [await startWorkerRuntime(oldConfig, silentLogger, new Registry(), { ops: false }), await startWorkerRuntime(newConfig, silentLogger, new Registry(), { ops: false })];
    try {
      // The new producer waits for, and reads, messages sent under the old shard count too.
      const all = [...oldIds, ...newIds];
      expect(await Promise.all(all.map((id) => newProducer.waitFor(id, { timeoutMs: 20_000 })))).toEqual(all.map(() => 'delivered'));
      expect((await newProducer.status(oldIds[0] ?? '')).outcome).toBe('delivered');
      const sent = scripted.sent.filter((m) => all.includes(m.id)).map((m) => m.id);
      expect(sent.sort()).toEqual([...all].sort());
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await newProducer.close();
    }
  });

  it('the ingest routes by recipient and answers ?wait= from the message\'s shard', async () => {
    const loaded = config(`{${unique('i')}}`, 4);
    const [ingest, worker] = [await startIngest(loaded), await startWorkerRuntime(loaded, silentLogger, new Registry(), { ops: false })];
    try {
      const answers = await Promise.all(
        [0, 1, 2, 3, 4, 5, 6, 7].map(async (i) => {
          const res = await fetch(`${ingest.url}/v1/sms?wait=10`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: phone(300 + i), type: 'SignIn', payload: { code: '123456' } }) });
          return { status: res.status, body: (await res.json()) as { id: string; outcome: string } };
        }),
      );
      expect(answers.map((a) => [a.status, a.body.outcome])).toEqual(answers.map(() => [200, 'delivered']));
      expect(answers.every((a) => shardRefOfId(a.body.id).count === 4)).toBe(true);
    } finally {
      await worker.close();
      await ingest.close();
    }
  });

  it('a connector\'s rate limit is shared by every shard (fleet-wide, under the configured prefix)', async () => {
    const prefix = `{${unique('g')}}`;
    const loaded = config(prefix, 3, { provider: 'scripted', rateLimit: { max: 5, perSeconds: 300 } });
    const producer = createProducer(producerOptionsFromConfig(loaded));
    const redis = new Redis(inject('redisUrl'));
    const queues = openShardedQueues(redis, { name: 'otp', prefix, count: 3 });
    const worker = await startWorkerRuntime(loaded, silentLogger, new Registry(), { ops: false });
    try {
      const ids = await sendAll(producer, 700);
      expect(new Set(ids.map((id) => shardRefOfId(id).index)).size).toBe(3);
      // Five sends in the window for the whole fleet; the other eleven wait (parked) on their shards.
      const counts = async () => {
        const per = await Promise.all(queues.all.map((q) => q.queue.getJobCounts('completed', 'delayed')));
        return { completed: per.reduce((n, c) => n + (c.completed ?? 0), 0), delayed: per.reduce((n, c) => n + (c.delayed ?? 0), 0) };
      };
      await eventually(async () => {
        const { completed, delayed } = await counts();
        return completed + delayed === 16 || undefined;
      }, 20_000).catch(async (e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(await Promise.all(queues.all.map((q) => q.queue.getJobCounts())))}`);
      });
      expect(await counts()).toEqual({ completed: 5, delayed: 11 });
      expect(queues.all.map((q) => q.shard.name)).toEqual(shardLayout({ name: 'otp', prefix }, 3).map((s) => s.name));
    } finally {
      await worker.close();
      await producer.close();
      await queues.close();
      redis.disconnect();
    }
  });

  it('a used code reported by its sharded id converts once', async () => {
    const producer = createProducer(producerOptionsFromConfig(config(`{${unique('v')}}`, 3)));
    try {
      const { id } = await producer.send({ channel: 'sms', to: phone(900), type: 'SignIn', payload: { code: '123456' } });
      expect(shardRefOfId(id).count).toBe(3);
      expect(await producer.verified({ id })).toEqual({ converted: true });
      expect(await producer.verified({ id })).toEqual({ converted: false });
    } finally {
      await producer.close();
    }
  });
});
