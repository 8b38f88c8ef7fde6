import type { Cluster, Redis } from 'ioredis';

/**
 * Rolling-window counters, all checked and recorded in one Lua call (atomic across every producer
 * sharing the Redis). The clock is Redis's own `TIME`, so producers with skewed clocks agree.
 * For each key: drop entries older than its window; if `max` remain, refuse. Only when every key
 * allows is the hit recorded, in all of them: a refused request uses up no budget, so waiting
 * `Retry-After` is enough. Returns `{0, 0}` when allowed, else `{waitMs, index}` of the key that
 * frees last (1-based).
 *
 * Redis Cluster: every key must hash to one slot; producer-limits puts them under the queue's
 * prefix, whose `{hash tag}` BullMQ already requires in a cluster.
 */
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait, which = 0, 0
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[2 * i])
  local max = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= max then
    local freeing = redis.call('ZRANGE', key, count - max, count - max, 'WITHSCORES')
    local w = math.max(1, tonumber(freeing[2]) + window - now)
    if w > wait then wait, which = w, i end
  end
end
if wait > 0 then return {wait, which} end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i]))
end
return {0, 0}
`;

export type WindowLimit = { max: number; windowSeconds: number };

export type WindowHit = { key: string; limit: WindowLimit };

/** 0 when allowed (recorded in every window), else the wait in ms and the index of the refusing hit. */
export type WindowResult = { waitMs: number; refused: number | undefined };

export type SlidingWindow = {
  hit(hits: readonly WindowHit[], member: string): Promise<WindowResult>;
};

type ScriptClient = { otpSlidingWindow?: (numKeys: number, ...args: (string | number)[]) => Promise<[number, number]> };

export const createSlidingWindow = (redis: Redis | Cluster): SlidingWindow => {
  const client = redis as (Redis | Cluster) & ScriptClient;
  if (!client.otpSlidingWindow) client.defineCommand('otpSlidingWindow', { lua: SCRIPT });
  return {
    async hit(hits, member) {
      const run = client.otpSlidingWindow;
      if (!run) throw new Error('sliding window script not registered');
      if (hits.length === 0) return { waitMs: 0, refused: undefined };
      const keys = hits.map((h) => h.key);
      const args = hits.flatMap(({ limit }) => [limit.windowSeconds * 1000, limit.max]);
      const [waitMs, index] = await run.call(client, hits.length, ...keys, member, ...args);
      return { waitMs: Number(waitMs), refused: Number(waitMs) > 0 ? Number(index) - 1 : undefined };
    },
  };
};
