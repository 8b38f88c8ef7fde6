import { createDeadline } from '../abort/deadline.js';
import { jobIdOf, type JobData, type MessageBody } from '../messages/job-data.js';
import { phoneCountry } from '../messages/country.js';
import type { TrackedSend } from '../tracking/store.js';
import type { WorkerMetrics } from '../metrics/metrics.js';
import type { OutgoingMessage, SendResult } from '../providers/types.js';
import type { TemplateResolver } from '../templates/resolve.js';
import { inProviderSpan } from '../tracing/provider-span.js';
import type { Connector } from './connectors.js';
import type { ConnectorHealth } from './connector-health.js';
import { decide, type ChainSkip, type Decision, type RunFacts } from './decide.js';
import type { JobLog } from './job-actions.js';
import type { RateGate } from './rate-gate.js';
import { prepareMessage } from './render.js';
import { attemptOutcome, classifySendFailure, type SendFailure } from './send-failure.js';
import type { SentMarker } from './sent-marker.js';

export const REDIS_FAILED = Symbol('redis call failed');

export type TurnDeps = {
  /** The email recipient's keyed hash for receipts' bounce suppression; absent when suppression is off. */
  recipientHash?: (to: string) => Promise<string>;
  resolver: TemplateResolver;
  health: ConnectorHealth;
  rateGate: RateGate;
  sentMarker: SentMarker;
  metrics: WorkerMetrics;
  shutdown: AbortSignal;
};

/** What one connector's turn came to. */
export type Turn =
  | { kind: 'delivered'; provider: string }
  /** Skipped, or failed in a way the next connector may fix: what the end of the chain should know. */
  | { kind: 'next'; skip: ChainSkip }
  /** The run ends here; `fields` go on the log line. */
  | { kind: 'end'; decision: Decision; fields?: object };

export type TurnInput = {
  data: JobData;
  body: MessageBody;
  locale: string;
  /** Masked. */
  recipient: string;
  attempt: number;
  /** The message's send-by (`sendByOf`): every send is over by then. */
  sendBy: number;
  log: JobLog;
  facts: () => RunFacts;
  /** A hot-path Redis call made before the send; REDIS_FAILED when it failed (already logged). */
  beforeSend: <T>(what: string, call: () => Promise<T>) => Promise<T | typeof REDIS_FAILED>;
};

type Sent = { ok: true; result: SendResult | undefined; seconds: number } | { ok: false; error: unknown; expired: boolean; seconds: number };
/** A failure some connector's send got an answer to (not cut off by shutdown or the deadline). */
type Answered = Exclude<SendFailure, { kind: 'shutdown' | 'expired' }>;

const HAND_BACK: Turn = { kind: 'end', decision: { do: 'hand_back' } };
const EXPIRED: Turn = { kind: 'end', decision: { do: 'expired' } };

/** The log fields of a failed send: where, the masked recipient, the vendor's code (never a body). */
const failureFields = (sendLog: object, failure: Answered) => ({
  ...sendLog,
  errorKind: failure.kind === 'bug' ? 'bug' : failure.failure.kind,
  providerCode: failure.failure.code,
  scope: failure.failure.scope,
  ...(failure.kind === 'bug' && { errorName: failure.errorName }),
});

const logFailure = (log: JobLog, failure: Answered, fields: object): void => {
  if (failure.kind === 'connector') (failure.failure.kind === 'permanent' ? log.error : log.warn)(fields, 'connector failed');
  else if (failure.kind === 'bug') log.error(fields, 'provider threw an unexpected error; retrying, not counted against the connector');
  else if (failure.kind === 'message') log.warn(fields, 'permanent delivery failure');
};

/** The send to track for receipts: when the connector has them on and the vendor gave an id. */
const trackedSend = async (deps: TurnDeps, connector: Connector, { data, body }: TurnInput, result: SendResult | undefined): Promise<TrackedSend | undefined> => {
  if (!connector.receipts || !result?.providerMessageId) return undefined;
  const country = data.channel === 'sms' ? phoneCountry(body.to) : undefined;
  // After the provider accepted: a hash that cannot be had (the limit key unreadable) only loses the suppression.
  const recipientHash = data.channel === 'email' ? await deps.recipientHash?.(body.to).catch(() => undefined) : undefined;
  return {
    ...(recipientHash && { recipientHash }),
    id: data.id,
    channel: data.channel,
    connector: connector.name,
    provider: connector.provider.id,
    providerMessageId: result.providerMessageId,
    acceptedAt: Date.now(),
    expiresAt: data.expiresAt,
    ...(country && { country }),
  };
};

/** One connector's turn: pause → render → rate gate → send → classify → decide. */
export const createTurn = (deps: TurnDeps) => {
  const { metrics } = deps;

  /** One provider call, bounded by the message's send-by (its expiry less the cut-off) and the worker's forced shutdown; a client span when tracing is on. */
  const sendOnce = async (connector: Connector, message: OutgoingMessage, sendBy: number, attempt: number): Promise<Sent> => {
    const deadline = createDeadline(sendBy - Date.now(), deps.shutdown); // clamped to Node's timer limit inside
    const started = performance.now();
    try {
      const ctx = { signal: deadline.signal, attempt, ...(connector.receiptUrl && { receiptUrl: connector.receiptUrl }) };
      const facts = { provider: connector.provider.id, connector: connector.name, channel: message.channel, attempt };
      const result = (await inProviderSpan(facts, () => connector.provider.send(message, ctx))) as SendResult | undefined;
      return { ok: true, result, seconds: (performance.now() - started) / 1000 };
    } catch (error) {
      return { ok: false, error, expired: deadline.timedOut(), seconds: (performance.now() - started) / 1000 };
    } finally {
      deadline.dispose();
    }
  };

  const delivered = async (connector: Connector, input: TurnInput, result: SendResult | undefined, seconds: number): Promise<Turn> => {
    const { data, log } = input;
    const { provider } = connector;
    const where = { connector: connector.name, provider: provider.id };
    // After the provider accepted: a failed marker write is logged; the delivery stands.
    await deps.sentMarker.markSent(jobIdOf(data), provider.id, data.expiresAt - Date.now() + 60_000, await trackedSend(deps, connector, input, result)).catch((error: Error) =>
      log.warn({ ...where, err: { message: error.message } }, 'could not write the sent marker; the delivery stands'),
    );
    deps.health.success(connector);
    metrics.attemptDuration.observe({ channel: data.channel, provider: provider.id }, seconds);
    metrics.attempts.inc({ channel: data.channel, provider: provider.id, outcome: 'success' });
    metrics.endToEnd.observe({ channel: data.channel }, Math.max(0, Date.now() - data.enqueuedAt) / 1000);
    // A receipt failover's resend is the same message: counted once, by its first delivery.
    if (!data.failover) metrics.messages.inc({ channel: data.channel, type: data.type, result: 'delivered' });
    if (result?.unexpectedResponse) {
      metrics.unexpectedResponses.inc({ provider: provider.id });
      log.warn(where, 'provider answered 2xx with an unexpected response; counted as delivered');
    }
    log.info({ recipient: input.recipient, ...where, outcome: 'delivered', ms: Math.round(seconds * 1000) }, 'message delivered');
    return { kind: 'delivered', provider: provider.id };
  };

  const failed = async (connector: Connector, input: TurnInput, sent: Extract<Sent, { ok: false }>): Promise<Turn> => {
    const { data, log } = input;
    const { provider } = connector;
    const sendLog = { recipient: input.recipient, connector: connector.name, provider: provider.id };
    const failure = classifySendFailure(sent.error, deps.shutdown.aborted, provider.id, sent.expired);
    if (failure.kind === 'shutdown' || failure.kind === 'expired') return { kind: 'end', decision: decide({ kind: 'send_failed', failure }, input.facts()), fields: sendLog };
    metrics.attemptDuration.observe({ channel: data.channel, provider: provider.id }, sent.seconds);
    metrics.attempts.inc({ channel: data.channel, provider: provider.id, outcome: attemptOutcome(failure) ?? 'retryable_error' });
    const fields = failureFields(sendLog, failure);
    logFailure(log, failure, fields);
    const decision = decide({ kind: 'send_failed', failure }, input.facts());
    if (decision.do !== 'next') return { kind: 'end', decision, fields };
    // After the provider refused: a failed breaker write is logged; the chain goes on.
    await deps.health.failure(connector).catch((err: Error) => log.warn({ connector: connector.name, err: { message: err.message } }, 'could not record the connector failure'));
    return { kind: 'next', skip: { failure: failure.failure } };
  };

  return async (connector: Connector, input: TurnInput): Promise<Turn> => {
    if (deps.shutdown.aborted) return HAND_BACK;
    const pausedUntil = deps.health.pausedUntil(connector);
    if (pausedUntil) return { kind: 'next', skip: { pausedUntil } };
    const message = prepareMessage(deps.resolver, input.data, input.body, input.locale, connector.provider);
    if ('unrenderable' in message) {
      input.log.warn({ connector: connector.name, provider: connector.provider.id, reason: message.unrenderable }, 'connector cannot render this message; trying the next one');
      return { kind: 'next', skip: { unrenderable: { reason: message.unrenderable, provider: connector.provider.id } } };
    }
    const wait = await input.beforeSend('rate gate', () => deps.rateGate.acquire(connector));
    if (wait === REDIS_FAILED) return { kind: 'end', decision: decide({ kind: 'redis_failed', what: 'rate gate' }, input.facts()) };
    if (wait > 0) return { kind: 'end', decision: decide({ kind: 'rate_gate', waitMs: wait }, input.facts()) };
    // The Redis calls before (sent marker, rate gate) may have taken a while: a provider is never
    // handed an already-aborted send, nor one whose message has expired meanwhile.
    if (deps.shutdown.aborted) return HAND_BACK;
    if (Date.now() >= input.sendBy) return EXPIRED;
    const sent = await sendOnce(connector, message, input.sendBy, input.attempt);
    return sent.ok ? delivered(connector, input, sent.result, sent.seconds) : failed(connector, input, sent);
  };
};
