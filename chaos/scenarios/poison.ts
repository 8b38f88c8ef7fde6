import { randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createProducer } from '../../src/producer/index.js';
import { check, codeFor, countBy, deadLetters, newPrefix, PHONE, timed, waitAll, type ScenarioContext, type ScenarioResult } from '../lib/common.js';
import { startFleet } from '../lib/fleet.js';
import { startSink } from '../lib/sink.js';

const key = () => randomBytes(32).toString('base64');

/**
 * (d) Poison jobs (raw `queue.add` of garbage) and jobs sealed with a key id the workers do not
 * have, mixed with good ones. The bad ones must be dead-lettered, the good ones delivered.
 */
export const poison = (ctx: ScenarioContext): Promise<ScenarioResult> =>
  timed('d-poison', async () => {
    const good = Math.max(60, Math.round(1000 * ctx.scale));
    const garbage = Math.max(10, Math.round(100 * ctx.scale));
    const foreign = Math.max(10, Math.round(100 * ctx.scale));
    const ring = { current: 'k1', keys: { k1: key() } };
    const sink = await startSink();
    const prefix = newPrefix('poison');
    const fleet = await startFleet({ redisUrl: ctx.redisUrl, prefix, sinkUrl: sink.url, concurrency: 50, encryptionKeys: ring });
    const producer = createProducer({ connection: ctx.redisUrl, prefix, encryptionKeys: ring });
    const stranger = createProducer({ connection: ctx.redisUrl, prefix, encryptionKeys: { current: 'k9', keys: { k9: key() } } });
    const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
    const raw = new Queue('otp', { connection: redis, prefix });
    const failures: string[] = [];
    try {
      await Promise.all([fleet.start(), fleet.start()]);
      const shapes = [
        () => ({ hello: 'world' }),
        () => 'not an object',
        () => ({ v: 1, id: randomUUID(), channel: 'sms', type: 'SignIn' }),
        () => ({ v: 1, id: randomUUID(), channel: 'pigeon', type: 'SignIn', enqueuedAt: Date.now(), expiresAt: Date.now() + 60_000, body: { to: PHONE, payload: {} } }),
        () => ({ v: 1, id: randomUUID(), channel: 'sms', type: 'SignIn', enqueuedAt: Date.now(), expiresAt: Date.now() + 60_000, sealed: 'k1.garbage' }),
      ];
      const goodIds: string[] = [];
      const badIds: string[] = [];
      const foreignIds: string[] = [];
      const tasks: (() => Promise<void>)[] = [
        ...Array.from({ length: good }, (_, i) => async () => void goodIds.push((await producer.send({ channel: 'sms', to: PHONE, type: 'SignIn', payload: { code: codeFor(5, i) } })).id)),
        ...Array.from({ length: garbage }, (_, i) => async () => {
          const jobId = `poison-${i}-${randomUUID().slice(0, 8)}`;
          await raw.add('SignIn', shapes[i % shapes.length]!(), { jobId, attempts: 3, removeOnComplete: { age: 3600 }, removeOnFail: { age: 3600 } });
          badIds.push(jobId);
        }),
        ...Array.from({ length: foreign }, (_, i) => async () => void foreignIds.push((await stranger.send({ channel: 'sms', to: PHONE, type: 'SignIn', payload: { code: codeFor(6, i) } })).id)),
      ];
      tasks.sort(() => Math.random() - 0.5);
      await Promise.all(tasks.map((t) => t()));
      const outcomes = await waitAll(producer, goodIds, 60_000);
      const foreignOutcomes = await waitAll(producer, foreignIds, 30_000);
      const byOutcome = countBy(outcomes.values());
      const letters = await deadLetters(ctx.redisUrl, prefix);
      const lettered = new Map(letters.map((l) => [l.id, l.reason]));
      // A garbage job without a string `id` is dead-lettered under its BullMQ job id.
      const garbageLettered = badIds.filter((id) => lettered.has(id)).length + letters.filter((l) => !badIds.includes(l.id) && !foreignIds.includes(l.id) && !goodIds.includes(l.id)).length;
      const foreignLettered = foreignIds.filter((id) => lettered.get(id) === 'unknown_key').length;
      const reasons = countBy(letters.map((l) => l.reason));
      check(failures, (byOutcome.delivered ?? 0) === good, `good messages delivered ${byOutcome.delivered ?? 0}/${good}`);
      check(failures, garbageLettered === garbage, `garbage dead-lettered ${garbageLettered}/${garbage}`);
      check(failures, foreignLettered === foreign, `unknown-key messages dead-lettered ${foreignLettered}/${foreign}: ${JSON.stringify(countBy(foreignOutcomes.values()))}`);
      check(failures, letters.length === garbage + foreign, `dead-letter queue holds ${letters.length}, expected ${garbage + foreign}`);
      check(failures, sink.stats.accepted.size === good, `sink saw ${sink.stats.accepted.size} codes, expected ${good} (no poison sent)`);
      return {
        failures,
        figures: {
          good,
          garbage,
          unknownKey: foreign,
          delivered: byOutcome.delivered ?? 0,
          deadLetters: letters.length,
          reasons: Object.entries(reasons).map(([r, c]) => `${r}:${c}`).join(' '),
        },
      };
    } finally {
      await fleet.stop();
      await Promise.all([producer.close(), stranger.close(), raw.close()]);
      redis.disconnect();
      await sink.close();
    }
  });
