/**
 * SPEC §13: an ingest and a worker (child processes, `OTEL_*` pointing at a local OTLP/HTTP
 * receiver) put one message into the caller's trace: the ingest's server span, BullMQ's producer
 * and consumer spans, and a client span per provider attempt; no span holds the recipient or the
 * code. And a worker without `OTEL_*` never loads the SDK.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/redis/local-server.js';
import { spawnNode, writeConfig, type Spawned } from '../helpers/cli.js';
import { startStandIn, type StandIn } from '../helpers/http-stand-in.js';
import { eventually } from '../helpers/pipeline.js';

/** The CLI from its sources (no build needed). */
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const RECIPIENT = '12015550123';
const EMAIL = 'trace-probe@example.com';
const CODE = '48151623';
const SDK_MARK = 'OTEL_SDK_LOADED=';

/** Preloaded into a child: on exit, prints whether the SDK or an OTLP exporter was ever loaded. */
const PROBE = `import { createRequire } from 'node:module';
import { writeSync } from 'node:fs';
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => writeSync(1, '\\n${SDK_MARK}' + Object.keys(cache).some((k) => /@opentelemetry[\\\\/](sdk-node|exporter-trace-otlp)/.test(k)) + '\\n'));
`;

type Received = { contentType: string; body: Buffer };

/** A minimal OTLP/HTTP collector: keeps every `POST /v1/traces` body and answers an empty success. */
const startReceiver = async (): Promise<{ url: string; received: Received[]; close(): Promise<void> }> => {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const contentType = req.headers['content-type'] ?? '';
      if (req.method === 'POST' && req.url === '/v1/traces') received.push({ contentType, body: Buffer.concat(chunks) });
      res.writeHead(req.url === '/v1/traces' ? 200 : 404, { 'content-type': contentType.includes('json') ? 'application/json' : 'application/x-protobuf' });
      res.end(contentType.includes('json') ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
};

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number; arrayValue?: { values?: OtlpValue[] } };
type OtlpAttribute = { key: string; value: OtlpValue };
type OtlpSpan = { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpAttribute[]; events?: { attributes?: OtlpAttribute[] }[] };
type OtlpExport = { resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[] };
type Span = OtlpSpan & { service: string; attrs: Record<string, unknown> };

const scalar = (v: OtlpValue): unknown => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue ?? v.arrayValue?.values?.map(scalar)));
const attrsOf = (attributes: OtlpAttribute[] = []) => Object.fromEntries(attributes.map((a) => [a.key, scalar(a.value)]));

/** Every span of the JSON exports, with its service name and its attributes as a plain object. */
const jsonSpans = (received: Received[]): Span[] =>
  received
    .filter((r) => r.contentType.includes('json'))
    .flatMap((r) => (JSON.parse(r.body.toString('utf8')) as OtlpExport).resourceSpans ?? [])
    .flatMap((rs) => {
      const service = String(attrsOf(rs.resource?.attributes)['service.name']);
      return (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? []).map((s) => ({ ...s, service, attrs: attrsOf(s.attributes) }));
    });

/** Every attribute value anywhere in a JSON export (resource, span, event), as strings. */
const attributeValues = (received: Received[]): string[] =>
  received
    .filter((r) => r.contentType.includes('json'))
    .flatMap((r) => (JSON.parse(r.body.toString('utf8')) as OtlpExport).resourceSpans ?? [])
    .flatMap((rs) => [rs.resource?.attributes ?? [], ...(rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? []).flatMap((s) => [s.attributes ?? [], ...(s.events ?? []).map((e) => e.attributes ?? [])])])
    .flat()
    .map((a) => JSON.stringify(scalar(a.value)));

/** OTLP's SpanKind (one more than the API's). */
const KIND = { server: 2, client: 3, producer: 4, consumer: 5 };

const cli = (args: string[], env: NodeJS.ProcessEnv, probe?: string): Spawned => spawnNode(['--import', 'tsx', ...(probe ? ['--import', probe] : []), MAIN, ...args], env);

/** Four processes start at once, each loading the OpenTelemetry SDK: on two busy cores that has taken over 20 s. */
const READY_TIMEOUT_MS = 60_000;

const waitReady = async (name: string, proc: Spawned, url: string) =>
  eventually(async () => {
    if (proc.child.exitCode !== null) throw new Error(`${name} exited (${proc.child.exitCode}): ${proc.output()}`);
    return (await fetch(url).catch(() => undefined))?.ok;
  }, READY_TIMEOUT_MS, 100).catch((error: Error) => {
    throw new Error(`${name}: ${error.message}`);
  });

const stop = async (proc: Spawned | undefined) => {
  if (!proc || proc.child.exitCode !== null) return;
  proc.child.kill('SIGTERM');
  await proc.exited;
};

const traceparent = () => {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, header: `00-${traceId}-${spanId}-01` };
};

describe('OpenTelemetry traces through ingest, queue, worker and provider', () => {
  let dir: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let vendor: StandIn;
  let worker: Spawned | undefined;
  let ingest: Spawned | undefined;
  let protoIngest: Spawned | undefined;
  let quiet: Spawned | undefined;
  let ports: { metrics: number; ingest: number; protoIngest: number; quietMetrics: number };
  let probe: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'otp-tracing-'));
    probe = join(dir, 'probe.mjs');
    await writeFile(probe, PROBE);
    receiver = await startReceiver();
    // The SMS vendor: the first attempt fails with 503 (retried), the second is accepted.
    let calls = 0;
    vendor = await startStandIn(() => (calls++ === 0 ? { status: 503, body: 'down' } : { status: 200, body: {} }));
    ports = { metrics: await freePort(), ingest: await freePort(), protoIngest: await freePort(), quietMetrics: await freePort() };
    const base = {
      redis: { url: inject('redisUrl'), prefix: `{trace-${randomUUID().slice(0, 8)}}` },
      queue: { attempts: 3, backoff: { delayMs: 50, maxDelayMs: 100 }, shutdownGraceSeconds: 1 },
      email: { active: 'outbox', connectors: { outbox: { provider: 'outbox', config: { path: join(dir, 'outbox.jsonl') } } } },
      sms: { active: 'vendor', connectors: { vendor: { provider: 'http-sms', config: { endpoint: `${vendor.url}/sms`, timeoutMs: 2000 } } } },
      metrics: { port: ports.metrics, host: '127.0.0.1' },
      ingest: { port: ports.ingest, host: '127.0.0.1' },
      log: { level: 'info' },
    };
    const file = await writeConfig(join(dir, 'config.json'), base);
    const protoFile = await writeConfig(join(dir, 'proto.json'), { ...base, ingest: { port: ports.protoIngest, host: '127.0.0.1' } });
    // Another queue name: this worker must not take the traced jobs.
    const quietFile = await writeConfig(join(dir, 'quiet.json'), { ...base, queue: { ...base.queue, name: 'quiet' }, metrics: { port: ports.quietMetrics, host: '127.0.0.1' } });
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
    const json = { ...otel, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    worker = cli(['worker', '--config', file], json, probe);
    ingest = cli(['ingest', '--config', file], json);
    protoIngest = cli(['ingest', '--config', protoFile], { ...otel, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    const noOtel = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('OTEL_')).map((k) => [k, undefined]));
    quiet = cli(['worker', '--config', quietFile], noOtel, probe);
    await Promise.all([
      waitReady('worker', worker, `http://127.0.0.1:${ports.metrics}/readyz`),
      waitReady('ingest', ingest, `http://127.0.0.1:${ports.ingest}/readyz`),
      waitReady('protobuf ingest', protoIngest, `http://127.0.0.1:${ports.protoIngest}/readyz`),
      waitReady('worker without OTEL_*', quiet, `http://127.0.0.1:${ports.quietMetrics}/readyz`),
    ]);
  }, READY_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await Promise.all([stop(worker), stop(ingest), stop(protoIngest), stop(quiet)]);
    await Promise.all([receiver?.close(), vendor?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const post = async (port: number, channel: 'sms' | 'email', to: string, header: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: header },
      body: JSON.stringify({ to, type: 'SignIn', payload: { code: CODE } }),
    });
    expect(res.status).toBe(200);
  };

  it('puts the ingest, BullMQ and every provider attempt in the caller\'s trace (http/json), with no recipient or code anywhere', async () => {
    const caller = traceparent();
    await post(ports.ingest, 'sms', RECIPIENT, caller.header);
    const inTrace = () => jsonSpans(receiver.received).filter((s) => s.traceId === caller.traceId);
    // The consumer (BullMQ process) spans end after the send's client span, so may arrive in a later export.
    await eventually(
      () =>
        inTrace().some((s) => s.kind === KIND.client && s.attrs['otp.outcome'] === 'delivered') &&
        inTrace().some((s) => s.kind === KIND.server) &&
        inTrace().filter((s) => s.kind === KIND.consumer).length >= 2,
      20_000,
      100,
    );
    const spans = inTrace();

    const server = spans.find((s) => s.kind === KIND.server);
    expect(server).toMatchObject({ name: 'POST /v1/sms', parentSpanId: caller.spanId, service: 'otp-courier-ingest', attrs: { 'http.route': '/v1/sms', 'http.response.status_code': 200 } });
    const producer = spans.find((s) => s.kind === KIND.producer);
    expect(producer).toMatchObject({ parentSpanId: server?.spanId, service: 'otp-courier-ingest' });
    const consumers = spans.filter((s) => s.kind === KIND.consumer);
    expect(consumers.length).toBeGreaterThanOrEqual(2); // one per BullMQ attempt
    for (const consumer of consumers) expect(consumer).toMatchObject({ parentSpanId: producer?.spanId, service: 'otp-courier-worker' });

    const clients = spans.filter((s) => s.kind === KIND.client).sort((a, b) => Number(a.attrs['otp.attempt']) - Number(b.attrs['otp.attempt']));
    const where = { 'otp.provider': 'http-sms', 'otp.connector': 'vendor', 'otp.channel': 'sms' };
    expect(clients.map((c) => ({ name: c.name, service: c.service, attrs: c.attrs }))).toEqual([
      { name: 'send http-sms', service: 'otp-courier-worker', attrs: { ...where, 'otp.attempt': 1, 'otp.outcome': 'retryable', 'otp.error.scope': 'connector', 'otp.provider_code': 'http_503', 'error.type': 'http_503', 'http.response.status_code': 503 } },
      { name: 'send http-sms', service: 'otp-courier-worker', attrs: { ...where, 'otp.attempt': 2, 'otp.outcome': 'delivered' } },
    ]);
    for (const client of clients) expect(consumers.map((c) => c.spanId)).toContain(client.parentSpanId);

    // No attribute value, and no byte of any export, holds the recipient or the code.
    expect(attributeValues(receiver.received).filter((v) => v.includes(RECIPIENT) || v.includes(CODE))).toEqual([]);
    expect(receiver.received.filter((r) => r.body.includes(RECIPIENT) || r.body.includes(CODE))).toEqual([]);
    // The worker's log lines of this message carry the trace id.
    const delivered = worker!.output().split('\n').filter((l) => l.includes('"message delivered"'));
    expect(delivered.map((l) => (JSON.parse(l) as { trace_id?: string }).trace_id)).toContain(caller.traceId);
  });

  it('exports http/protobuf too: the ingest\'s spans reach the receiver as protobuf and the worker continues them', async () => {
    const caller = traceparent();
    await post(ports.protoIngest, 'email', EMAIL, caller.header);
    const traceBytes = Buffer.from(caller.traceId, 'hex');
    // No protobuf decoder ships with the exporters (they only encode): the raw bytes are checked.
    const proto = () => receiver.received.filter((r) => r.contentType === 'application/x-protobuf' && r.body.includes(traceBytes));
    await eventually(() => proto().some((r) => r.body.includes('POST /v1/email')), 20_000, 100);
    await eventually(() => jsonSpans(receiver.received).some((s) => s.traceId === caller.traceId && s.kind === KIND.client && s.attrs['otp.provider'] === 'outbox'), 20_000, 100);
    expect(proto().some((r) => r.body.includes('otp-courier-ingest'))).toBe(true);
    expect(receiver.received.filter((r) => r.body.includes(EMAIL) || r.body.includes(CODE) || r.body.includes(RECIPIENT))).toEqual([]);
  });

  it('loads no SDK in a process without OTEL_* (and does in one with them)', async () => {
    await Promise.all([stop(quiet), stop(worker)]);
    expect(quiet!.output()).toContain(`${SDK_MARK}false`);
    expect(worker!.output()).toContain(`${SDK_MARK}true`);
  });
});
