/**
 * The per-job pipeline: validate → identity → expiry → decrypt → sent marker → chain → decide.
 *
 * Hot-path Redis calls (sent marker read and write, rate gate, breaker record, vendor pause) follow
 * one rule when they fail or time out:
 * - before a provider was called: the run ends without sending, and the job is parked with a
 *   backoff that grows with each park (no attempt spent, never past expiresAt), counted against no
 *   connector;
 * - after a provider answered: its answer stands. Accepted → delivered; refused → the refusal is
 *   decided as usual. The failed call is logged (no recipient, no code) and counted nowhere else.
 */
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { QueueConfig } from '../config/schema.js';
import { DecryptError, open, UnknownKeyError } from '../crypto/envelope.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { maskRecipient } from '../log/logger.js';
import { jobDataSchema, messageBodySchema, type JobData, type JobResult, type MessageBody } from '../messages/job-data.js';
import type { WorkerMetrics } from '../metrics/metrics.js';
import { messageLocale } from '../templates/locale.js';
import type { TemplateResolver } from '../templates/resolve.js';
import { parkNumber } from './backoff.js';
import type { ConnectorHealth } from './connector-health.js';
import { afterChain, afterRedisFailure, noteSkip, type ChainEnd, type RunFacts } from './decide.js';
import { carryOut, deadLetter, expire, jobLog, type ActionDeps } from './job-actions.js';
import type { RateGate } from './rate-gate.js';
import type { SentMarker } from './sent-marker.js';
import { createTurn, REDIS_FAILED, type TurnInput } from './turn.js';

export { isDeadLettered } from './job-actions.js';

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
  deadLetters: ActionDeps['deadLetters'];
  metrics: WorkerMetrics;
  logger: Logger;
  /** Aborted when the worker is forced to stop. */
  shutdown: AbortSignal;
  /** Retry delays computed here, read back by BullMQ's backoff strategy. */
  retryDelays: WeakMap<Error, number>;
  /** Jitter source. @default Math.random */
  random?: () => number;
};

export const createProcessor = (deps: ProcessorDeps) => {
  const { queueConfig, logger } = deps;
  const actionDeps: ActionDeps = { ...deps, random: deps.random ?? Math.random };
  const turn = createTurn(deps);

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
    if (!parsed.success) return deadLetter(actionDeps, job, undefined, { reason: 'malformed_job', attempts: attempt });
    const data = parsed.data;
    // A job copied or replayed under another id in Redis is never sent (the id is what the sent
    // marker, the sealed body and the vendors' idempotency keys are bound to).
    if (job.id !== data.id) return deadLetter(actionDeps, job, data, { reason: 'id_mismatch', attempts: attempt });
    const log = jobLog(logger, { jobId: data.id, channel: data.channel, type: data.type, attempt });
    const run = { job, token, data, attempt, log };
    const facts = (): RunFacts => ({ now: Date.now(), expiresAt: data.expiresAt, attempt, park: parkNumber(job), queue: queueConfig, random: actionDeps.random });
    const beforeSend: TurnInput['beforeSend'] = (what, call) =>
      call().catch((error: Error) => {
        log.warn({ what, err: { message: error.message } }, 'Redis call failed before the send; not sent, parked');
        return REDIS_FAILED;
      });

    if (Date.now() >= data.expiresAt) return expire(actionDeps, data, log);
    const body = readBody(data);
    if (typeof body === 'string') return deadLetter(actionDeps, job, data, { reason: body, attempts: attempt });

    // Checked on every run: a retry, a job recovered after a worker died, or one re-added to Redis.
    const sentBy = await beforeSend('sent marker read', () => deps.sentMarker.wasSent(data.id));
    if (sentBy === REDIS_FAILED) return carryOut(actionDeps, run, afterRedisFailure('sent marker read', facts()));
    if (sentBy) {
      // Not counted again: the run that got the provider's answer counted the delivery.
      log.info({ provider: sentBy, outcome: 'delivered' }, 'already accepted by the provider before; not sent again');
      return { outcome: 'delivered', provider: sentBy };
    }
    const candidates = deps.health.candidates(data.channel);
    if (candidates.length === 0) return deadLetter(actionDeps, job, data, { reason: 'no_connector', attempts: attempt });

    const input: TurnInput = { data, body, locale: messageLocale(body.payload, deps.defaultLocale), recipient: maskRecipient(body.to), attempt, log, facts, beforeSend };
    let end: ChainEnd = {};
    for (const connector of candidates) {
      const result = await turn(connector, input);
      if (result.kind === 'delivered') return { outcome: 'delivered', provider: result.provider };
      if (result.kind === 'end') return carryOut(actionDeps, run, result.decision, connector, result.fields);
      end = noteSkip(end, result.skip);
    }
    return carryOut(actionDeps, run, afterChain(end, facts()));
  };
};
