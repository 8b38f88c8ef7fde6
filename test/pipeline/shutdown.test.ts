import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/redis/local-server.js';
import { createProducer } from '../../src/producer/index.js';
import { spawnCli, writeConfig } from '../helpers/cli.js';
import { eventually } from '../helpers/pipeline.js';
import { startStandIn } from '../helpers/http-stand-in.js';

/**
 * Worker processes against a slow HTTP provider (http-sms to a local stand-in that answers after a
 * delay), so that jobs are in flight when the signal arrives.
 */
const setup = async (delayMs: number) => {
  const dir = await mkdtemp(join(tmpdir(), 'otp-shutdown-'));
  const accepted: string[] = [];
  const standIn = await startStandIn(async (req) => {
    await new Promise((r) => setTimeout(r, delayMs));
    const body = JSON.parse(req.body) as { payload: { code: string } };
    accepted.push(body.payload.code);
    return { status: 200, body: {} };
  });
  const prefix = `{s-${randomUUID().slice(0, 8)}}`;
  const config = async (name: string) =>
    writeConfig(join(dir, `${name}.json`), {
      redis: { url: inject('redisUrl'), prefix },
      queue: { concurrency: 8, attempts: 3, shutdownGraceSeconds: 10, lockDurationMs: 2000, backoff: { delayMs: 20, maxDelayMs: 100 } },
      sms: { active: 'hook', connectors: { hook: { provider: 'http-sms', config: { endpoint: `${standIn.url}/sms` } } } },
      metrics: { port: await freePort(), host: '127.0.0.1' },
      log: { level: 'info' },
    });
  const producer = createProducer({ connection: inject('redisUrl'), prefix });
  return { dir, accepted, standIn, config, producer };
};

const sendMany = async (producer: ReturnType<typeof createProducer>, n: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => producer.send({ channel: 'sms', to: '+14155550123', type: 'SignIn', payload: { code: String(100000 + i) } }).then((r) => r.id)));

/** Starts a second worker and checks every message is delivered, each code accepted once or more. */
const finishWithSecondWorker = async (env: Awaited<ReturnType<typeof setup>>, ids: string[], timeoutMs: number) => {
  const second = spawnCli(['worker', '--config', await env.config('b')]);
  try {
    const outcomes = await Promise.all(ids.map((id) => env.producer.waitFor(id, { timeoutMs })));
    expect(outcomes.filter((o) => o !== 'delivered')).toEqual([]);
    expect(new Set(env.accepted).size).toBe(ids.length);
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
    await env.producer.close();
    await env.standIn.close();
  }
};

describe('worker shutdown', () => {
  it('SIGTERM: readiness drops, jobs in flight finish, nothing is lost', async () => {
    const env = await setup(150);
    const { accepted, config, producer } = env;
    const file = await config('a');
    const first = spawnCli(['worker', '--config', file]);
    const metricsPort = JSON.parse(await readFile(file, 'utf8')).metrics.port as number;
    await eventually(async () => (await fetch(`http://127.0.0.1:${metricsPort}/readyz`).catch(() => undefined))?.status === 200, 15_000);
    const ids = await sendMany(producer, 60);
    await eventually(() => accepted.length >= 10, 15_000);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('shutting down');
    await finishWithSecondWorker(env, ids, 30_000);
  }, 60_000);

  it('SIGKILL mid-send: another worker picks the cut-off jobs up (stalled-job recovery)', async () => {
    const env = await setup(300);
    const { accepted, config, producer } = env;
    const first = spawnCli(['worker', '--config', await config('a')]);
    const ids = await sendMany(producer, 30);
    await eventually(() => accepted.length >= 3, 15_000);
    first.child.kill('SIGKILL');
    await first.exited;
    await finishWithSecondWorker(env, ids, 40_000);
  }, 60_000);
});
