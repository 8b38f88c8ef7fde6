import { describe, expect, inject, it } from 'vitest';
import type { ScenarioContext, ScenarioResult } from '../../chaos/lib/common.js';
import { table } from '../../chaos/lib/report.js';
import { SCENARIOS } from '../../chaos/scenarios/index.js';

/**
 * The short form of the chaos scenarios (chaos/): real worker processes from the built CLI
 * (`npm test` builds first), the shared test Redis, and for (b) a Redis of its own with AOF.
 */
const SCALE = 0.05;

const ctx = (): ScenarioContext => ({ redisUrl: inject('redisUrl'), redisBinary: inject('redisServerBinary'), scale: SCALE, log: () => {} });

const expectOk = (r: ScenarioResult) => {
  if (!r.ok) console.error(table([r]));
  expect(r.failures).toEqual([]);
  expect(r.ok).toBe(true);
};

if (!inject('redisServerBinary')) console.warn('chaos (b) skipped: no redis-server binary on PATH to start a Redis with AOF');

describe('chaos (short form)', () => {
  it('(a) workers SIGKILLed and restarted while sending: every message delivered, duplicates counted', async () => {
    const r = await SCENARIOS.a!(ctx());
    expectOk(r);
    for (const vendor of ['arrival', 'answer']) {
      expect(r.figures[`${vendor}.kills`]).toBeGreaterThanOrEqual(2);
      expect(r.figures[`${vendor}.delivered`]).toBe(r.figures[`${vendor}.messages`]);
      // The courier sends the message id as webhook-id on every attempt: a receiver that drops
      // ids it has seen acts on each message once, whatever the kills did.
      expect(r.figures[`${vendor}.dupAfterWebhookIdDedupe`]).toBe(0);
    }
  }, 120_000);

  it.skipIf(!inject('redisServerBinary'))('(b) Redis with AOF killed and restarted: nothing acknowledged is lost (skipped: no redis-server on PATH)'.replace(inject('redisServerBinary') ? ' (skipped: no redis-server on PATH)' : '', ''), async () => {
    const r = await SCENARIOS.b!(ctx());
    expectOk(r);
    expect(r.figures.lost).toBe(0);
  }, 90_000);

  it('(c) provider down past the first backoff steps: all delivered after, none after expiresAt', async () => {
    const r = await SCENARIOS.c!(ctx());
    expectOk(r);
    expect(r.figures.acceptedAfterExpiry).toBe(0);
    expect(r.figures.requestsDuringOutage).toBeGreaterThan(0);
  }, 90_000);

  it('(d) poison jobs and unknown key ids dead-lettered, the rest delivered', async () => {
    const r = await SCENARIOS.d!(ctx());
    expectOk(r);
  }, 90_000);
});
