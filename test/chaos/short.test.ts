import { describe, expect, inject, it } from 'vitest';
import type { ScenarioContext, ScenarioResult } from '../../chaos/lib/common.js';
import { table } from '../../chaos/lib/report.js';
import { SCENARIOS } from '../../chaos/scenarios/index.js';

/**
 * The short form of the chaos scenarios (chaos/): real worker processes from the built CLI
 * (`npm test` builds first), the shared test Redis, for (b) a Redis of its own with AOF, for (e) a
 * Sentinel set of its own (skipped without redis-server), for (f) fault proxies in front of the shared Redis.
 */
const SCALE = 0.05;

const ctx = (): ScenarioContext => ({ redisUrl: inject('redisUrl'), redisBinary: inject('redisServerBinary'), scale: SCALE, log: () => {} });

const expectOk = (r: ScenarioResult) => {
  if (!r.ok) console.error(table([r]));
  expect(r.failures).toEqual([]);
  expect(r.ok).toBe(true);
};

if (!inject('redisServerBinary')) console.warn('chaos (b), (e) skipped: no redis-server binary on PATH to start a Redis with AOF or a Sentinel set');

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

  it.skipIf(!inject('redisServerBinary'))('(e) Sentinel primary SIGKILLed under ingest load: every 200 delivered, 503 meanwhile, recovered without restarts', async () => {
    const r = await SCENARIOS.e!(ctx());
    expectOk(r);
    expect(r.figures.lost).toBe(0);
    expect(r.figures.refused).toBeGreaterThan(0);
    expect(r.figures.ackedWithoutReplica).toBe(0);
  }, 90_000);

  it('(f) latency, stalls and resets mid-reply on the Redis and provider links: no late send, nothing lost, no worker hangs', async () => {
    const r = await SCENARIOS.f!(ctx());
    expectOk(r);
    expect(r.figures.lateSends).toBe(0);
    expect(r.figures.pending).toBe(0);
  }, 120_000);

  it('(g) rolling deploy, every SIGTERM cutting sends off after a 0.5 s grace: circuit never opens, nothing lost, exits bounded', async () => {
    const r = await SCENARIOS.g!(ctx());
    expectOk(r);
    expect(r.figures.sigterms).toBeGreaterThanOrEqual(3);
    expect(r.figures.inVendorAtSigterm).toBeGreaterThan(0);
    expect(r.figures.circuitOpenPolls).toBe(0);
    expect(r.figures.pending).toBe(0);
    expect(r.figures.requestsAfterExpiry).toBe(0);
    expect(r.figures.dupAfterWebhookIdDedupe).toBe(0);
  }, 90_000);

  it('(h) SMTP server tarpitting the reply to DATA past the lifetime: none accepted after expiresAt, the others delivered', async () => {
    const r = await SCENARIOS.h!(ctx());
    expectOk(r);
    expect(r.figures.tarpitted).toBeGreaterThan(0);
    expect(r.figures.acceptedAfterExpiry).toBe(0);
    expect(r.figures.slowPending).toBe(0);
    expect(r.figures.fastDelivered).toBe(r.figures.fast);
  }, 90_000);

  it('(i) SMS pumping over premium prefixes and spread over a country, mixed with converting users: attack sends < 5 %, normal refused < 0.5 %', async () => {
    const r = await SCENARIOS.i!(ctx());
    expectOk(r);
    expect(r.figures.attackSentPct).toBeLessThan(5);
    expect(r.figures.normalRefusedPct).toBeLessThan(0.5);
    expect(r.figures.prefixBlocks).toBeGreaterThanOrEqual(3);
  }, 90_000);
});
