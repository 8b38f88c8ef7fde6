import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { listDeadLetters, replayDeadLetter, showDeadLetter } from '../../src/dlq/operations.js';
import { openMessageQueues } from '../../src/messages/queues.js';
import { startPipeline } from '../helpers/pipeline.js';
import { createScriptedProvider } from '../helpers/scripted-provider.js';

/**
 * Dead letters stored before reasons were codes (the reason a sentence, no detail) still list,
 * show and replay: an upgrade leaves the dead-letter queue usable.
 */
describe('a dead letter from before reason codes', () => {
  it('lists with its sentence as the reason, shows a null detail, and replays to delivered', async () => {
    const scripted = createScriptedProvider('scripted', ['ok']);
    const pipeline = await startPipeline({
      providers: [scripted.definition],
      startWorker: false,
      config: { sms: { active: 'hook', connectors: { hook: { provider: 'scripted', config: {} } } } },
    });
    const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const queues = openMessageQueues(pipeline.loaded.config.queue.name, redis, pipeline.loaded.config.redis.prefix);
    try {
      const { queue, deadLetters } = queues;
      const { id } = await pipeline.producer.send({ channel: 'sms', to: '+14155550123', type: 'SignIn', payload: { code: '515151' } });
      const job = await queue.getJob(id);
      const original = job?.data as Record<string, unknown>;
      await job?.remove();
      // The record an older worker wrote: reason = the provider's sentence, no `detail` field.
      const sentence = 'scripted: vendor unavailable (http_503); attempts exhausted';
      await deadLetters.add('SignIn', { id, channel: 'sms', type: 'SignIn', reason: sentence, provider: 'scripted', providerCode: 'http_503', attempts: 3, failedAt: Date.now(), original }, { jobId: id });

      expect(await listDeadLetters({ deadLetters })).toEqual([expect.objectContaining({ id, reason: sentence, provider: 'scripted', providerCode: 'http_503', attempts: 3 })]);
      expect(await showDeadLetter({ deadLetters }, id)).toMatchObject({ id, reason: sentence, detail: null });

      await pipeline.startWorker();
      expect(await replayDeadLetter(queues, id)).toBe(true);
      expect(await pipeline.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
      expect(scripted.sent.map((m) => m.id)).toEqual([id]);
      expect(await listDeadLetters({ deadLetters })).toEqual([]);
    } finally {
      await queues.close();
      await pipeline.close();
      redis.disconnect();
    }
  });
});
