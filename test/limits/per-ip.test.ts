import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createProducer, RateLimitedError } from '../../src/producer/index.js';

/** The per-IP window counts each client address on its own. */
describe('per-IP limit', () => {
  const producer = createProducer({
    connection: inject('redisUrl'),
    prefix: `{ip-${randomUUID().slice(0, 8)}}`,
    limits: { perIp: { max: 1, windowSeconds: 60 } },
  });
  afterAll(() => producer.close());

  const send = (ip: string, i: number) => producer.send({ channel: 'email', to: `user${i}@example.com`, type: 'SignIn', payload: { code: '123456' }, ip });

  it('keeps IPv4 addresses that differ only in where the dots fall apart', async () => {
    await send('1.23.4.5', 1);
    await send('12.3.4.5', 2);
    await send('203.0.113.7', 3);
    await send('20.30.113.7', 4);
    await expect(send('1.23.4.5', 5)).rejects.toBeInstanceOf(RateLimitedError);
  });
});
