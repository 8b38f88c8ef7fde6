import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { QueueConfig } from '../config/schema.js';
import { createDeadline } from '../abort/deadline.js';
import { DecryptError, open, UnknownKeyError } from '../crypto/envelope.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { DeliveryError, isDeliveryError } from '../errors/delivery-error.js';
import { maskRecipient } from '../log/logger.js';
import { jobDataSchema, messageBodySchema, type JobData, type JobResult, type MessageBody } from '../messages/job-data.js';
import type { WorkerMetrics } from '../metrics/metrics.js';
import type { OutgoingMessage } from '../providers/types.js';
import { messageLocale } from '../templates/locale.js';
import { renderContent, type TemplateResolver } from '../templates/resolve.js';
import { backoffDelayMs } from './backoff.js';
import type { Connector } from './connectors.js';
import type { ConnectorHealth } from './connector-health.js';
import type { RateGate } from './rate-gate.js';
import type { SentMarker } from './sent-marker.js';
import { addDeadLetter, type DeadLetterInfo } from './dead-letters.js';

export type ProcessorDeps = {
  queueConfig: QueueConfig;
  defaultLocale: string;
  ring: KeyRing | undefined;
  resolver: TemplateResolver;
  /** Circuit breakers and vendor pauses: which connectors to try, in order. */
  health: ConnectorHealth;
  /** Fleet-wide per-connector send limits. */
  rateGate: RateGate;
  sentMarker: SentMarker;
  deadLetters: Queue;
  metrics: WorkerMetrics;
  logger: Logger;
  /** Aborted when the worker is forced to stop. */
  shutdown: AbortSignal;
  /** Retry delays computed here, read back by BullMQ's backoff strategy. */
  retryDelays: WeakMap<Error, number>;
};

/** Ends a job as dead: stored in the dead-letter queue, then failed without retry. */
class DeadLettered extends UnrecoverableError {
  constructor(readonly info: DeadLetterInfo) {
    super(`dead-lettered: ${info.reason}`);
  }
}

export const isDeadLettered = (error: unknown): boolean => error instanceof DeadLettered;

/** The per-job pipeline: validate → expiry → decrypt → template → send → classify. */
export const createProcessor = (deps: ProcessorDeps) => {
  const { queueConfig, metrics, logger } = deps;

  const deadLetter = async (job: Job, data: Pick<JobData, 'channel' | 'type'> | undefined, info: DeadLetterInfo): Promise<never> => {
    await addDeadLetter(deps.deadLetters, job, info);
    if (data) metrics.messages.inc({ channel: data.channel, type: data.type, result: 'dead_lettered' });
    logger.warn({ jobId: job.id, channel: data?.channel, type: data?.type, reason: info.reason, provider: info.provider, providerCode: info.providerCode, attempts: info.attempts }, 'message dead-lettered');
    throw new DeadLettered(info);
  };

  const readBody = (data: JobData): MessageBody | string => {
    if (data.body) return data.body;
    if (!deps.ring) return 'encrypted_but_no_keys';
    try {
      const parsed = messageBodySchema.safeParse(JSON.parse(open(deps.ring, data.sealed ?? '', data)));
      return parsed.success ? parsed.data : 'malformed_body';
    } catch (error) {
      if (error instanceof UnknownKeyError) return 'unknown_key';
      if (error instanceof DecryptError) return 'decrypt_failed';
      return 'malformed_body';
    }
  };

  return async (job: Job, token?: string): Promise<JobResult> => {
    const attempt = job.attemptsMade + 1;
    const parsed = jobDataSchema.safeParse(job.data);
    if (!parsed.success) return deadLetter(job, undefined, { reason: 'malformed_job', attempts: attempt });
    const data = parsed.data;
    // Fields every line about this job carries (a child logger per job costs more than it saves).
    const ctx = { jobId: data.id, channel: data.channel, type: data.type, attempt };
    const log = {
      info: (fields: object, msg: string) => logger.info({ ...ctx, ...fields }, msg),
      warn: (fields: object, msg: string) => logger.warn({ ...ctx, ...fields }, msg),
      error: (fields: object, msg: string) => logger.error({ ...ctx, ...fields }, msg),
    };

    if (Date.now() >= data.expiresAt) {
      metrics.messages.inc({ channel: data.channel, type: data.type, result: 'expired' });
      log.info({ outcome: 'expired' }, 'message expired before delivery; dropped');
      return { outcome: 'expired' };
    }
    const body = readBody(data);
    if (typeof body === 'string') return deadLetter(job, data, { reason: body, attempts: attempt });

    // A job that ran before (retry, or recovered after a worker died) may already have been accepted.
    if (job.attemptsStarted > 1) {
      const sentBy = await deps.sentMarker.wasSent(data.id);
      if (sentBy) {
        // Not counted again: the run that got the provider's answer counted the delivery.
        log.info({ provider: sentBy, outcome: 'delivered' }, 'already accepted by the provider before; not sent again');
        return { outcome: 'delivered', provider: sentBy };
      }
    }
    const candidates = deps.health.candidates(data.channel);
    if (candidates.length === 0) return deadLetter(job, data, { reason: 'no_connector', attempts: attempt });
    const locale = messageLocale(body.payload, deps.defaultLocale);
    const recipient = maskRecipient(body.to);
    const park = async (untilMs: number, why: string, extra: object): Promise<never> => {
      if (untilMs >= data.expiresAt) return deadLetter(job, data, { reason: `${why}; expires before next attempt`, attempts: attempt });
      log.info({ ...extra, delayMs: untilMs - Date.now() }, `${why}; delayed without spending an attempt`);
      await job.moveToDelayed(untilMs, token);
      throw new DelayedError();
    };

    let last: { failure: DeliveryError; connector: Connector } | undefined;
    for (const connector of candidates) {
      const { provider } = connector;
      const pausedUntil = deps.health.pausedUntil(connector);
      if (pausedUntil) {
        if (connector !== candidates.at(-1)) continue;
        return park(pausedUntil, 'connector paused by provider throttling', { connector: connector.name });
      }
      const wait = await deps.rateGate.acquire(connector);
      if (wait > 0) return park(Date.now() + wait + Math.floor(Math.random() * 50), 'connector rate limit reached', { connector: connector.name });

      const started = performance.now();
      try {
        const resolved = deps.resolver.resolve({ channel: data.channel, type: data.type, locale }, provider);
        const message: OutgoingMessage = {
          id: data.id,
          channel: data.channel,
          to: body.to,
          type: data.type,
          locale,
          payload: body.payload,
          ...(body.ip && { ip: body.ip }),
          content: renderContent(resolved, data.channel, body.payload),
        };
        const deadline = createDeadline(data.expiresAt - Date.now(), deps.shutdown);
        try {
          await provider.send(message, { signal: deadline.signal, attempt });
        } finally {
          deadline.dispose();
        }
      } catch (error) {
        const failure = toDeliveryError(error, provider.id);
        metrics.attemptDuration.observe({ channel: data.channel, provider: provider.id }, (performance.now() - started) / 1000);
        const outcome = failure.kind === 'rate_limited' ? 'rate_limited' : failure.kind === 'retryable' ? 'retryable_error' : 'permanent_error';
        metrics.attempts.inc({ channel: data.channel, provider: provider.id, outcome });
        const failLog = { recipient, connector: connector.name, provider: provider.id, errorKind: failure.kind, providerCode: failure.code, scope: failure.scope };
        if (failure.kind === 'permanent' && failure.scope === 'message') {
          // About this message (bad recipient, rejected content): no other connector would do better.
          log.warn(failLog, 'permanent delivery failure');
          return deadLetter(job, data, { reason: failure.message, provider: provider.id, providerCode: failure.code, attempts: attempt });
        }
        if (failure.kind === 'rate_limited') {
          const delayMs = failure.retryAfterMs ?? backoffDelayMs(attempt, queueConfig.backoff, undefined);
          if (failure.scope === 'connector') await deps.health.pause(connector, delayMs);
          return park(Date.now() + delayMs, 'rate limited by provider', failLog);
        }
        // About the connector (outage, credentials): counts against its circuit; try the next one.
        (failure.kind === 'permanent' ? log.error : log.warn)(failLog, 'connector failed');
        await deps.health.failure(connector).catch(() => {});
        last = { failure, connector };
        continue;
      }
      const seconds = (performance.now() - started) / 1000;
      await deps.sentMarker.markSent(data.id, provider.id, data.expiresAt - Date.now() + 60_000).catch((error: Error) =>
        log.warn({ err: { message: error.message } }, 'could not write the sent marker'),
      );
      deps.health.success(connector);
      metrics.attemptDuration.observe({ channel: data.channel, provider: provider.id }, seconds);
      metrics.attempts.inc({ channel: data.channel, provider: provider.id, outcome: 'success' });
      metrics.endToEnd.observe({ channel: data.channel }, Math.max(0, Date.now() - data.enqueuedAt) / 1000);
      metrics.messages.inc({ channel: data.channel, type: data.type, result: 'delivered' });
      log.info({ recipient, connector: connector.name, provider: provider.id, outcome: 'delivered', ms: Math.round(seconds * 1000) }, 'message delivered');
      return { outcome: 'delivered', provider: provider.id };
    }

    // Every candidate failed for reasons about the connectors: the last one always sets `last` (a
    // paused or rate-limited last candidate parks the job instead).
    if (!last) throw new Error('invariant: connector loop ended without a failure');
    const { failure, connector } = last;
    const info = { reason: failure.message, provider: failure.provider, providerCode: failure.code, attempts: attempt };
    if (failure.kind === 'permanent') return deadLetter(job, data, info);
    const delayMs = backoffDelayMs(attempt, queueConfig.backoff, failure.retryAfterMs);
    if (Date.now() + delayMs >= data.expiresAt) return deadLetter(job, data, { ...info, reason: `${failure.message}; expires before next attempt` });
    if (attempt >= queueConfig.attempts) return deadLetter(job, data, { ...info, reason: `${failure.message}; attempts exhausted` });
    log.info({ recipient, connector: connector.name, provider: failure.provider, providerCode: failure.code, delayMs }, 'delivery failed; will retry');
    deps.retryDelays.set(failure, delayMs);
    throw failure;
  };
};

/** Anything a provider throws that is not a DeliveryError is treated as retryable and unexplained. */
const toDeliveryError = (error: unknown, provider: string): DeliveryError =>
  isDeliveryError(error) ? error : new DeliveryError({ kind: 'retryable', provider, code: 'internal_error', message: 'unexpected error in provider', cause: error });
