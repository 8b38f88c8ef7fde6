import fc from 'fast-check';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { jobDataSchema } from '../../src/messages/job-data.js';
import { sendInputSchema } from '../../src/producer/input.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import { listDeadLetters } from '../../src/dlq/operations.js';
import { eventually, startPipeline } from '../helpers/pipeline.js';

const registry = createProviderRegistry();
const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('${UNSET}', '${file:/etc/shadow-nope}', '\r\nBcc: x@y.z', '__proto__', '\u202eevil', '\u0000', 'a'.repeat(10_000)),
);
const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(hostileString, tie('value'), { maxKeys: 4 })),
})).value;

describe('config: random and hostile trees', () => {
  it('either parse or fail with path-named issues, never another error', () => {
    const sections = fc.record(
      {
        redis: hostileValue,
        queue: fc.oneof(hostileValue, fc.record({ concurrency: fc.integer(), attempts: fc.integer(), backoff: hostileValue })),
        email: fc.oneof(hostileValue, fc.record({ active: hostileString, connectors: fc.dictionary(hostileString, fc.record({ provider: fc.constantFrom('smtp', 'outbox', 'aws-ses', 'nope'), config: hostileValue })) })),
        templates: hostileValue,
        security: hostileValue,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(hostileValue, sections), (tree) => {
        try {
          parseConfig(tree, registry, {});
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          for (const issue of (error as ConfigError).issues) {
            expect(typeof issue.path).toBe('string');
            expect(issue.message.length).toBeGreaterThan(0);
            expect(issue.message.length).toBeLessThan(500);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('producer input: hostile recipients and payloads', () => {
  it.each([
    ['email', ['a@example.com', 'b@example.com']],
    ['email', 'a@example.com, b@example.com'],
    ['email', 'a@example.com\r\nBcc: b@example.com'],
    ['email', 'Ana <a@example.com>'],
    ['email', 'a@example.com\u0000'],
    ['email', '\u202ea@example.com'],
    ['sms', ['+14155550123', '+14155550124']],
    ['sms', '+14155550123,+14155550124'],
    ['sms', '+1415555012３'],
    ['sms', '+14155550123\n'],
  ])('%s to %j is refused, naming "to"', (channel, to) => {
    const result = sendInputSchema.safeParse({ channel, to, type: 'SignIn', payload: { code: '1' } });
    if (result.success) expect(result.data.to).toMatch(/^(\+\d{8,15}|[^\s,<>]+@[^\s,<>]+)$/);
    else expect(result.error.issues.map((i) => i.path.join('.'))).toContain('to');
  });

  it('accepts unicode names in the payload unchanged and refuses oversize payloads', () => {
    const name = 'Zoë 李 Ωmega \u200d👩‍👩‍👧 مرحبا';
    const ok = sendInputSchema.safeParse({ channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '1', user: { name } } });
    expect(ok.success && ok.data.payload.user).toEqual({ name });
    const big = sendInputSchema.safeParse({ channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '1', blob: 'x'.repeat(9000) } });
    expect(big.success).toBe(false);
  });

  it('random inputs are valid or refused with field paths, never throw', () => {
    fc.assert(
      fc.property(fc.record({ channel: fc.oneof(fc.constantFrom('email', 'sms'), hostileString), to: fc.oneof(hostileString, fc.emailAddress(), hostileValue), type: fc.oneof(fc.constantFrom('SignIn', 'Generic'), hostileString), payload: hostileValue }, { requiredKeys: [] }), (input) => {
        const result = sendInputSchema.safeParse(input);
        if (!result.success) expect(result.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('job data read back from Redis', () => {
  it('the schema refuses arbitrary values without throwing', () => {
    fc.assert(
      fc.property(hostileValue, (value) => {
        expect(jobDataSchema.safeParse(value).success).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('random jobs written straight to the queue are dead-lettered and the worker keeps delivering', async () => {
    const pipeline = await startPipeline();
    const { config } = pipeline.loaded;
    const url = new URL(config.redis.url ?? '');
    const queue = new Queue(config.queue.name, { connection: { host: url.hostname, port: Number(url.port) }, prefix: config.redis.prefix });
    const deadLetters = new Queue(`${config.queue.name}-dead`, { connection: { host: url.hostname, port: Number(url.port) }, prefix: config.redis.prefix });
    try {
      const junk = fc.sample(hostileValue, { numRuns: 40, seed: 42 });
      await Promise.all(junk.map((data, i) => queue.add('SignIn', data, { jobId: `junk-${i}` })));
      const { id } = await pipeline.producer.send({ channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '123456' } });
      expect(await pipeline.producer.waitFor(id, { timeoutMs: 15_000 })).toBe('delivered');
      const letters = await eventually(async () => {
        const l = await listDeadLetters({ deadLetters });
        return l.length === junk.length ? l : undefined;
      }, 15_000);
      expect(new Set(letters?.map((l) => l.reason))).toEqual(new Set(['malformed_job']));
    } finally {
      await Promise.all([queue.close(), deadLetters.close()]);
      await pipeline.close();
    }
  });
});
