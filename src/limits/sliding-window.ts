import type { Cluster, Redis } from 'ioredis';

/**
 * Rolling-window counters, all checked and recorded in one Lua call (atomic across every producer
 * sharing the Redis). The clock is Redis's own `TIME`, so producers with skewed clocks agree.
 * For each key: drop entries older than its window; if `max` remain, refuse. Only when every key
 * allows is the hit recorded, in all of them: a refused request uses up no budget, so waiting
 * `Retry-After` is enough. Returns `{0, 0}` when allowed, else `{waitMs, index}` of the key that
 * frees last (1-based).
 *
 * With a guard (ARGV[2] a hash field, ARGV[3] its expected value, KEYS[1] the hash), nothing is
 * checked or recorded unless the field still holds that value: `{-1, 0}` then. The counters are
 * keyed by the queue's limit key, and the guard is its generation, so a producer whose cached limit
 * key was replaced finds out in the same round trip instead of counting in windows nobody else uses.
 *
 * Redis Cluster: every key must hash to one slot; producer-limits puts them under the queue's
 * prefix, whose `{hash tag}` BullMQ already requires in a cluster.
 */
const SCRIPT = `
local first = 1
if ARGV[2] ~= '' then
  if redis.call('HGET', KEYS[1], ARGV[2]) ~= ARGV[3] then return {-1, 0} end
  first = 2
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait, which = 0, 0
for i = first, #KEYS do
  local j = i - first + 1
  local window = tonumber(ARGV[2 + 2 * j])
  local max = tonumber(ARGV[3 + 2 * j])
  local key = KEYS[i]
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= max then
    local freeing = redis.call('ZRANGE', key, count - max, count - max, 'WITHSCORES')
    local w = math.max(1, tonumber(freeing[2]) + window - now)
    if w > wait then wait, which = w, j end
  end
end
if wait > 0 then return {wait, which} end
for i = first, #KEYS do
  local j = i - first + 1
  redis.call('ZADD', KEYS[i], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2 + 2 * j]))
end
return {0, 0}
`;

export type WindowLimit = { max: number; windowSeconds: number };

export type WindowHit = { key: string; limit: WindowLimit };

/** Count only while hash `key` holds `value` in `field`. */
export type WindowGuard = { key: string; field: string; value: string };

/**
 * 0 when allowed (recorded in every window), else the wait in ms and the index of the refusing hit.
 * `stale`: the guard did not hold; nothing was checked or recorded.
 */
export type WindowResult = { waitMs: number; refused: number | undefined; stale?: true };

export type SlidingWindow = {
  hit(hits: readonly WindowHit[], member: string, guard?: WindowGuard): Promise<WindowResult>;
};

type ScriptClient = { otpSlidingWindow?: (numKeys: number, ...args: (string | number)[]) => Promise<[number, number]> };

export const createSlidingWindow = (redis: Redis | Cluster): SlidingWindow => {
  const client = redis as (Redis | Cluster) & ScriptClient;
  if (!client.otpSlidingWindow) client.defineCommand('otpSlidingWindow', { lua: SCRIPT });
  return {
    async hit(hits, member, guard) {
      const run = client.otpSlidingWindow;
      if (!run) throw new Error('sliding window script not registered');
      if (hits.length === 0) return { waitMs: 0, refused: undefined };
      const keys = [...(guard ? [guard.key] : []), ...hits.map((h) => h.key)];
      const args = hits.flatMap(({ limit }) => [limit.windowSeconds * 1000, limit.max]);
      const [waitMs, index] = await run.call(client, keys.length, ...keys, member, guard?.field ?? '', guard?.value ?? '', ...args);
      if (Number(waitMs) < 0) return { waitMs: 0, refused: undefined, stale: true };
      return { waitMs: Number(waitMs), refused: Number(waitMs) > 0 ? Number(index) - 1 : undefined };
    },
  };
};
