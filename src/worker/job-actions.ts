import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import { addDeadLetter, type DeadLetterInfo } from '../messages/dead-letter.js';
import type { JobData, JobResult } from '../messages/job-data.js';
import type { WorkerMetrics } from '../metrics/metrics.js';
import { parkJitterMs } from './backoff.js';
import type { Connector } from './connectors.js';
import type { ConnectorHealth } from './connector-health.js';
import type { Decision } from './decide.js';
import { RetryLater } from './retry-later.js';

/** Ends a job as dead: stored in the dead-letter queue, then failed without retry. */
class DeadLettered extends UnrecoverableError {
  constructor(readonly info: DeadLetterInfo) {
    super(`dead-lettered: ${info.reason}${info.detail ? `: ${info.detail}` : ''}`);
  }
}

export const isDeadLettered = (error: unknown): boolean => error instanceof DeadLettered;

/** Log lines about one job: every line carries the job's fields (a child logger per job costs more). */
export type JobLog = Record<'info' | 'warn' | 'error', (fields: object, msg: string) => void>;

export const jobLog = (logger: Logger, ctx: object): JobLog => ({
  info: (fields, msg) => logger.info({ ...ctx, ...fields }, msg),
  warn: (fields, msg) => logger.warn({ ...ctx, ...fields }, msg),
  error: (fields, msg) => logger.error({ ...ctx, ...fields }, msg),
});

export type ActionDeps = {
  /** The dead-letter queue of the job's queue (its shard's, SPEC §10). */
  deadLetters: (job: Job) => Queue;
  metrics: WorkerMetrics;
  logger: Logger;
  health: ConnectorHealth;
  random: () => number;
};

/** The run of one job, as the actions that end it need it. */
export type Run = { job: Job; token: string | undefined; data: JobData; attempt: number; log: JobLog };

export const deadLetter = async (deps: ActionDeps, job: Job, data: Pick<JobData, 'channel' | 'type'> | undefined, info: DeadLetterInfo): Promise<never> => {
  await addDeadLetter(deps.deadLetters(job), job, info);
  if (data) deps.metrics.messages.inc({ channel: data.channel, type: data.type, result: 'dead_lettered' });
  deps.logger.warn({ jobId: job.id, channel: data?.channel, type: data?.type, reason: info.reason, detail: info.detail, provider: info.provider, providerCode: info.providerCode, attempts: info.attempts }, 'message dead-lettered');
  throw new DeadLettered(info);
};

/** Drops a message whose `expiresAt` has passed: counted, logged, never sent. */
export const expire = (deps: Pick<ActionDeps, 'metrics'>, data: JobData, log: JobLog): JobResult => {
  deps.metrics.messages.inc({ channel: data.channel, type: data.type, result: 'expired' });
  log.info({ outcome: 'expired' }, 'message expired before delivery; dropped');
  return { outcome: 'expired' };
};

/**
 * Carries out a decision that ends the run: every path but `expired` throws (BullMQ reads the error) or dead-letters.
 * `fields` go on the log line (connector, masked recipient, provider code; never a body).
 */
export const carryOut = async (
  deps: ActionDeps,
  run: Run,
  decision: Decision,
  connector?: Connector,
  fields: object = {},
): Promise<JobResult> => {
  const { job, token, data, log } = run;
  switch (decision.do) {
    case 'expired':
      return expire(deps, data, log);
    case 'dead':
      return deadLetter(deps, job, data, { ...decision.info, attempts: run.attempt });
    case 'park': {
      if (decision.pauseMs !== undefined && connector) {
        // After the provider refused: a failed pause write is logged; the job parks all the same.
        await deps.health.pause(connector, decision.pauseMs).catch((error: Error) => log.warn({ connector: connector.name, err: { message: error.message } }, 'could not record the connector pause'));
      }
      log.info({ ...fields, ...(connector && { connector: connector.name }), delayMs: decision.untilMs - Date.now() }, `${decision.why}; delayed without spending an attempt`);
      await job.moveToDelayed(decision.untilMs, token);
      throw new DelayedError();
    }
    case 'hand_back': {
      log.warn({ ...fields, ...(connector && { connector: connector.name }) }, 'worker forced to stop: send aborted, job handed back to the queue (no attempt spent, not counted against the connector)');
      // If Redis cannot take it now, the job's lock lapses and stalled-job recovery hands it on.
      await job.moveToDelayed(Date.now() + parkJitterMs(0, deps.random), token).catch(() => {});
      throw new DelayedError();
    }
    case 'retry':
      log.info({ ...fields, provider: decision.failure.provider, providerCode: decision.failure.code, delayMs: decision.delayMs }, 'delivery failed; will retry');
      throw new RetryLater(decision.failure, decision.delayMs);
    case 'next':
      throw new Error('invariant: "next" does not end a run');
  }
};
