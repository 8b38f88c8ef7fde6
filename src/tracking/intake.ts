import type { Logger } from 'pino';
import type { Channel } from '../messages/types.js';
import type { ReceiptMetrics } from '../metrics/receipt-metrics.js';
import { isFinalStatus, type Receipt, type ReceiptRequest, type ReceiptVerdict, type ReceiptVerifier } from '../receipts/types.js';
import type { Applied, ReceiptRecord, ReceiptStore } from './store.js';
import { claimScope } from './tools.js';

/** A connector whose receipts the ingest takes. */
export type IntakeConnector = { channel: Channel; name: string; provider: string; verifier: ReceiptVerifier };

/** What the ingest answers the vendor. */
export type IntakeAnswer = { status: number; contentType: string; body: string };

/** What happens after a status changed (failover, suppression); failures are logged, never answered. */
export type ReceiptReaction = (id: string, record: ReceiptRecord, receipt: Receipt) => Promise<void>;

export type IntakeDeps = {
  connectors: readonly IntakeConnector[];
  store: ReceiptStore;
  metrics: ReceiptMetrics;
  reactions: readonly ReceiptReaction[];
  /** Gives back the once-only tokens a request answered 503 claimed, so the vendor's retry is not refused as a replay. */
  releaseClaims?: (keys: readonly string[]) => Promise<void>;
  logger: Logger;
};

const json = (status: number, value: object): IntakeAnswer => ({ status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) });
const TAKEN = json(200, { ok: true });
const UNAVAILABLE_ANSWER = json(503, { error: 'unavailable' });

/** A receipt the store can take: an id of sane size. Anything else from a verifier is dropped. */
const usable = (r: Receipt): boolean => r.providerMessageId.length > 0 && r.providerMessageId.length <= 256 && (r.code?.length ?? 0) <= 64;

/** Verifiers answer bad input with a verdict; one that throws met a failure of its own (Redis, a certificate fetch). */
const UNAVAILABLE = Symbol('verifier failed');
const verify = async (verifier: ReceiptVerifier, request: ReceiptRequest): Promise<ReceiptVerdict | typeof UNAVAILABLE> => {
  try {
    return await verifier.verify(request);
  } catch {
    return UNAVAILABLE;
  }
};

/**
 * Takes one vendor webhook: verify, then apply each receipt to its message. 404 for a connector
 * without receipts; 401/400 for a refused request; 200 for taken receipts and for ones about no
 * message we know (so the vendor stops retrying); 503 when Redis or the verifier's own fetch fails
 * (the vendor retries).
 */
export const createReceiptIntake = (deps: IntakeDeps) => {
  const byRoute = new Map(deps.connectors.map((c) => [`${c.channel}/${c.name}`, c]));
  const { metrics } = deps;

  const counted = (connector: IntakeConnector, applied: Applied, receipt: Receipt): void => {
    const labels = { channel: connector.channel, provider: connector.provider };
    if (applied.kind === 'unknown') metrics.rejected.inc({ ...labels, reason: 'unknown_message' });
    if (applied.kind !== 'changed') return;
    metrics.receipts.inc({ ...labels, status: receipt.status });
    if (connector.channel === 'sms') metrics.byCountry.inc({ channel: 'sms', country: applied.record.country ?? 'unknown', status: receipt.status });
    const firstFinal = isFinalStatus(receipt.status) && (applied.previous === undefined || !isFinalStatus(applied.previous));
    if (firstFinal) metrics.latency.observe(labels, Math.max(0, (receipt.at ?? Date.now()) - applied.record.acceptedAt) / 1000);
  };

  const react = async (connector: IntakeConnector, applied: Extract<Applied, { kind: 'changed' }>, receipt: Receipt): Promise<void> => {
    for (const reaction of deps.reactions) {
      await reaction(applied.id, applied.record, receipt).catch((error: Error) =>
        deps.logger.warn({ connector: connector.name, err: { message: error.message } }, 'receipt reaction failed; the receipt stands'),
      );
    }
  };

  const take = async (connector: IntakeConnector, request: ReceiptRequest): Promise<IntakeAnswer> => {
    const verdict = await verify(connector.verifier, request);
    if (verdict === UNAVAILABLE) {
      deps.logger.warn({ connector: connector.name }, 'receipt verifier failed (Redis or a fetch); answered 503 so the vendor retries');
      return UNAVAILABLE_ANSWER;
    }
    if (!verdict.ok) {
      metrics.rejected.inc({ channel: connector.channel, provider: connector.provider, reason: verdict.reason });
      return verdict.reason === 'signature' ? json(401, { error: 'unauthorized' }) : json(400, { error: 'malformed' });
    }
    try {
      for (const receipt of verdict.receipts.filter(usable)) {
        const applied = await deps.store.apply(connector.channel, connector.name, receipt);
        counted(connector, applied, receipt);
        if (applied.kind === 'changed') await react(connector, applied, receipt);
      }
    } catch (error) {
      deps.logger.warn({ connector: connector.name, err: { message: (error as Error).message } }, 'could not store a receipt; answered 503 so the vendor retries');
      return UNAVAILABLE_ANSWER;
    }
    return verdict.reply ? { status: verdict.reply.status ?? 200, contentType: verdict.reply.contentType ?? 'application/json; charset=utf-8', body: verdict.reply.body } : TAKEN;
  };

  return async (channel: string, name: string, request: ReceiptRequest): Promise<IntakeAnswer> => {
    const connector = byRoute.get(`${channel}/${name}`);
    if (!connector) return json(404, { error: 'not_found' });
    const claimed: string[] = [];
    const answer = await claimScope.run(claimed, () => take(connector, request));
    if (answer.status >= 500 && claimed.length > 0) await deps.releaseClaims?.(claimed).catch(() => undefined);
    return answer;
  };
};

export type ReceiptIntake = ReturnType<typeof createReceiptIntake>;
