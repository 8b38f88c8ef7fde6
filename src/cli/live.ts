import type { Logger } from 'pino';
import type { LoadedConfig } from '../config/load.js';
import type { Channel } from '../messages/types.js';
import type { Producer, WaitSlot } from '../producer/index.js';
import { createGenerations, type Generations } from '../reload/generations.js';
import { configWarnings } from '../startup/warnings.js';
import { createTemplateResolver } from '../templates/resolve.js';
import { withOriginBound } from '../templates/origin-bound.js';
import type { ReceiptIntake } from '../tracking/intake.js';
import type { ChainEntry } from '../ui/state.js';
import { buildConnectors, type Connector } from '../worker/connectors.js';
import type { Live } from '../worker/generation.js';
import type { ReceiptIntakeRuntime } from './receipts.js';

/** A config's connectors and compiled templates for the worker, its warnings logged (at start-up and on each reload). */
export const workerLive = (loaded: LoadedConfig, logger: Logger): Live => {
  const connectors = buildConnectors(loaded.chains, logger, loaded.config.ingest.publicUrl);
  // Templates compile once per config, for the checks and the worker.
  // SPEC §12: every SMS may end with the origin-bound code line.
  const resolver = withOriginBound(createTemplateResolver(loaded.config.templates, loaded.config.defaultLocale), loaded.config.sms?.originBoundDomain);
  for (const w of configWarnings(loaded, connectors, resolver)) logger.warn({ path: w.path }, `config: ${w.message}`);
  return { config: loaded.config, connectors, resolver };
};

/** The chains as the read-only view lists them. */
export const chainEntries = (connectors: Record<Channel, readonly Connector[]>): Record<Channel, ChainEntry[]> => {
  const entries = (chain: readonly Connector[]) => chain.map((c) => ({ channel: c.channel, name: c.name, provider: c.provider.id }));
  return { email: entries(connectors.email), sms: entries(connectors.sms) };
};

/** What a reload replaces in the ingest: the producer (limits, lifetimes) and the receipt verifiers (connectors). */
export type IngestGeneration = { producer: Producer; receipts: ReceiptIntakeRuntime | undefined };

const closeIngestGeneration = async ({ producer, receipts }: IngestGeneration): Promise<void> => {
  await producer.close();
  await receipts?.close();
};

const NOT_FOUND = { status: 404, contentType: 'application/json; charset=utf-8', body: '{"error":"not_found"}' };

/**
 * A Producer that sends through the current generation's producer. A `?wait=` request keeps the
 * producer that reserved its place until it releases it, so a reload never strands a waiter.
 */
const liveProducer = (generations: Generations<IngestGeneration>): Producer => {
  const owners = new WeakMap<WaitSlot, { producer: Producer; slot: WaitSlot }>();
  return {
    send: (input) => generations.use((g) => g.producer.send(input)),
    verified: (input) => generations.use((g) => g.producer.verified(input)),
    status: (id) => generations.use((g) => g.producer.status(id)),
    reserveWait() {
      const held = generations.hold();
      const slot = held.value.producer.reserveWait();
      if (!slot) {
        held.release();
        return undefined;
      }
      const mine: WaitSlot = {
        release() {
          slot.release();
          held.release();
        },
      };
      owners.set(mine, { producer: held.value.producer, slot });
      return mine;
    },
    waitFor(id, options = {}) {
      const owner = options.slot && owners.get(options.slot);
      if (owner) return owner.producer.waitFor(id, { ...options, slot: owner.slot });
      return generations.use((g) => g.producer.waitFor(id, options));
    },
    close: () => generations.close(),
  };
};

export type LiveIngest = { producer: Producer; intake: ReceiptIntake; reload(next: IngestGeneration): void; close(): Promise<void> };

/** SPEC §14 for the ingest: requests run on the generation current when they arrived; the previous one closes after its last request. */
export const createLiveIngest = (first: IngestGeneration, logger: Logger): LiveIngest => {
  const generations = createGenerations(first, closeIngestGeneration);
  return {
    producer: liveProducer(generations),
    intake: (channel, name, request) => generations.use((g) => (g.receipts ? g.receipts.intake(channel, name, request) : Promise.resolve(NOT_FOUND))),
    reload(next) {
      // The receipt routes are registered at start-up, when some connector has receipts.
      if (!first.receipts && next.receipts) logger.warn('config reload: receipts switched on; the ingest takes them after a restart');
      generations.swap(next);
    },
    close: () => generations.close(),
  };
};
