import type { QueueConfig } from '../config/schema.js';
import type { DeliveryError } from '../errors/delivery-error.js';
import type { DeadLetterInfo, DeadReason } from '../messages/dead-letter.js';
import { backoffDelayMs, parkJitterMs } from './backoff.js';
import type { SendFailure } from './send-failure.js';

/**
 * The worker's delivery policy as one pure function of what happened and what the run knows:
 * no I/O, no clock, no randomness of its own (all in `RunFacts`). The processor and a connector's
 * turn report the event, ask, and carry the decision out.
 */

/** What a run knows when it decides. */
export type RunFacts = {
  now: number;
  /** The last moment a send may be under way: `expiresAt` less the cut-off (see `sendByOf`). */
  sendBy: number;
  /** This run's attempt number (attemptsMade + 1). */
  attempt: number;
  /** Which park of the message this would be (see `parkNumber`). */
  park: number;
  queue: Pick<QueueConfig, 'attempts' | 'backoff'>;
  random: () => number;
};

export type Unrenderable = 'template_not_found' | 'render_failed';

/** What the walk through the chain left behind when no connector took the message. */
export type ChainEnd = {
  /** The last connector failure (counted against that connector). */
  failure?: DeliveryError;
  /** The earliest end of a vendor pause among the connectors skipped for one. */
  pausedUntil?: number;
  /** Connectors that could not render the message, and why (`render_failed` wins). */
  unrenderable?: { reason: Unrenderable; provider: string };
};

/** What happened. */
export type RunEvent =
  /** One connector's send failed, classified by `classifySendFailure`. */
  | { kind: 'send_failed'; failure: SendFailure }
  /** The fleet-wide rate gate said wait `waitMs` before this connector may send. */
  | { kind: 'rate_gate'; waitMs: number }
  /** A hot-path Redis call (`what`) failed before any provider was called: nothing was sent. */
  | { kind: 'redis_failed'; what: string }
  /** Every candidate connector was tried or skipped. */
  | { kind: 'chain_end'; end: ChainEnd };

export type DeadInfo = Omit<DeadLetterInfo, 'attempts'>;

export type Decision =
  /** Try the next connector of the chain. */
  | { do: 'next' }
  /** Wait until `untilMs` without spending an attempt; `pauseMs`: also pause the connector fleet-wide. */
  | { do: 'park'; untilMs: number; why: string; pauseMs?: number }
  /** End this attempt; BullMQ runs the job again after `delayMs`. */
  | { do: 'retry'; failure: DeliveryError; delayMs: number }
  | { do: 'dead'; info: DeadInfo }
  /** The send-by (`expiresAt` less the cut-off) has passed: dropped as `expired`, never sent. */
  | { do: 'expired' }
  /** The worker is being forced to stop: give the job back at once, spending nothing. */
  | { do: 'hand_back' };

/**
 * - A send failure: a connector's fault → the next connector; a bad recipient → dead; a bug →
 *   retry; a throttle → park (see `throttledPark`); shutdown → hand back; cut off by the deadline → expired.
 * - The rate gate's wait, or a Redis failure before the send: park (spends no attempt).
 * - The end of the chain: see `afterChain`.
 * Every park and retry is bounded by the send-by (`expiresAt` less the cut-off): dead when the
 * next try would come after it, expired once it has passed.
 */
export const decide = (event: RunEvent, run: RunFacts): Decision => {
  switch (event.kind) {
    case 'send_failed':
      return afterSendFailure(event.failure, run);
    case 'rate_gate':
      return parkOrDead(run.now + event.waitMs + parkJitterMs(event.waitMs, run.random), 'connector rate limit reached', run);
    case 'redis_failed':
      // Nobody's fault: a backoff that grows with each park of the message.
      return parkOrDead(run.now + backoffDelayMs(run.park, run.queue.backoff, undefined, run.random), `${event.what} failed; nothing sent`, run);
    case 'chain_end':
      return afterChain(event.end, run);
  }
};

/** A Retry-After to honour: a finite, non-negative number of ms, or nothing. */
const saneRetryAfter = (ms: number | undefined): number | undefined => (ms !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : undefined);

const dead = (reason: DeadReason, failure: DeliveryError | undefined, detail = failure?.message): Decision => ({
  do: 'dead',
  info: { reason, ...(detail !== undefined && { detail }), ...(failure && { provider: failure.provider, providerCode: failure.code }) },
});

/** Parks until `untilMs`, unless that is not before the message expires: then it is dead (expired if already past). */
const parkOrDead = (untilMs: number, why: string, run: RunFacts, extra: { pauseMs?: number; failure?: DeliveryError } = {}): Decision => {
  if (run.now >= run.sendBy) return { do: 'expired' };
  if (untilMs >= run.sendBy) return dead('expires_before_retry', extra.failure, `${why}; expires before next attempt`);
  return { do: 'park', untilMs, why, ...(extra.pauseMs !== undefined && { pauseMs: extra.pauseMs }) };
};

/** Retries with backoff (honouring Retry-After) unless the message expires first or attempts run out. */
const retryOrDead = (failure: DeliveryError, run: RunFacts): Decision => {
  if (run.now >= run.sendBy) return { do: 'expired' };
  const delayMs = backoffDelayMs(run.attempt, run.queue.backoff, saneRetryAfter(failure.retryAfterMs), run.random);
  if (run.now + delayMs >= run.sendBy) return dead('expires_before_retry', failure, `${failure.message}; expires before next attempt`);
  if (run.attempt >= run.queue.attempts) return dead('attempts_exhausted', failure, `${failure.message}; attempts exhausted`);
  return { do: 'retry', failure, delayMs };
};

/**
 * A throttled send parks the job: until the vendor's Retry-After (plus jitter), or, when the vendor
 * gave none, for a backoff that grows with each park of the message. A connector-wide throttle
 * also pauses the connector for that long.
 */
const throttledPark = (failure: DeliveryError, run: RunFacts): Decision => {
  const retryAfter = saneRetryAfter(failure.retryAfterMs);
  const waitMs = retryAfter ?? backoffDelayMs(run.park, run.queue.backoff, undefined, run.random);
  const untilMs = run.now + waitMs + (retryAfter === undefined ? 0 : parkJitterMs(retryAfter, run.random));
  return parkOrDead(untilMs, 'rate limited by provider', run, { failure, ...(failure.scope === 'connector' && { pauseMs: waitMs }) });
};

const afterSendFailure = (f: SendFailure, run: RunFacts): Decision => {
  switch (f.kind) {
    case 'shutdown':
      return { do: 'hand_back' };
    case 'expired':
      return { do: 'expired' };
    case 'bug':
      return retryOrDead(f.failure, run);
    case 'message':
      return dead('permanent_failure', f.failure);
    case 'throttled':
      return throttledPark(f.failure, run);
    case 'connector':
      return { do: 'next' };
  }
};

/**
 * After every candidate was tried or skipped. A retryable connector failure retries (the chain is
 * walked again). Otherwise a paused connector may still take the message: park until its pause
 * ends. Otherwise the message is dead: the connector's permanent failure, or no template.
 */
const afterChain = (end: ChainEnd, run: RunFacts): Decision => {
  if (end.failure && end.failure.kind !== 'permanent') return retryOrDead(end.failure, run);
  if (end.pausedUntil !== undefined) {
    const untilMs = end.pausedUntil + parkJitterMs(end.pausedUntil - run.now, run.random);
    return parkOrDead(untilMs, 'connector paused by provider throttling', run, end.failure ? { failure: end.failure } : {});
  }
  if (end.failure) return dead('permanent_failure', end.failure);
  if (end.unrenderable) return { do: 'dead', info: { reason: end.unrenderable.reason, provider: end.unrenderable.provider, providerCode: end.unrenderable.reason } };
  return dead('no_connector', undefined);
};

/** One connector passed over: paused by its vendor, unable to render the message, or failed. */
export type ChainSkip = { pausedUntil: number } | { unrenderable: NonNullable<ChainEnd['unrenderable']> } | { failure: DeliveryError };

/** Folds a passed-over connector into what the end of the chain knows. */
export const noteSkip = (end: ChainEnd, skip: ChainSkip): ChainEnd => {
  if ('pausedUntil' in skip) return { ...end, pausedUntil: Math.min(end.pausedUntil ?? skip.pausedUntil, skip.pausedUntil) };
  if ('failure' in skip) return { ...end, failure: skip.failure };
  // The first reason, unless a later connector's rendering threw (a bug says more than a missing template).
  const replace = !end.unrenderable || (skip.unrenderable.reason === 'render_failed' && end.unrenderable.reason !== 'render_failed');
  return replace ? { ...end, unrenderable: skip.unrenderable } : end;
};
