import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Channel } from '../messages/types.js';
import type { WorkerMetrics } from '../metrics/metrics.js';
import { connectorKey, type Connector } from './connectors.js';

/**
 * Records one batch of results for a connector and decides, fleet-wide, whether its circuit opens.
 * KEYS: consecutive-failure counter, window counter hash, open flag. Returns 1 when it opened now.
 */
const RECORD = `
local failures = tonumber(ARGV[1])
local successes = tonumber(ARGV[2])
local consecutive = 0
if successes > 0 then redis.call('SET', KEYS[1], failures) consecutive = failures
elseif failures > 0 then consecutive = redis.call('INCRBY', KEYS[1], failures) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('HINCRBY', KEYS[2], 'total', failures + successes)
local failed = redis.call('HINCRBY', KEYS[2], 'failed', failures)
local total = tonumber(redis.call('HGET', KEYS[2], 'total'))
if redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
if failures == 0 or redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
if consecutive >= tonumber(ARGV[3]) or (total >= tonumber(ARGV[6]) and failed / total >= tonumber(ARGV[7])) then
  redis.call('SET', KEYS[3], '1', 'PX', ARGV[5])
  redis.call('DEL', KEYS[2])
  return 1
end
return 0
`;

type State = { open: boolean; pausedUntil: number };

export type ConnectorHealth = {
  /** Connectors to try, in chain order, open circuits last (all open: the chain as is, to probe). */
  candidates(channel: Channel): Connector[];
  /** When the connector's vendor asked us to slow down (429), until when. */
  pausedUntil(connector: Connector): number;
  success(connector: Connector): void;
  failure(connector: Connector): Promise<void>;
  pause(connector: Connector, ms: number): Promise<void>;
  /** Re-reads every connector's state from Redis (also done on a timer). */
  refresh(): Promise<void>;
  close(): void;
};

export type ConnectorHealthDeps = {
  redis: Redis | Cluster;
  prefix: string;
  connectors: Record<Channel, Connector[]>;
  metrics: WorkerMetrics;
  logger: Logger;
  /** @default 500 */
  refreshMs?: number;
};

/**
 * Circuit breakers and vendor pauses per connector, shared by every worker through Redis. Each
 * worker reads the states every `refreshMs` (one MGET) and batches its successes, so the hot path
 * costs no Redis round trip; a failure is reported at once.
 */
export const createConnectorHealth = ({ redis, prefix, connectors, metrics, logger, refreshMs = 500 }: ConnectorHealthDeps): ConnectorHealth => {
  const all = [...connectors.email, ...connectors.sms];
  for (const c of all) metrics.providerUp.set({ channel: c.channel, provider: c.provider.id }, 1);
  const key = (c: Connector, part: string) => connectorKey(prefix, c, part);
  const states = new Map<Connector, State>(all.map((c) => [c, { open: false, pausedUntil: 0 }]));
  const pendingSuccesses = new Map<Connector, number>();
  const client = redis as Redis & { otpBreakerRecord?: (...args: (string | number)[]) => Promise<number> };
  if (!client.otpBreakerRecord) client.defineCommand('otpBreakerRecord', { numberOfKeys: 3, lua: RECORD });

  const record = async (c: Connector, failures: number, successes: number): Promise<void> => {
    const b = c.breaker;
    const opened = await client.otpBreakerRecord!(
      key(c, 'consecutive'), key(c, 'window'), key(c, 'open'),
      failures, successes, b.consecutiveFailures, b.windowSeconds * 1000, b.openSeconds * 1000, b.minRequests, b.failureRatio,
    );
    if (Number(opened) === 1) setState(c, { open: true });
  };

  const setState = (c: Connector, next: Partial<State>) => {
    const state = states.get(c);
    if (!state) return;
    if (next.open !== undefined && next.open !== state.open) {
      if (next.open) logger.warn({ connector: c.name, channel: c.channel, provider: c.provider.id }, 'circuit opened: sending to the next connector in the chain');
      else logger.info({ connector: c.name, channel: c.channel, provider: c.provider.id }, 'circuit closed: connector back in service');
      metrics.providerUp.set({ channel: c.channel, provider: c.provider.id }, next.open ? 0 : 1);
    }
    Object.assign(state, next);
  };

  const refresh = async () => {
    if (all.length === 0) return;
    const flush = [...pendingSuccesses.entries()];
    pendingSuccesses.clear();
    await Promise.all(flush.map(([c, n]) => record(c, 0, n)));
    const values = await Promise.all(all.map((c) => Promise.all([redis.exists(key(c, 'open')), redis.pttl(key(c, 'pause'))])));
    all.forEach((c, i) => {
      const [open, pausePttl] = values[i] ?? [0, -2];
      setState(c, { open: open === 1, pausedUntil: pausePttl > 0 ? Date.now() + pausePttl : 0 });
    });
  };

  let timer: NodeJS.Timeout | undefined = setInterval(() => {
    refresh().catch((error: Error) => logger.debug({ err: { message: error.message } }, 'connector state refresh failed'));
  }, refreshMs);
  timer.unref();

  return {
    candidates(channel) {
      const chain = connectors[channel];
      const healthy = chain.filter((c) => !states.get(c)?.open);
      return healthy.length === chain.length ? chain : [...healthy, ...chain.filter((c) => states.get(c)?.open)];
    },
    pausedUntil: (c) => {
      const until = states.get(c)?.pausedUntil ?? 0;
      return until > Date.now() ? until : 0;
    },
    success(c) {
      pendingSuccesses.set(c, (pendingSuccesses.get(c) ?? 0) + 1);
    },
    failure: (c) => record(c, 1, 0),
    async pause(c, ms) {
      setState(c, { pausedUntil: Date.now() + ms });
      await redis.set(key(c, 'pause'), '1', 'PX', Math.max(1, Math.round(ms)));
    },
    refresh,
    close() {
      clearInterval(timer);
      timer = undefined;
    },
  };
};
