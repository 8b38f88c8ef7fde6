import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { createReceiptMetrics } from '../../src/metrics/receipt-metrics.js';
import { FORGED } from '../../src/receipts/kit.js';
import type { ReceiptVerifier } from '../../src/receipts/types.js';
import { createReceiptIntake } from '../../src/tracking/intake.js';
import { createReceiptStore } from '../../src/tracking/store.js';
import { createClaimRelease, createReceiptTools } from '../../src/tracking/tools.js';
import { freePort } from './receipt-ingest.js';
import { receiptRequest } from './support.js';

const logger = pino({ level: 'silent' });

describe('receipt intake when Redis fails', () => {
  const good = new Redis(inject('redisUrl'));
  afterAll(() => good.quit());
  const prefix = `{intake-${randomUUID().slice(0, 8)}}`;
  const tools = createReceiptTools(good, prefix, logger);
  /** A verifier that claims the request's once-only id, as Mailgun's, SNS's and Standard Webhooks' do. */
  const verifier: ReceiptVerifier = {
    verify: async (request) => ((await tools.claimOnce(`test:${request.query.id ?? ''}`, 600)) ? { ok: true, receipts: [{ providerMessageId: 'pm-1', status: 'delivered' }] } : FORGED),
  };
  const intakeOn = (redis: Redis) =>
    createReceiptIntake({
      connectors: [{ channel: 'email', name: 'main', provider: 'outbox', verifier }],
      store: createReceiptStore(redis, prefix),
      metrics: createReceiptMetrics(new Registry()),
      reactions: [],
      releaseClaims: createClaimRelease(good, prefix),
      logger,
    });

  it('answers 503 and gives the once-only id back, so the vendor retry is taken, not refused as a replay', async () => {
    const broken = new Redis({ port: await freePort(), lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const request = receiptRequest({ url: 'http://127.0.0.1/v1/receipts/email/main?id=evt-1', body: '{}' });
    expect((await intakeOn(broken)('email', 'main', request)).status).toBe(503);
    broken.disconnect();
    // The retry: taken (200: about no message we know), not a 401 replay.
    expect((await intakeOn(good)('email', 'main', request)).status).toBe(200);
    // And a replay after that is refused.
    expect((await intakeOn(good)('email', 'main', request)).status).toBe(401);
  });

  it('answers 503 when a verifier throws (its own Redis call or fetch failed), never 400', async () => {
    const throwing: ReceiptVerifier = { verify: () => Promise.reject(new Error('Connection is closed.')) };
    const intake = createReceiptIntake({ connectors: [{ channel: 'sms', name: 'x', provider: 'vonage-sms', verifier: throwing }], store: createReceiptStore(good, prefix), metrics: createReceiptMetrics(new Registry()), reactions: [], logger });
    expect((await intake('sms', 'x', receiptRequest({ body: '' }))).status).toBe(503);
    expect((await intake('sms', 'other', receiptRequest({ body: '' }))).status).toBe(404);
  });
});
