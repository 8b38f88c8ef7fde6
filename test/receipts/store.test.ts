import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Counter, Registry } from 'prom-client';
import { afterAll, describe, expect, it, inject } from 'vitest';
import type { Receipt } from '../../src/receipts/types.js';
import { createReceiptStore, queueTrack, type TrackedSend } from '../../src/tracking/store.js';
import { createReceiptSweeper } from '../../src/tracking/sweeper.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

const newPrefix = () => `{store-${randomUUID().slice(0, 8)}}`;
const track = async (prefix: string, send: Partial<TrackedSend> = {}, windowMs = 60_000): Promise<TrackedSend> => {
  const full: TrackedSend = { id: randomUUID(), channel: 'sms', connector: 'main', provider: 'twilio-sms', providerMessageId: `SM${randomUUID()}`, acceptedAt: Date.now(), expiresAt: Date.now() + 60_000, ...send };
  await queueTrack(redis.multi(), prefix, full, windowMs).exec();
  return full;
};

describe('receipt store: the latest final status stands; repeats and out-of-order receipts are harmless', () => {
  const at = 1_800_000_000_000;
  /** [receipts in arrival order, status after them, how many changed something] */
  const table: [string, Omit<Receipt, 'providerMessageId'>[], string | undefined, number][] = [
    ['deferred, then delivered', [{ status: 'deferred', at }, { status: 'delivered', at: at + 1 }], 'delivered', 2],
    ['delivered, then a late deferred', [{ status: 'delivered', at: at + 1 }, { status: 'deferred', at }], 'delivered', 1],
    ['delivered twice', [{ status: 'delivered', at }, { status: 'delivered', at }], 'delivered', 1],
    ['delivered, then an older undelivered', [{ status: 'delivered', at: at + 5 }, { status: 'undelivered', at }], 'delivered', 1],
    ['delivered, then a later complaint', [{ status: 'delivered', at }, { status: 'complained', at: at + 5 }], 'complained', 2],
    ['deferred twice', [{ status: 'deferred', at }, { status: 'deferred', at: at + 1 }], 'deferred', 1],
  ];
  it.each(table)('%s', async (_name, receipts, final, changes) => {
    const prefix = newPrefix();
    const store = createReceiptStore(redis, prefix);
    const send = await track(prefix);
    let changed = 0;
    for (const r of receipts) if ((await store.apply('sms', 'main', { ...r, providerMessageId: send.providerMessageId })).kind === 'changed') changed += 1;
    expect((await store.read(send.id))?.status).toBe(final);
    expect(changed).toBe(changes);
  });

  it('knows no vendor id it was not given, nor one of another connector', async () => {
    const prefix = newPrefix();
    const store = createReceiptStore(redis, prefix);
    const send = await track(prefix);
    expect(await store.apply('sms', 'main', { providerMessageId: 'SMnope', status: 'delivered' })).toEqual({ kind: 'unknown' });
    expect(await store.apply('sms', 'backup', { providerMessageId: send.providerMessageId, status: 'delivered' })).toEqual({ kind: 'unknown' });
  });

  it('after a resend, receipts of the earlier send change nothing; the new send starts from none', async () => {
    const prefix = newPrefix();
    const store = createReceiptStore(redis, prefix);
    const first = await track(prefix);
    await store.apply('sms', 'main', { providerMessageId: first.providerMessageId, status: 'undelivered' });
    const second = await track(prefix, { id: first.id, connector: 'backup', provider: 'outbox', providerMessageId: 'outbox-1' });
    expect((await store.read(first.id))?.status).toBeUndefined();
    expect((await store.apply('sms', 'main', { providerMessageId: first.providerMessageId, status: 'undelivered', at: Date.now() + 1000 })).kind).toBe('unchanged');
    expect((await store.apply('sms', 'backup', { providerMessageId: second.providerMessageId, status: 'delivered' })).kind).toBe('changed');
    expect(await store.read(first.id)).toMatchObject({ status: 'delivered', provider: 'outbox', connector: 'backup' });
  });

  it('claims a failover once', async () => {
    const prefix = newPrefix();
    const store = createReceiptStore(redis, prefix);
    const send = await track(prefix);
    expect(await store.claimFailover(send.id, 'backup')).toBe(true);
    expect(await store.claimFailover(send.id, 'backup')).toBe(false);
  });

  it('keeps no recipient and no code: only ids, names, times and the country', async () => {
    const prefix = newPrefix();
    const send = await track(prefix, { country: 'US' });
    const keys = await redis.keys(`${prefix}*`);
    const dump = JSON.stringify(await Promise.all(keys.map(async (k) => ((await redis.type(k)) === 'hash' ? redis.hgetall(k) : (await redis.type(k)) === 'zset' ? redis.zrange(k, '0', '-1') : redis.get(k)))));
    expect(dump).toContain(send.providerMessageId);
    expect(dump).not.toMatch(/\+1\d{10}|@/);
  });
});

describe('receipt sweeper', () => {
  it('counts a send whose window ended without a final receipt, once across the fleet; not one that got its receipt', async () => {
    const prefix = newPrefix();
    const store = createReceiptStore(redis, prefix);
    const registry = new Registry();
    const missing = new Counter({ name: 'otp_receipts_missing_total', help: 'h', labelNames: ['channel', 'provider'] as const, registers: [registry] });
    const sweepers = [1, 2].map(() => createReceiptSweeper({ redis, prefix, missing, logger: pino({ level: 'silent' }) }));
    const silent = await track(prefix, {}, 0);
    const answered = await track(prefix, {}, 0);
    await store.apply('sms', 'main', { providerMessageId: answered.providerMessageId, status: 'delivered' });
    const later = Date.now() + 120_000;
    const counted = await Promise.all(sweepers.map((s) => s.sweep(later)));
    expect(counted.reduce((a, b) => a + b, 0)).toBe(1);
    expect((await missing.get()).values).toEqual([{ labels: { channel: 'sms', provider: 'twilio-sms' }, value: 1 }]);
    expect(silent.id).toBeTruthy();
  });
});
