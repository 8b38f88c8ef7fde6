import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWorkerRuntime } from '../../src/cli/runtime.js';
import { loadConfigFile } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { createProducer } from '../../src/producer/index.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { runCli, writeConfig } from '../helpers/cli.js';
import { startStandIn, type StandIn } from '../helpers/http-stand-in.js';

let vendor: StandIn;
let file: string;
let worker: Awaited<ReturnType<typeof startWorkerRuntime>>;
let producer: ReturnType<typeof createProducer>;
let prefix: string;

beforeAll(async () => {
  vendor = await startStandIn({ status: 400, body: { error: 'invalid number' } });
  const dir = await mkdtemp(join(tmpdir(), 'cli-dlq-'));
  prefix = `{d-${randomUUID().slice(0, 8)}}`;
  file = await writeConfig(join(dir, 'c.json'), {
    redis: { url: inject('redisUrl'), prefix },
    queue: { attempts: 2, backoff: { delayMs: 10, maxDelayMs: 20 } },
    sms: { active: 'hook', connectors: { hook: { provider: 'http-sms', config: { endpoint: `${vendor.url}/sms` } } } },
    log: { level: 'silent' },
  });
  worker = await startWorkerRuntime(await loadConfigFile(file, createProviderRegistry(), {}), createLogger('silent'), new Registry(), { ops: false });
  producer = createProducer({ connection: inject('redisUrl'), prefix });
});
afterAll(async () => {
  await worker.close();
  await producer.close();
  await vendor.close();
});

describe('otp-courier send and dlq', () => {
  it('send --wait reports dead (exit 1); dlq list/show/replay/purge work; replay delivers', async () => {
    const sent = await runCli(['send', '--config', file, '--channel', 'sms', '--to', '+14155550123', '--type', 'SignIn', '--code', '123456', '--wait', '10']);
    expect(sent.code).toBe(1);
    const [id, outcome] = sent.stdout.trim().split('\n');
    expect(outcome).toBe('dead');

    const list = await runCli(['dlq', 'list', '--json', '--config', file]);
    expect(list.code).toBe(0);
    const letters = JSON.parse(list.stdout) as Record<string, unknown>[];
    expect(letters).toEqual([{ id, channel: 'sms', type: 'SignIn', reason: 'permanent_failure', provider: 'http-sms', providerCode: 'http_400', attempts: 1, failedAt: expect.any(String) }]);
    expect(list.stdout).not.toContain('4155550123');
    expect(list.stdout).not.toContain('123456');

    const shown = await runCli(['dlq', 'show', id ?? '', '--config', file]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id, reason: 'permanent_failure', detail: expect.stringContaining('(http_400)'), providerCode: 'http_400' });
    expect((await runCli(['dlq', 'show', 'nope', '--config', file])).code).toBe(1);

    vendor.reply({ status: 200, body: {} });
    const replayed = await runCli(['dlq', 'replay', id ?? '', '--config', file]);
    expect(replayed.stdout.trim()).toBe('replayed 1');
    expect(await producer.waitFor(id ?? '', { timeoutMs: 10_000 })).toBe('delivered');
    expect(JSON.parse((await runCli(['dlq', 'list', '--json', '--config', file])).stdout)).toEqual([]);

    vendor.reply({ status: 400, body: {} });
    const again = await runCli(['send', '--config', file, '--channel', 'sms', '--to', '+14155550123', '--type', 'SignIn', '--code', '654321', '--wait', '10']);
    expect(again.stdout.trim().split('\n')[1]).toBe('dead');
    expect((await runCli(['dlq', 'purge', '--all', '--config', file])).stdout.trim()).toBe('purged 1');
    expect((await runCli(['dlq', 'replay', '--config', file])).code).toBe(2);
  }, 60_000);

  it('dlq replay refuses a message a provider already accepted (one line, exit 1); replay --all skips it and says so', async () => {
    vendor.reply({ status: 400, body: {} });
    const sent = await runCli(['send', '--config', file, '--channel', 'sms', '--to', '+14155550123', '--type', 'SignIn', '--code', '777777', '--wait', '10']);
    const [id] = sent.stdout.trim().split('\n');
    // The vendor had in fact taken it (the worker's sent marker says so), e.g. before a stall.
    const redis = new Redis(inject('redisUrl'));
    try {
      await redis.set(`${prefix}:sent:${id}`, 'http-sms', 'PX', 60_000);
    } finally {
      redis.disconnect();
    }
    vendor.reply({ status: 200, body: {} });
    const before = vendor.requests.length;

    const one = await runCli(['dlq', 'replay', id ?? '', '--config', file]);
    expect(one.code).toBe(1);
    expect(one.stderr.trim().split('\n')).toHaveLength(1);
    expect(one.stderr).toContain(`message ${id} was already accepted by http-sms; not replayed`);

    const all = await runCli(['dlq', 'replay', '--all', '--config', file]);
    expect(all.code).toBe(0);
    expect(all.stdout.trim()).toBe('replayed 0 (skipped 1 already accepted by the provider; purge them instead)');
    expect(vendor.requests.length).toBe(before);
    expect((JSON.parse((await runCli(['dlq', 'list', '--json', '--config', file])).stdout) as { id: string }[]).map((l) => l.id)).toEqual([id]);
    expect((await runCli(['dlq', 'purge', id ?? '', '--config', file])).stdout.trim()).toBe('purged 1');
  }, 60_000);

  it('a clear one-line error when Redis is unreachable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-dlq-'));
    const down = await writeConfig(join(dir, 'down.json'), { redis: { url: 'redis://user:hunter2@127.0.0.1:1' } });
    const result = await runCli(['dlq', 'list', '--config', down]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('Redis is not reachable');
    expect(result.stderr).not.toContain('hunter2');
  });
});
