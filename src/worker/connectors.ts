import type { Logger } from 'pino';
import type { ParsedConnector } from '../config/load.js';
import type { Channel } from '../messages/types.js';
import type { Provider } from '../providers/types.js';

/**
 * A connector built from config, complete: its name, its provider instance (`id`, `channel` set by
 * the framework), its fleet-wide send limit and its channel's circuit breaker settings.
 */
export type Connector = {
  name: string;
  channel: Channel;
  provider: Provider;
  /** The vendor account's limit, enforced across the fleet by the rate gate; none: unlimited. */
  rateLimit?: ParsedConnector['rateLimit'];
  /** When its circuit opens (`<channel>.circuitBreaker`). */
  breaker: ParsedConnector['breaker'];
  /** Receipts on (a `receipts` block): its accepted sends are tracked for their receipts. */
  receipts?: boolean;
  /** Where its vendor posts receipts, when receipts are on and `ingest.publicUrl` is set (per-message callbacks). */
  receiptUrl?: string;
};

/** SPEC §8: the ingest's receipt route of a connector. */
export const receiptPath = (channel: Channel, name: string): string => `/v1/receipts/${channel}/${encodeURIComponent(name)}`;

/** Builds every connector once at start-up (one client per connector, reused). */
export const buildConnectors = (chains: Record<Channel, ParsedConnector[]>, logger: Logger, publicUrl?: string): Record<Channel, Connector[]> => {
  const build = (parsed: ParsedConnector[]): Connector[] =>
    parsed.map((c) => ({
      name: c.name,
      channel: c.channel,
      provider: c.build(logger),
      rateLimit: c.rateLimit,
      breaker: c.breaker,
      receipts: c.receipts !== undefined,
      ...(c.receipts && publicUrl && { receiptUrl: `${publicUrl}${receiptPath(c.channel, c.name)}` }),
    }));
  return { email: build(chains.email), sms: build(chains.sms) };
};

export const closeConnectors = async (connectors: Record<Channel, Connector[]>): Promise<void> => {
  await Promise.allSettled([...connectors.email, ...connectors.sms].map((c) => c.provider.close()));
};

/** A connector's fleet-wide state in Redis (`part`: its breaker counters, vendor pause, rate window). */
export const connectorKey = (prefix: string, c: Pick<Connector, 'channel' | 'name'>, part: string): string => `${prefix}:connector:${c.channel}:${c.name}:${part}`;
