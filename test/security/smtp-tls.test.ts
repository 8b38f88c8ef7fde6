import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../helpers/pipeline.js';

/** smtp-server with its built-in self-signed certificate; optionally without STARTTLS. */
const startServer = async (starttls: boolean) => {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    logger: false,
    ...(starttls ? {} : { disabledCommands: ['STARTTLS'] }),
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received: () => received, close: () => new Promise<void>((r) => server.close(() => r())) };
};

let plain: Awaited<ReturnType<typeof startServer>>;
let selfSigned: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  plain = await startServer(false);
  selfSigned = await startServer(true);
});
afterAll(async () => {
  await plain.close();
  await selfSigned.close();
});

const send = async (port: number, extra: Record<string, unknown>) => {
  const pipeline = await startPipeline({
    config: {
      queue: { attempts: 2 },
      email: { active: 'mail', connectors: { mail: { provider: 'smtp', config: { host: '127.0.0.1', port, fromEmail: 'no-reply@example.com', connectionTimeout: 3000, greetingTimeout: 3000, ...extra } } } },
    },
  });
  try {
    const { id } = await pipeline.producer.send({ channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '123456' } });
    return await pipeline.producer.waitFor(id, { timeoutMs: 20_000 });
  } finally {
    await pipeline.close();
  }
};

describe('SMTP transport security', () => {
  it('requireTLS: never sends in plain text to a server without STARTTLS', async () => {
    expect(await send(plain.port, { requireTLS: true })).toBe('dead');
    expect(plain.received()).toBe(0);
  });

  it('certificate checks stay on: a self-signed certificate is refused', async () => {
    expect(await send(selfSigned.port, { requireTLS: true })).toBe('dead');
    expect(selfSigned.received()).toBe(0);
  });

  it('turning them off is an explicit choice in the connector config', async () => {
    expect(await send(selfSigned.port, { requireTLS: true, tls: { rejectUnauthorized: false } })).toBe('delivered');
    expect(selfSigned.received()).toBe(1);
  });
});
