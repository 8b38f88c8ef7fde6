import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { listDeadLetters } from '../../src/dlq/operations.js';
import { deadLetterQueueName } from '../../src/messages/job-data.js';
import { defineProvider, type OutgoingMessage } from '../../src/providers/types.js';
import { eventually, startPipeline, uniqueQueue, type Pipeline } from '../helpers/pipeline.js';

/**
 * The sent marker: written right after the provider accepts, checked before any re-run. A job whose
 * completion is lost after the send (here: its lock taken away while the provider call is in
 * flight, as when a worker stalls past lockDurationMs) is recovered as stalled and run again; the
 * marker stops the second send. A plain BullMQ worker would send it twice.
 */
describe('sent marker', () => {
  let redis: Redis;
  let pipeline: Pipeline | undefined;
  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
  });
  afterAll(() => redis.disconnect());
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  /** Accepts every message; during the first send of each, deletes the job's lock (it "expired"). */
  const lockLosingProvider = (prefix: string) => {
    const sent: OutgoingMessage[] = [];
    const definition = defineProvider({
      id: 'lock-losing',
      channels: ['sms'],
      configSchema: z.strictObject({}),
      create: () => ({
        templates: [],
        acceptsRenderedContent: true,
        async send(message) {
          if (!sent.some((m) => m.id === message.id)) await redis.del(`${prefix}:otp:${message.id}:lock`);
          sent.push(message);
          return {};
        },
        async close() {},
      }),
    });
    return { definition, sent };
  };

  it('a job whose completion was lost after the provider accepted is not sent again when recovered', async () => {
    const prefix = `{${uniqueQueue()}}`;
    const provider = lockLosingProvider(prefix);
    pipeline = await startPipeline({
      providers: [provider.definition],
      config: { redis: { prefix }, queue: { lockDurationMs: 1000 }, sms: { active: 'flaky', connectors: { flaky: { provider: 'lock-losing', config: {} } } } },
    });
    const p = pipeline;
    const ids = await Promise.all(
      ['+14155550101', '+14155550102', '+14155550103'].map(async (to, i) => (await p.producer.send({ channel: 'sms', to, type: 'SignIn', payload: { code: `10000${i}` } })).id),
    );
    for (const id of ids) expect(await p.producer.waitFor(id, { timeoutMs: 15_000 })).toBe('delivered');
    // Each job ran twice (the second run after stalled-job recovery) but was sent once.
    expect(provider.sent.map((m) => m.id).sort()).toEqual([...ids].sort());
    const skipped = () => p.logs.filter((l) => l.includes('not sent again'));
    await eventually(() => skipped().length === ids.length);
    for (const line of skipped()) expect(JSON.parse(line)).toMatchObject({ provider: 'lock-losing', outcome: 'delivered', attempt: expect.any(Number) });
    // Counted once, by the run that got the provider's answer; nothing dead-lettered.
    expect(await p.metric('otp_messages_total', { channel: 'sms', result: 'delivered' })).toBe(ids.length);
    expect(await p.metric('otp_messages_total', { result: 'dead_lettered' })).toBe(0);
    const deadLetters = new Queue(deadLetterQueueName('otp'), { connection: redis, prefix });
    try {
      expect(await listDeadLetters({ deadLetters })).toEqual([]);
    } finally {
      await deadLetters.close();
    }
  });

  it('baseline: a plain BullMQ worker in the same situation sends the message twice', async () => {
    const prefix = `{${uniqueQueue()}}`;
    const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const queue = new Queue('plain', { connection, prefix });
    const sends: string[] = [];
    const worker = new Worker(
      'plain',
      async (job) => {
        if (!sends.includes(job.id ?? '')) await redis.del(`${prefix}:plain:${job.id}:lock`);
        sends.push(job.id ?? '');
        return 'sent';
      },
      { connection, prefix, lockDuration: 1000, stalledInterval: 500 },
    );
    worker.on('error', () => {});
    try {
      const job = await queue.add('m', {}, { jobId: 'm1' });
      await eventually(async () => (await job.getState()) === 'completed', 15_000);
      expect(sends).toEqual(['m1', 'm1']);
    } finally {
      await worker.close();
      await queue.close();
      connection.disconnect();
    }
  });
});
