import type { Cluster, Redis } from 'ioredis';

/**
 * Rolling-window counters, all checked and recorded in one Lua call (atomic across every producer
 * sharing the Redis). The clock is Redis's own `TIME`, so producers with skewed clocks agree.
 * For each key: drop entries older than its window; if `max` remain, refuse. Only when every key
 * allows is the hit recorded, in all of them: a refused request uses up no budget, so waiting
 * `Retry-After` is enough. Returns `{0, 0}` when allowed, else `{waitMs, index}` of the key that
 * frees last (1-based). A hit marked `observe` never refuses: it is recorded even when full, and
 * its index is returned after the first two (`limits.mode: observe`, SPEC §12). A gate (window 0)
 * is no counter: while its key lives it refuses with the key's remaining life, and nothing is ever
 * recorded in it (the conversion limit's block key, src/limits/conversion-limit.ts).
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
local observed = {}
for i = first, #KEYS do
  local j = i - first + 1
  local window = tonumber(ARGV[1 + 3 * j])
  local max = tonumber(ARGV[2 + 3 * j])
  local key = KEYS[i]
  local w = 0
  if window == 0 then
    w = redis.call('PTTL', key)
  else
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    local count = redis.call('ZCARD', key)
    if count >= max then
      local freeing = redis.call('ZRANGE', key, count - max, count - max, 'WITHSCORES')
      w = math.max(1, tonumber(freeing[2]) + window - now)
    end
  end
  if w > 0 then
    if ARGV[3 + 3 * j] == '1' then
      observed[#observed + 1] = j
    elseif w > wait then
      wait, which = w, j
    end
  end
end
if wait > 0 then return {wait, which} end
for i = first, #KEYS do
  local j = i - first + 1
  local window = tonumber(ARGV[1 + 3 * j])
  if window > 0 then
    redis.call('ZADD', KEYS[i], now, ARGV[1])
    redis.call('PEXPIRE', KEYS[i], window)
  end
end
local result = {0, 0}
for _, j in ipairs(observed) do result[#result + 1] = j end
return result
`;

export type WindowLimit = { max: number; windowSeconds: number };

/**
 * A window (`limit`), or a gate (`gate: true`: refuses while `key` lives, records nothing).
 * `observe`: count it and report that it would refuse, but never refuse.
 */
export type WindowHit = { key: string; observe?: boolean } & ({ limit: WindowLimit } | { gate: true });

/** Count only while hash `key` holds `value` in `field`. */
export type WindowGuard = { key: string; field: string; value: string };

/**
 * 0 when allowed (recorded in every window), else the wait in ms and the index of the refusing hit.
 * `stale`: the guard did not hold; nothing was checked or recorded. `observed`: indexes of observe
 * hits that were full (recorded anyway), when there are any.
 */
export type WindowResult = { waitMs: number; refused: number | undefined; stale?: true; observed?: number[] };

export type SlidingWindow = {
  hit(hits: readonly WindowHit[], member: string, guard?: WindowGuard): Promise<WindowResult>;
};

type ScriptClient = { otpSlidingWindow?: (numKeys: number, ...args: (string | number)[]) => Promise<number[]> };

export const createSlidingWindow = (redis: Redis | Cluster): SlidingWindow => {
  const client = redis as (Redis | Cluster) & ScriptClient;
  if (!client.otpSlidingWindow) client.defineCommand('otpSlidingWindow', { lua: SCRIPT });
  return {
    async hit(hits, member, guard) {
      const run = client.otpSlidingWindow;
      if (!run) throw new Error('sliding window script not registered');
      if (hits.length === 0) return { waitMs: 0, refused: undefined };
      const keys = [...(guard ? [guard.key] : []), ...hits.map((h) => h.key)];
      const args = hits.flatMap((h) => [...('limit' in h ? [h.limit.windowSeconds * 1000, h.limit.max] : [0, 0]), h.observe ? 1 : 0]);
      const [waitMs = 0, index = 0, ...observed] = (await run.call(client, keys.length, ...keys, member, guard?.field ?? '', guard?.value ?? '', ...args)).map(Number);
      if (waitMs < 0) return { waitMs: 0, refused: undefined, stale: true };
      return { waitMs, refused: waitMs > 0 ? index - 1 : undefined, ...(observed.length > 0 && { observed: observed.map((j) => j - 1) }) };
    },
  };
};
