import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { sentMarkerKey } from '../../src/messages/keys.js';
import { shardedId, shardOf, shardPrefixOfId } from '../../src/messages/shards.js';
import { receiptKey } from '../../src/tracking/store.js';
import { createSentMarker } from '../../src/worker/sent-marker.js';
import { unique } from '../ingest/support/harness.js';

const uuid = '0b8f5c2e-6d4e-4a53-9a53-6f1f2d1c0a11';

describe('the sent marker lives on the message\'s shard', () => {
  it.each([
    [uuid, '{otp}'],
    [shardedId({ index: 2, count: 3 }, uuid), shardOf({ name: 'otp', prefix: '{otp}' }, { index: 2, count: 3 }).prefix],
    [`${shardedId({ index: 0, count: 6 }, uuid)}-failover`, shardOf({ name: 'otp', prefix: '{otp}' }, { index: 0, count: 6 }).prefix],
  ])('%s → %s', (id, prefix) => {
    expect(shardPrefixOfId('{otp}', id)).toBe(prefix);
  });

  const redis = new Redis(inject('redisUrl'));
  afterAll(() => redis.disconnect());

  it.each([1, 4])('with %i shard(s): marked and read under the shard, tracked under the configured prefix', async (count) => {
    const prefix = `{${unique('m')}}`;
    const marker = createSentMarker(redis, prefix, 60_000);
    const id = shardedId({ index: count - 1, count }, uuid);
    const now = Date.now();
    await marker.markSent(id, 'twilio-sms', 60_000, { id, channel: 'sms', connector: 'main', provider: 'twilio-sms', providerMessageId: 'SM1', acceptedAt: now, expiresAt: now + 60_000 });
    expect(await redis.get(sentMarkerKey(shardPrefixOfId(prefix, id), id))).toBe('twilio-sms');
    expect(await redis.hget(receiptKey(prefix, id), 'pmid')).toBe('SM1');
    expect(await marker.wasSent(id)).toBe('twilio-sms');
    if (count > 1) expect(await redis.exists(sentMarkerKey(prefix, id))).toBe(0);
  });
});
