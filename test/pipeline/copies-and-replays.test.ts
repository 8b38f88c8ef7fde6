import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateKey } from '../../src/crypto/key-ring.js';
import { AlreadyAcceptedError, listDeadLetters, replayAllDeadLetters, replayDeadLetter } from '../../src/dlq/operations.js';
import { deadLetterQueueName } from '../../src/messages/job-data.js';
import { addDeadLetter } from '../../src/messages/dead-letter.js';
import { eventually, startPipeline, type Pipeline } from '../helpers/pipeline.js';
import { createScriptedProvider } from '../helpers/scripted-provider.js';

/**
 * Someone with write access to Redis copies a job, re-adds one that was sent, or an operator
 * replays a dead letter whose message a provider had in fact accepted: none of them is sent again.
 */
let redis: Redis;
let pipeline: Pipeline | undefined;
let queues: { queue: Queue; deadLetters: Queue } | undefined;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
});
afterAll(() => redis.disconnect());
afterEach(async () => {
  await Promise.all([queues?.queue.close(), queues?.deadLetters.close()]);
  await pipeline?.close();
  pipeline = undefined;
  queues = undefined;
});

const setup = async (config: Record<string, unknown> = {}) => {
  const scripted = createScriptedProvider('scripted', ['ok']);
  pipeline = await startPipeline({
    providers: [scripted.definition],
    startWorker: false,
    config: { sms: { active: 'hook', connectors: { hook: { provider: 'scripted', config: {} } } }, ...config },
  });
  const { name } = pipeline.loaded.config.queue;
  const { prefix } = pipeline.loaded.config.redis;
  queues = { queue: new Queue(name, { connection: redis, prefix }), deadLetters: new Queue(deadLetterQueueName(name), { connection: redis, prefix }) };
  return { p: pipeline, scripted, ...queues };
};

const send = async (p: Pipeline, code: string) => (await p.producer.send({ channel: 'sms', to: '+14155550123', type: 'SignIn', payload: { code } })).id;

describe('copies of a job in Redis', () => {
  it('with encryption on, a sealed job copied to another job id is never sent, with or without its message id changed', async () => {
    const { p, scripted, queue, deadLetters } = await setup({ security: { encryptionKeys: { current: 'k1', keys: { k1: generateKey() } } } });
    const id = await send(p, '111111');
    const data = (await queue.getJob(id))?.data as Record<string, unknown>;
    expect(typeof data.sealed).toBe('string');
    await queue.add('SignIn', data, { jobId: 'copy-same-data' });
    await queue.add('SignIn', { ...data, id: 'copy-own-id' }, { jobId: 'copy-own-id' });
    await p.startWorker();
    expect(await p.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    const letters = await eventually(async () => {
      const l = await listDeadLetters({ deadLetters });
      return l.length === 2 ? l : undefined;
    });
    expect(Object.fromEntries((letters ?? []).map((l) => [l.id, l.reason]))).toEqual({ 'copy-same-data': 'id_mismatch', 'copy-own-id': 'decrypt_failed' });
    expect(scripted.sent.map((m) => m.id)).toEqual([id]);
  });

  it('a job re-added under its own id after it was sent finds the sent marker on its first run and is not sent again', async () => {
    const { p, scripted, queue } = await setup();
    await p.startWorker();
    const id = await send(p, '222222');
    expect(await p.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    const job = await queue.getJob(id);
    const data = job?.data as Record<string, unknown>;
    await job?.remove();
    await queue.add('SignIn', data, { jobId: id });
    await eventually(async () => (await (await queue.getJob(id))?.getState()) === 'completed');
    expect(scripted.sent.map((m) => m.id)).toEqual([id]);
    expect(p.logs.some((l) => l.includes('not sent again'))).toBe(true);
  });
});

describe('dlq replay of a message a provider accepted', () => {
  it('is refused with a clear error and sends nothing; replay --all skips it and says how many', async () => {
    const { p, scripted, queue, deadLetters } = await setup();
    await p.startWorker();
    const accepted = await send(p, '333333');
    expect(await p.producer.waitFor(accepted, { timeoutMs: 10_000 })).toBe('delivered');
    // The job ends in the dead-letter queue after its send, e.g. failed as stalled too often.
    const job = await queue.getJob(accepted);
    if (!job) throw new Error('job not found');
    await addDeadLetter(deadLetters, job, { reason: 'failed_outside_pipeline', detail: 'job stalled more than allowable limit', attempts: 1 });
    // …and one that was never accepted.
    scripted.script([{ fail: 'permanent', code: '21211' }, 'ok']);
    const refused = await send(p, '444444');
    expect(await p.producer.waitFor(refused, { timeoutMs: 10_000 })).toBe('dead');

    const error = await replayDeadLetter({ queue, deadLetters }, accepted).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlreadyAcceptedError);
    expect((error as Error).message).toBe(`message ${accepted} was already accepted by scripted; not replayed (purge it instead)`);

    expect(await replayAllDeadLetters({ queue, deadLetters })).toEqual({ replayed: 1, alreadyAccepted: 1 });
    expect(await p.producer.waitFor(refused, { timeoutMs: 10_000 })).toBe('delivered');
    expect(scripted.sent.map((m) => m.id)).toEqual([accepted, refused]);
    // The accepted one stays in the dead-letter queue for the operator to purge.
    expect((await listDeadLetters({ deadLetters })).map((l) => l.id)).toEqual([accepted]);
  });
});
