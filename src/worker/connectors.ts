import type { Logger } from 'pino';
import type { ParsedConnector } from '../config/load.js';
import type { Channel } from '../messages/types.js';
import type { Provider } from '../providers/types.js';

/** A connector built from config: its name, its provider instance and its place in the chain. */
export type Connector = { name: string; channel: Channel; provider: Provider };

/** Builds every connector once at start-up (one client per connector, reused). */
export const buildConnectors = (chains: Record<Channel, ParsedConnector[]>, logger: Logger): Record<Channel, Connector[]> => {
  const build = (parsed: ParsedConnector[]): Connector[] => parsed.map((c) => ({ name: c.name, channel: c.channel, provider: c.build(logger) }));
  return { email: build(chains.email), sms: build(chains.sms) };
};

export const closeConnectors = async (connectors: Record<Channel, Connector[]>): Promise<void> => {
  await Promise.allSettled([...connectors.email, ...connectors.sms].map((c) => c.provider.close()));
};
