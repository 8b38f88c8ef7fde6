/**
 * The per-job pipeline: read the job (validate → identity → expiry → decrypt) → sent marker →
 * each candidate connector's turn → decide at the end of the chain.
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
import type { KeyRing } from '../crypto/key-ring.js';
import { maskRecipient } from '../log/logger.js';
import { jobIdOf, type JobResult, type MessageBody } from '../messages/job-data.js';
import type { WorkerMetrics } from '../metrics/metrics.js';
import { messageLocale } from '../templates/locale.js';
import type { TemplateResolver } from '../templates/resolve.js';
import { parkNumber } from './backoff.js';
import type { ConnectorHealth } from './connector-health.js';
import { decide, noteSkip, type ChainEnd, type RunFacts } from './decide.js';
import { carryOut, deadLetter, expire, jobLog, type ActionDeps, type Run } from './job-actions.js';
import type { RateGate } from './rate-gate.js';
import { readJob } from './read-job.js';
import { sendByOf } from './send-by.js';
import type { SentMarker } from './sent-marker.js';
import { createTurn, REDIS_FAILED, type TurnInput } from './turn.js';

export { isDeadLettered } from './job-actions.js';

export type ProcessorDeps = {
  /** Receipts' bounce suppression: the email recipient's keyed hash. Absent: off. */
  recipientHash?: (to: string) => Promise<string>;
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
  /** Jitter source. @default Math.random */
  random?: () => number;
};

export const createProcessor = (deps: ProcessorDeps) => {
  const actionDeps: ActionDeps = { ...deps, random: deps.random ?? Math.random };
  const turn = createTurn(deps);

  /** A readable, unexpired message: unless already sent, walk the chain until a connector ends the run. */
  const deliver = async (run: Run, body: MessageBody): Promise<JobResult> => {
    const { job, data, attempt, log } = run;
    const sendBy = sendByOf(data.expiresAt);
    const facts = (): RunFacts => ({ now: Date.now(), sendBy, attempt, park: parkNumber(job), queue: deps.queueConfig, random: actionDeps.random });
    const beforeSend: TurnInput['beforeSend'] = (what, call) =>
      call().catch((error: Error) => {
        log.warn({ what, err: { message: error.message } }, 'Redis call failed before the send; not sent, parked');
        return REDIS_FAILED;
      });

    // Checked on every run: a retry, a job recovered after a worker died, or one re-added to Redis.
    const sentBy = await beforeSend('sent marker read', () => deps.sentMarker.wasSent(jobIdOf(data)));
    if (sentBy === REDIS_FAILED) return carryOut(actionDeps, run, decide({ kind: 'redis_failed', what: 'sent marker read' }, facts()));
    if (sentBy) {
      // Not counted again: the run that got the provider's answer counted the delivery.
      log.info({ provider: sentBy, outcome: 'delivered' }, 'already accepted by the provider before; not sent again');
      return { outcome: 'delivered', provider: sentBy };
    }
    const input: TurnInput = { data, body, locale: messageLocale(body.payload, deps.defaultLocale), recipient: maskRecipient(body.to), attempt, sendBy, log, facts, beforeSend };
    let end: ChainEnd = {};
    // No candidates at all: the chain's end finds nothing and dead-letters `no_connector`.
    // A receipt failover's resend never goes back to the connector whose send was undelivered.
    for (const connector of deps.health.candidates(data.channel).filter((c) => c.name !== data.failover?.from)) {
      const result = await turn(connector, input);
      if (result.kind === 'delivered') return { outcome: 'delivered', provider: result.provider };
      if (result.kind === 'end') return carryOut(actionDeps, run, result.decision, connector, result.fields);
      end = noteSkip(end, result.skip);
    }
    return carryOut(actionDeps, run, decide({ kind: 'chain_end', end }, facts()));
  };

  // Not async: the run's promise is deliver's own (no extra promise per job on the hot path).
  return (job: Job, token?: string): Promise<JobResult> => {
    const attempt = job.attemptsMade + 1;
    const read = readJob(job, deps.ring, Date.now());
    if (!read.ok && !read.expired) return deadLetter(actionDeps, job, read.data, { reason: read.reason, attempts: attempt });
    const { data } = read;
    const log = jobLog(deps.logger, { jobId: data.id, channel: data.channel, type: data.type, attempt });
    if (!read.ok) return Promise.resolve(expire(actionDeps, data, log));
    return deliver({ job, token, data, attempt, log }, read.body);
  };
};
