import type { Cluster, Redis } from 'ioredis';

/**
 * A rolling-window counter in one Lua call (atomic across every producer sharing the Redis):
 * drops entries older than the window, refuses when `max` remain, else records this one.
 * Returns 0 when allowed, else milliseconds until a slot frees.
 */
const SCRIPT = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count >= max then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, window)
return 0
`;

export type WindowLimit = { max: number; windowSeconds: number };

export type SlidingWindow = {
  /** Records one hit for `key`; resolves to 0 when allowed, else the wait in ms. */
  hit(key: string, limit: WindowLimit, member: string): Promise<number>;
};

export const createSlidingWindow = (redis: Redis | Cluster): SlidingWindow => {
  const client = redis as Redis & { otpSlidingWindow?: (key: string, ...args: (string | number)[]) => Promise<number> };
  if (!client.otpSlidingWindow) client.defineCommand('otpSlidingWindow', { numberOfKeys: 1, lua: SCRIPT });
  return {
    async hit(key, { max, windowSeconds }, member) {
      const run = client.otpSlidingWindow;
      if (!run) throw new Error('sliding window script not registered');
      return Number(await run.call(client, key, Date.now(), windowSeconds * 1000, max, member));
    },
  };
};
