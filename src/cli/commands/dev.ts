import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseConfig, type LoadedConfig } from '../../config/load.js';
import { generateKey } from '../../crypto/key-ring.js';
import { createLogger } from '../../log/logger.js';
import { TEMPLATE_TYPES } from '../../messages/types.js';
import type { Registry } from 'prom-client';
import type { Producer } from '../../producer/index.js';
import { createProviderRegistry } from '../../providers/registry.js';
import { findOnPath, startRedisServer, type LocalRedis } from '../../redis/local-server.js';
import { configPath, loadCliConfig, type GlobalOptions } from '../context.js';
import { CliError } from '../errors.js';
import { createRegistry, startIngestRuntime, startWorkerRuntime, untilSignal } from '../runtime.js';
import { waitForReceipt } from './status.js';

const OUTBOX = './.otp-courier/outbox.jsonl';

/**
 * The built-in demo config: outbox connectors on both channels, posting their own receipts to the
 * ingest; the SMS one reports one send in four undelivered, and `receiptFailover` resends those
 * through a second outbox. Payloads encrypted with a throwaway key.
 */
const devConfig = (redisUrl: string) => {
  const token = generateKey();
  const outbox = (undeliveredShare: number) => ({ provider: 'outbox', config: { path: OUTBOX }, receipts: { token, delayMs: 200, undeliveredShare } });
  return {
    redis: { url: redisUrl },
    queue: { concurrency: 20 },
    email: { active: 'outbox', connectors: { outbox: outbox(0) } },
    sms: { active: 'outbox', fallback: ['backup'], receiptFailover: true, connectors: { outbox: outbox(0.25), backup: outbox(0) } },
    limits: { perRecipient: { max: 100, windowSeconds: 600 } },
    ingest: { port: 8080, host: '127.0.0.1', publicUrl: 'http://127.0.0.1:8080' },
    metrics: { port: 9464, host: '127.0.0.1' },
    security: { encryptionKeys: { current: 'dev', keys: { dev: generateKey() } } },
    log: { level: 'warn' },
  };
};

/** Redis from REDIS_URL, else a redis-server from PATH, else redis-memory-server (downloads and builds Redis once). */
const obtainRedis = async (): Promise<{ url: string; local?: LocalRedis | { stop(): Promise<void> } }> => {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL };
  const binary = await findOnPath('redis-server');
  if (binary) {
    const local = await startRedisServer({ binary, dir: undefined });
    return { url: local.url, local };
  }
  process.stderr.write('no REDIS_URL and no redis-server on PATH: starting redis-memory-server (the first run downloads and builds Redis)\n');
  try {
    const { RedisMemoryServer } = await import('redis-memory-server');
    const server = await RedisMemoryServer.create();
    const url = `redis://${await server.getHost()}:${await server.getPort()}`;
    return { url, local: { stop: async () => void (await server.stop()) } };
  } catch (error) {
    throw new CliError(`cannot start Redis: set REDIS_URL or install redis-server (${(error as Error).message})`, 1);
  }
};

export type DevOptions = GlobalOptions & { exit?: boolean };

/** `otp-courier dev`: Redis, worker and ingest in one process, sample messages of every type. */
export const runDev = async (options: DevOptions): Promise<void> => {
  const redis = await obtainRedis();
  try {
    const useFile = options.config !== undefined || existsSync(configPath(options));
    const loaded: LoadedConfig = useFile
      ? await loadCliConfig(options, createProviderRegistry())
      : parseConfig(devConfig(redis.url), createProviderRegistry(), { ...process.env, REDIS_URL: redis.url });
    if (useFile && !process.env.REDIS_URL) loaded.config.redis.url = redis.url;
    const logger = createLogger(loaded.config.log.level);
    const registry = createRegistry();
    const worker = await startWorkerRuntime(loaded, logger, registry);
    const ingest = await startIngestRuntime(loaded, logger, registry);
    try {
      await sendSamples(ingest.producer, loaded);
      await reportFailovers(registry);
    } catch (error) {
      await Promise.allSettled([ingest.close(), worker.close()]);
      throw error;
    }
    printBanner(loaded, redis.url, options.exit === true);
    if (!options.exit) await untilSignal(logger, [ingest, worker]);
    else await Promise.allSettled([ingest.close(), worker.close()]);
  } finally {
    await redis.local?.stop();
  }
};

/** The demo's receipt failovers (SMS the first outbox reported undelivered, resent through the backup). */
const reportFailovers = async (registry: Registry): Promise<void> => {
  const metric = registry.getSingleMetric('otp_receipt_failovers_total');
  if (!metric) return;
  const total = (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
  process.stdout.write(`Receipts: ${total} SMS reported undelivered were resent once through the next connector (receiptFailover)\n`);
};

/** Where to look, and how to send one by hand. */
const printBanner = (loaded: LoadedConfig, redisUrl: string, exiting: boolean): void => {
  const { ingest: ingestConfig, metrics } = loaded.config;
  const host = (h: string) => (h === '0.0.0.0' ? '127.0.0.1' : h);
  process.stdout.write(
    [
      '',
  `Outbox:   ${resolve(OUTBOX)}  (one JSON line per delivered message)`,
  `Metrics:  http://${host(metrics.host)}:${metrics.port}/metrics`,
  `Ingest:   curl -s -X POST http://${host(ingestConfig.host)}:${ingestConfig.port}/v1/email -H 'content-type: application/json' \\`,
  `      -d '{"to":"ana@example.com","type":"SignIn","payload":{"code":"123456","locale":"ko"}}'`,
  `      curl -s -X POST http://${host(ingestConfig.host)}:${ingestConfig.port}/v1/sms -H 'content-type: application/json' \\`,
  `      -d '{"to":"+14155550123","type":"SignIn","payload":{"code":"654321"}}'`,
  `Redis:  ${redisUrl}`,
  exiting ? '' : 'Running. Press Ctrl-C to stop.',
  '',
    ].join('\n'),
  );
};

const sendSamples = async (producer: Producer, loaded: LoadedConfig) => {
  const samples = TEMPLATE_TYPES.flatMap((type, i) => [
    ...(loaded.chains.email.length ? [{ channel: 'email' as const, to: `demo+${type.toLowerCase()}@example.com`, type }] : []),
    ...(loaded.chains.sms.length ? [{ channel: 'sms' as const, to: `+1415555${String(100 + i).padStart(4, '0')}`, type }] : []),
  ]).map((s, i) => ({
    ...s,
    payload: {
      code: String(100000 + i * 7919).slice(0, 6),
      locale: ['en', 'ko', 'zh-Hant', 'ru'][i % 4],
      ...(s.type === 'OrganizationInvitation' && { link: 'https://example.com/invitation/demo' }),
    },
  }));
  const receipts = [...loaded.chains.email, ...loaded.chains.sms].some((c) => c.receipts) && loaded.config.ingest.publicUrl !== undefined;
  process.stdout.write(`Sending ${samples.length} sample messages (every type, email and SMS)…\n`);
  const results = await Promise.all(
    samples.map(async (s) => {
      const { id } = await producer.send(s);
      const outcome = await producer.waitFor(id, { timeoutMs: 15_000 });
      // A receipt `undelivered` is followed by the failover's resend: wait for `delivered` a while.
      const receipt = receipts && outcome === 'delivered' ? (await waitForReceipt(producer, id, 5000, (st) => st.receipt === 'delivered')).receipt : undefined;
      return { ...s, outcome, receipt };
    }),
  );
  const column = (r: (typeof results)[number]) => (r.receipt === undefined ? '' : `receipt ${r.receipt}`.padEnd(20));
  for (const r of results) process.stdout.write(`  ${r.outcome.padEnd(9)} ${column(r)} ${r.channel.padEnd(5)} ${r.type.padEnd(24)} ${r.payload.locale}\n`);
  const failed = results.filter((r) => r.outcome !== 'delivered');
  if (failed.length) throw new CliError(`${failed.length} sample message(s) not delivered`, 1);
};
