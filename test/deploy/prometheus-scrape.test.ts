/**
 * A real Prometheus scraping a real worker and ingest under load: every query of the Grafana
 * dashboard must return data, and the worker's /metrics must pass `promtool check metrics`.
 */
import { spawn } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createProducer, type Producer } from '../../src/producer/index.js';
import { freePort } from '../../src/redis/local-server.js';
import { TEMPLATE_TYPES } from '../../src/messages/types.js';
import { spawnCli, writeConfig, type Spawned } from '../helpers/cli.js';
import { startStandIn, type StandIn } from '../helpers/http-stand-in.js';
import { dashboardTargets, pollUntil, startPrometheus, substituteGrafanaVariables, type PrometheusServer } from './lib/prometheus-server.js';
import { RULES_FILE } from './lib/rules.js';
import { REPO } from './lib/tools.js';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const available = await access(PROMETHEUS).then(
  () => true,
  () => false,
);
if (!available && !process.env.CI) {
  console.warn(`${PROMETHEUS} not found: skipping the Prometheus scrape test (install: apt-get install -y prometheus); CI runs it.`);
}

/** Job names as in deploy/prometheus/prometheus.yml and the k8s Services; the dashboard matches job=~".*otp-courier.*". */
const WORKER_JOB = 'otp-courier-worker';
const INGEST_JOB = 'otp-courier-ingest';
const NAMESPACE = 'scrape-test';

/**
 * Values for the dashboard's variables. $namespace/$job/$instance as Grafana's "All" (allValue .+);
 * $__rate_interval: Grafana would pick max(4 × scrape interval, step + scrape interval) = a few
 * seconds at a 1 s scrape; 1m keeps the whole load run in the window.
 */
const VARIABLES: Record<string, string> = {
  datasource: 'prometheus',
  namespace: '.+',
  job: '.+',
  instance: '.+',
  concurrency: '20',
  __rate_interval: '1m',
  __interval: '1m',
  __range: '5m',
};

/**
 * Dashboard queries allowed to return no data here, with the reason. Keep this minimal.
 * (Empty: every query must return data.)
 */
const RECEIPT_TOKEN = 'scrape-test-receipt-token-0123';

const EXCLUDED: Record<string, string> = {
  'Sends without a receipt by provider / A': 'a send counts as missing a day after its expiry (receipts.windowSeconds): longer than this test',
  'SMS delivery rate by country (top 10) / A': 'the SMS vendor stand-in sends no receipts; email receipts carry no country',
};

/**
 * promtool lint findings we cannot change: prom-client's default Node.js metrics name three gauges
 * `nodejs_active_{handles,requests,resources}_total` (collectDefaultMetrics, not ours to rename).
 */
const TOLERATED_LINT = [/^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/];

describe.skipIf(!available && !process.env.CI)('Prometheus scraping a worker and an ingest under load', () => {
  let dir: string;
  let worker: Spawned | undefined;
  let ingest: Spawned | undefined;
  let prometheus: PrometheusServer | undefined;
  let standIn: StandIn | undefined;
  let producer: Producer | undefined;
  let metricsPort: number;
  let ingestPort: number;
  let smsMode: 'flaky' | 'outage' = 'flaky';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'otp-prom-scrape-'));
    const prefix = `{scrape-${randomUUID().slice(0, 8)}}`;
    metricsPort = await freePort();
    ingestPort = await freePort();
    const promPort = await freePort();

    // The SMS vendor: every other request fails (retries, some dead letters), then a full outage
    // (the circuit opens and stays open: openSeconds outlasts the test).
    let n = 0;
    standIn = await startStandIn(() => (smsMode === 'outage' || n++ % 2 === 0 ? { status: 503, body: 'down' } : { status: 200, body: {} }));

    const config = {
      redis: { url: inject('redisUrl'), prefix },
      queue: { concurrency: 20, attempts: 2, backoff: { delayMs: 50, maxDelayMs: 100 }, shutdownGraceSeconds: 2 },
      // Email receipts from the outbox itself: 3 in 10 undelivered, resent once through the backup.
      email: {
        active: 'outbox',
        fallback: ['backup'],
        receiptFailover: true,
        connectors: {
          outbox: { provider: 'outbox', config: { path: join(dir, 'outbox.jsonl') }, receipts: { token: RECEIPT_TOKEN, delayMs: 0, undeliveredShare: 0.3 } },
          backup: { provider: 'outbox', config: { path: join(dir, 'outbox.jsonl') }, receipts: { token: RECEIPT_TOKEN, delayMs: 0 } },
        },
      },
      sms: {
        active: 'vendor',
        connectors: { vendor: { provider: 'http-sms', config: { endpoint: `${standIn.url}/sms`, timeoutMs: 2000 } } },
        circuitBreaker: { consecutiveFailures: 5, openSeconds: 300 },
      },
      // The ingest enqueues with per-recipient limits; each load message has its own recipient, and
      // (11-digit prefixes) its own prefix, so only the conversion step below starts a block.
      limits: { perRecipient: { max: 10, windowSeconds: 600 }, sms: { minConversion: { ratio: 0.5, minSends: 3, windowSeconds: 600, blockSeconds: 600, digits: 11 } } },
      ingest: { port: ingestPort, host: '127.0.0.1', publicUrl: `http://127.0.0.1:${ingestPort}` },
      metrics: { port: metricsPort, host: '127.0.0.1' },
      log: { level: 'warn' },
    };
    const file = await writeConfig(join(dir, 'config.json'), config);
    worker = spawnCli(['worker', '--config', file]);
    ingest = spawnCli(['ingest', '--config', file]);

    const promConfig = {
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: [join(REPO, RULES_FILE)],
      scrape_configs: [
        { job_name: WORKER_JOB, static_configs: [{ targets: [`127.0.0.1:${metricsPort}`], labels: { namespace: NAMESPACE } }] },
        { job_name: INGEST_JOB, static_configs: [{ targets: [`127.0.0.1:${ingestPort}`], labels: { namespace: NAMESPACE } }] },
      ],
    };
    // JSON is YAML.
    prometheus = await startPrometheus(PROMETHEUS, dir, promPort, JSON.stringify(promConfig, null, 2));

    for (const [name, proc, url] of [
      ['worker', worker, `http://127.0.0.1:${metricsPort}/readyz`],
      ['ingest', ingest, `http://127.0.0.1:${ingestPort}/readyz`],
    ] as const) {
      await pollUntil(
        `the ${name} to be ready`,
        async () => {
          if (proc.child.exitCode !== null) throw new Error(`${name} exited (${proc.child.exitCode}): ${proc.output()}`);
          return (await fetch(url)).ok;
        },
        20_000,
      );
    }

    // Load: a library producer and the ingest, both channels, several types.
    producer = createProducer({ connection: inject('redisUrl'), prefix });
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 240; i++) {
      const type = TEMPLATE_TYPES[i % 4] ?? 'SignIn';
      const channel = i % 2 === 0 ? 'email' : 'sms';
      const to = channel === 'email' ? `user${i}@example.com` : `+1201555${String(1000 + i).padStart(4, '0')}`;
      if (i % 3 === 0) {
        sends.push(
          fetch(`http://127.0.0.1:${ingestPort}/v1/${channel}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ to: channel === 'sms' ? to.slice(1) : to, type, payload: { code: String(100000 + i) } }),
          }).then((r) => {
            if (r.status >= 300) throw new Error(`ingest answered ${r.status}`);
          }),
        );
      } else {
        sends.push(producer.send({ channel, to, type, payload: { code: String(100000 + i) } }));
      }
      if (i % 40 === 39) await new Promise((r) => setTimeout(r, 250)); // spread over a couple of seconds
    }
    await Promise.all(sends);

    // A forged receipt (refused and counted).
    await fetch(`http://127.0.0.1:${ingestPort}/v1/receipts/email/outbox?token=forged-token-0123456789`, { method: 'POST', body: '{}' });

    // SPEC §12: three codes to one number nobody uses start a prefix block; the fourth is refused.
    const toIngest = (to: string) =>
      fetch(`http://127.0.0.1:${ingestPort}/v1/sms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to, type: 'SignIn', payload: { code: '123456' } }) });
    for (let i = 0; i < 3; i++) expect((await toIngest('+12015559999')).status).toBe(200);
    expect((await toIngest('+12015559999')).status).toBe(429);

    // Outage: the SMS circuit opens.
    smsMode = 'outage';
    for (let i = 0; i < 20; i++) await producer.send({ channel: 'sms', to: `+1201556${String(1000 + i).padStart(4, '0')}`, type: 'SignIn', payload: { code: '123456' } });

    const up = (job: string) => async () => (await prometheus!.query(`up{job="${job}", namespace="${NAMESPACE}"} == 1`)).result.length === 1;
    await pollUntil(`up{job="${WORKER_JOB}"} == 1`, up(WORKER_JOB), 15_000);
    await pollUntil(`up{job="${INGEST_JOB}"} == 1`, up(INGEST_JOB), 15_000);
    // Wait for the outcomes the panels show to have been scraped: deliveries, retries, dead letters, the open circuit.
    const has = (expr: string) => async () => (await prometheus!.query(expr)).result.length > 0;
    for (const expr of [
      'otp_messages_total{result="delivered", channel="email"}',
      'otp_messages_total{result="delivered", channel="sms"}',
      'otp_messages_total{result="dead_lettered"}',
      'otp_delivery_attempts_total{outcome="retryable_error"}',
      'otp_dead_letter_jobs > 0',
      'otp_provider_up{provider="http-sms"} == 0',
      'otp_messages_enqueued_total',
      'otp_receipts_total{status="delivered"}',
      'otp_receipt_failovers_total',
      'otp_receipts_rejected_total',
      'otp_prefix_blocks_total',
      'otp_limited_total{limit="conversion"}',
    ]) {
      await pollUntil(`${expr} in Prometheus`, has(expr), 20_000);
    }
    // rate() needs two samples of a series: counters with labels appear at their first increment,
    // so wait until every series of the counters and histograms the panels rate has been scraped 3 times.
    for (const metric of ['otp_messages_total', 'otp_messages_enqueued_total', 'otp_delivery_attempts_total', 'otp_end_to_end_seconds_count', 'otp_delivery_attempt_duration_seconds_count', 'otp_receipts_total', 'otp_receipt_latency_seconds_count', 'otp_receipt_failovers_total', 'otp_receipts_rejected_total', 'otp_limited_total']) {
      await pollUntil(
        `3 scrapes of every ${metric} series`,
        async () => {
          const [all, enough] = await Promise.all([
            prometheus!.query(`count(${metric})`),
            prometheus!.query(`count(count_over_time(${metric}[1m]) >= 3)`),
          ]);
          return all.result[0]?.value[1] !== undefined && all.result[0]?.value[1] === enough.result[0]?.value[1];
        },
        15_000,
      );
    }
  }, 90_000);

  afterAll(async () => {
    await producer?.close();
    for (const proc of [worker, ingest]) {
      if (proc && proc.child.exitCode === null) {
        proc.child.kill('SIGTERM');
        await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 5000))]);
        if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
      }
    }
    await prometheus?.stop();
    await standIn?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('returns data for every query of the Grafana dashboard', async () => {
    const dashboard = JSON.parse(await readFile(join(REPO, 'deploy/grafana/otp-courier.json'), 'utf8')) as Parameters<typeof dashboardTargets>[0];
    const targets = dashboardTargets(dashboard);
    expect(targets.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const { panel, refId, expr } of targets) {
      const key = `${panel} / ${refId}`;
      const query = substituteGrafanaVariables(expr, VARIABLES);
      try {
        const data = await prometheus!.query(query);
        if (data.result.length === 0 && !(key in EXCLUDED)) failures.push(`${key}: no data for ${query}`);
      } catch (error) {
        failures.push(`${key}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('has the namespace and job labels the dashboard variables select on', async () => {
    const data = await prometheus!.query('count by (namespace, job) (up{job=~".*otp-courier.*"})');
    expect(data.result.map((s) => `${s.metric.namespace}/${s.metric.job}`).sort()).toEqual([`${NAMESPACE}/${INGEST_JOB}`, `${NAMESPACE}/${WORKER_JOB}`]);
  });

  it('loads the recording and alerting rules without evaluation errors', async () => {
    const res = await fetch(`${prometheus!.url}/api/v1/rules`);
    const body = (await res.json()) as { data: { groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] } };
    expect(body.data.groups.length).toBeGreaterThan(0);
    const unhealthy = body.data.groups.flatMap((g) => g.rules.filter((r) => r.health === 'err').map((r) => `${g.name}/${r.name}: ${r.lastError}`));
    expect(unhealthy).toEqual([]);
  });

  it('serves /metrics that promtool check metrics accepts', async () => {
    for (const url of [`http://127.0.0.1:${metricsPort}/metrics`, `http://127.0.0.1:${ingestPort}/metrics`]) {
      const text = await (await fetch(url)).text();
      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (out += c.toString()));
        child.once('error', reject);
        child.once('exit', (c) => resolve({ code: c, output: out }));
        child.stdin.end(text);
      });
      // promtool prints one line per lint problem and exits 3 (lint) or 1 (parse error).
      const problems = output.split('\n').filter((line) => line.trim() && !TOLERATED_LINT.some((re) => re.test(line)));
      expect(problems, url).toEqual([]);
      expect([0, 3], `${url}: promtool exit code, output: ${output}`).toContain(code);
    }
  });
});
