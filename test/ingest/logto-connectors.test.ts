import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pollUntil, readOutbox, startIngest, startWorker, testConfig, unique, type Ingest } from './support/harness.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';

/** The part of a Logto connector (connector-kit `CreateConnector`) these tests call. */
type LogtoConnector = {
  metadata: { id: string };
  sendMessage(data: { to: string; type: string; payload: Record<string, unknown>; ip?: string }, config?: unknown): Promise<{ statusCode: number; body: string }>;
};
type CreateConnector = (deps: { getConfig: (id: string) => Promise<unknown> }) => Promise<LogtoConnector>;

/** The published Logto packages, when they load on this Node (they declare engines ^22). */
const loadConnector = async (name: string): Promise<LogtoConnector | string> => {
  try {
    const specifier: string = name; // untyped packages: keep TypeScript from resolving them
    const module = (await import(specifier)) as { default: CreateConnector };
    return await module.default({ getConfig: async () => ({}) });
  } catch (error) {
    return `${name} cannot be loaded on Node ${process.versions.node}: ${(error as Error).message}`;
  }
};

describe('Logto HTTP email and SMS connectors → ingest → worker → outbox', () => {
  const outbox = join(tmpdir(), `${unique('logto-outbox')}.jsonl`);
  const loaded = testConfig({ redisUrl: inject('redisUrl'), outbox, ingest: { authorization: ['Bearer t'] } });
  let ingest: Ingest;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let email: LogtoConnector | string;
  let sms: LogtoConnector | string;

  beforeAll(async () => {
    [email, sms] = await Promise.all([loadConnector('@logto/connector-http-email'), loadConnector('@logto/connector-http-sms')]);
    [ingest, worker] = await Promise.all([startIngest(loaded), startWorker(loaded)]);
  });
  afterAll(async () => {
    await Promise.allSettled([ingest?.close(), worker?.close()]);
    await rm(outbox, { force: true });
  });

  const deliveredOnce = async (id: string) => {
    expect(await ingest.producer.waitFor(id, { timeoutMs: 10_000 })).toBe('delivered');
    const lines = await pollUntil(async () => {
      const found = (await readOutbox(outbox)).filter((l) => l.id === id);
      return found.length > 0 ? found : undefined;
    }, 10_000, `outbox line for ${id}`);
    expect(lines).toHaveLength(1);
    return lines[0]!;
  };

  it('delivers a sign-in code sent by connector-http-email', async (ctx) => {
    if (typeof email === 'string') return ctx.skip(email);
    const config = { endpoint: `${ingest.url}/v1/email`, authorization: 'Bearer t' };
    const response = await email.sendMessage({ to: 'ana@example.com', type: 'SignIn', payload: { code: '123456', locale: 'en' }, ip: '203.0.113.7' }, config);
    expect(response.statusCode).toBe(200);
    const { id } = JSON.parse(response.body) as { id: string };
    const line = await deliveredOnce(id);
    expect(line).toMatchObject({ channel: 'email', to: 'ana@example.com', type: 'SignIn' });
    expect(`${line.subject} ${line.text} ${line.html}`).toContain('123456');
  });

  it('delivers a code sent by connector-http-sms, with the phone number as Logto writes it (digits, no +)', async (ctx) => {
    if (typeof sms === 'string') return ctx.skip(sms);
    const config = { endpoint: `${ingest.url}/v1/sms`, authorization: 'Bearer t' };
    const response = await sms.sendMessage({ to: '14155550123', type: 'Register', payload: { code: '654321' } }, config);
    expect(response.statusCode).toBe(200);
    const line = await deliveredOnce((JSON.parse(response.body) as { id: string }).id);
    expect(line).toMatchObject({ channel: 'sms', to: '+14155550123', type: 'Register' });
    expect(line.body).toContain('654321');
  });

  it("surfaces the ingest's 401 as the connector's error when the authorization is wrong", async (ctx) => {
    if (typeof email === 'string') return ctx.skip(email);
    const config = { endpoint: `${ingest.url}/v1/email`, authorization: 'Bearer wrong' };
    await expect(email.sendMessage({ to: 'ana@example.com', type: 'SignIn', payload: { code: '1' } }, config)).rejects.toMatchObject({
      code: 'general',
    });
  });
});
