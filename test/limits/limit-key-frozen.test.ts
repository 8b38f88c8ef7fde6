import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDeadline } from '../../src/abort/with-deadline.js';
import { generateKey } from '../../src/crypto/key-ring.js';
import { createProducer, type Producer } from '../../src/producer/index.js';
import { startRedisServer, type LocalRedis } from '../../src/redis/local-server.js';

const binary = inject('redisServerBinary');

/**
 * Reading the limit key is bounded on its own, even on a connection the caller built without a
 * command timeout: a Redis that stops answering (SIGSTOP keeps its sockets open) fails the send
 * in seconds, and the next send after Redis is back reads the limit key afresh.
 */
describe.skipIf(!binary)('limit key on a frozen Redis', () => {
  let server: LocalRedis;
  let pid: number;
  let client: Redis;
  let producer: Producer;
  let frozen = false;

  beforeAll(async () => {
    server = await startRedisServer({ binary });
    client = new Redis(server.url); // no commandTimeout: the caller's own connection
    client.on('error', () => {});
    pid = Number(/^process_id:(\d+)/m.exec(await client.info('server'))?.[1]);
    producer = createProducer({ connection: client, encryptionKeys: { current: 'k1', keys: { k1: generateKey() } }, limits: { perIp: { max: 1, windowSeconds: 60 } } });
  });
  afterAll(async () => {
    if (frozen) process.kill(pid, 'SIGCONT');
    await producer?.close().catch(() => {});
    client?.disconnect();
    await server?.stop();
  });

  const send = (ip?: string) => producer.send({ channel: 'email', to: 'ana@example.com', type: 'SignIn', payload: { code: '123456' }, ...(ip && { ip }) });

  it('fails the first counted send within seconds, then recovers once Redis answers', async () => {
    await client.ping(); // the connection is warm; the limit key is not read yet (a send would read it for its conversion mark)
    process.kill(pid, 'SIGSTOP');
    frozen = true;
    const started = Date.now();
    const error = await withDeadline(send('203.0.113.7'), 10_000).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe('DeadlineExceeded');
    expect(error?.message).not.toContain('10000');
    expect(Date.now() - started).toBeLessThan(4000);
    process.kill(pid, 'SIGCONT');
    frozen = false;
    await send('203.0.113.7');
    await expect(send('203.0.113.7')).rejects.toMatchObject({ name: 'RateLimitedError', scope: 'ip' });
  });
});
