import type { QueueConfig } from '../config/schema.js';
import { DeliveryError, isDeliveryError } from '../errors/delivery-error.js';
import { backoffDelayMs, parkJitterMs } from './backoff.js';
import type { DeadLetterInfo } from './dead-letters.js';

/**
 * The worker's delivery decisions as pure functions of what happened and when: no I/O, no clock,
 * no randomness of their own (all in `RunFacts`). The processor gathers the facts, asks, and acts.
 */

/** What a run knows when it decides. */
export type RunFacts = {
  now: number;
  expiresAt: number;
  /** This run's attempt number (attemptsMade + 1). */
  attempt: number;
  /** Which park of the message this would be (see `parkNumber`). */
  park: number;
  queue: Pick<QueueConfig, 'attempts' | 'backoff'>;
  random: () => number;
};

export type DeadInfo = Omit<DeadLetterInfo, 'attempts'>;

export type Decision =
  /** Try the next connector of the chain. */
  | { do: 'next' }
  /** Wait until `untilMs` without spending an attempt; `pauseMs`: also pause the connector fleet-wide. */
  | { do: 'park'; untilMs: number; why: string; pauseMs?: number }
  /** End this attempt; BullMQ runs the job again after `delayMs`. */
  | { do: 'retry'; failure: DeliveryError; delayMs: number }
  | { do: 'dead'; info: DeadInfo }
  /** `expiresAt` has passed: dropped as `expired`, never sent. */
  | { do: 'expired' }
  /** The worker is being forced to stop: give the job back at once, spending nothing. */
  | { do: 'hand_back' };

/** Why a send did not go through, as far as the decisions care. */
export type SendFailure =
  /** Aborted by the worker's forced shutdown: nobody's fault. */
  | { kind: 'shutdown' }
  /** Cut off by the message's own deadline (`expiresAt`): the message's end, not the connector's fault. */
  | { kind: 'expired' }
  /** Not a DeliveryError: a bug in the provider or below. Retried; never the connector's fault. */
  | { kind: 'bug'; failure: DeliveryError; errorName: string }
  /** Permanent and about this message (bad recipient): no connector would do better. */
  | { kind: 'message'; failure: DeliveryError }
  /** The vendor throttled us (429). */
  | { kind: 'throttled'; failure: DeliveryError }
  /** About the connector (outage, credentials): counts against its circuit. */
  | { kind: 'connector'; failure: DeliveryError };

export const classifySendFailure = (error: unknown, shutdown: boolean, provider: string, expired = false): SendFailure => {
  if (shutdown) return { kind: 'shutdown' };
  if (expired) return { kind: 'expired' };
  if (!isDeliveryError(error)) {
    const failure = new DeliveryError({ kind: 'retryable', provider, code: 'internal_error', message: 'unexpected error in provider', cause: error });
    return { kind: 'bug', failure, errorName: error instanceof Error ? error.name : typeof error };
  }
  if (error.kind === 'rate_limited') return { kind: 'throttled', failure: error };
  if (error.kind === 'permanent' && error.scope === 'message') return { kind: 'message', failure: error };
  return { kind: 'connector', failure: error };
};

/** `otp_delivery_attempts_total` outcome of a failed send; none for a send cut off by shutdown or by the message's deadline. */
export const attemptOutcome = (f: SendFailure): 'retryable_error' | 'permanent_error' | 'rate_limited' | undefined => {
  if (f.kind === 'shutdown' || f.kind === 'expired') return undefined;
  if (f.kind === 'throttled') return 'rate_limited';
  return f.failure.kind === 'permanent' ? 'permanent_error' : 'retryable_error';
};

/** A Retry-After to honour: a finite, non-negative number of ms, or nothing. */
const saneRetryAfter = (ms: number | undefined): number | undefined => (ms !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : undefined);

const fromFailure = (failure: DeliveryError, reason = failure.message): DeadInfo => ({ reason, provider: failure.provider, providerCode: failure.code });

/** Parks until `untilMs`, unless that is not before the message expires: then it is dead (expired if already past). */
export const parkOrDead = (untilMs: number, why: string, run: RunFacts, extra: { pauseMs?: number; failure?: DeliveryError } = {}): Decision => {
  if (run.now >= run.expiresAt) return { do: 'expired' };
  if (untilMs >= run.expiresAt) {
    const reason = `${why}; expires before next attempt`;
    return { do: 'dead', info: extra.failure ? fromFailure(extra.failure, reason) : { reason } };
  }
  return { do: 'park', untilMs, why, ...(extra.pauseMs !== undefined && { pauseMs: extra.pauseMs }) };
};

/** Retries with backoff (honouring Retry-After) unless the message expires first or attempts run out. */
export const retryOrDead = (failure: DeliveryError, run: RunFacts): Decision => {
  if (run.now >= run.expiresAt) return { do: 'expired' };
  const delayMs = backoffDelayMs(run.attempt, run.queue.backoff, saneRetryAfter(failure.retryAfterMs), run.random);
  if (run.now + delayMs >= run.expiresAt) return { do: 'dead', info: fromFailure(failure, `${failure.message}; expires before next attempt`) };
  if (run.attempt >= run.queue.attempts) return { do: 'dead', info: fromFailure(failure, `${failure.message}; attempts exhausted`) };
  return { do: 'retry', failure, delayMs };
};

/**
 * A throttled send parks the job: until the vendor's Retry-After (plus jitter), or, when the vendor
 * gave none, for a backoff that grows with each park of the message. A connector-wide throttle
 * also pauses the connector for that long.
 */
export const throttledPark = (failure: DeliveryError, run: RunFacts): Decision => {
  const retryAfter = saneRetryAfter(failure.retryAfterMs);
  const waitMs = retryAfter ?? backoffDelayMs(run.park, run.queue.backoff, undefined, run.random);
  const untilMs = run.now + waitMs + (retryAfter === undefined ? 0 : parkJitterMs(retryAfter, run.random));
  return parkOrDead(untilMs, 'rate limited by provider', run, { failure, ...(failure.scope === 'connector' && { pauseMs: waitMs }) });
};

/** After one connector's send failed. */
export const afterSendFailure = (f: SendFailure, run: RunFacts): Decision => {
  switch (f.kind) {
    case 'shutdown':
      return { do: 'hand_back' };
    case 'expired':
      return { do: 'expired' };
    case 'bug':
      return retryOrDead(f.failure, run);
    case 'message':
      return { do: 'dead', info: fromFailure(f.failure) };
    case 'throttled':
      return throttledPark(f.failure, run);
    case 'connector':
      return { do: 'next' };
  }
};

/** The fleet-wide rate gate said wait: park for that long, plus jitter. */
export const afterRateGate = (waitMs: number, run: RunFacts): Decision =>
  parkOrDead(run.now + waitMs + parkJitterMs(waitMs, run.random), 'connector rate limit reached', run);

/**
 * A hot-path Redis call failed before any provider was called: nothing was sent, nobody's fault.
 * Park with a backoff that grows with each park (spends no attempt; bounded by expiresAt).
 */
export const afterRedisFailure = (what: string, run: RunFacts): Decision =>
  parkOrDead(run.now + backoffDelayMs(run.park, run.queue.backoff, undefined, run.random), `${what} failed; nothing sent`, run);

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

/**
 * After every candidate was tried or skipped. A retryable connector failure retries (the chain is
 * walked again). Otherwise a paused connector may still take the message: park until its pause
 * ends. Otherwise the message is dead: the connector's permanent failure, or no template.
 */
export const afterChain = (end: ChainEnd, run: RunFacts): Decision => {
  if (end.failure && end.failure.kind !== 'permanent') return retryOrDead(end.failure, run);
  if (end.pausedUntil !== undefined) {
    const untilMs = end.pausedUntil + parkJitterMs(end.pausedUntil - run.now, run.random);
    return parkOrDead(untilMs, 'connector paused by provider throttling', run, end.failure ? { failure: end.failure } : {});
  }
  if (end.failure) return { do: 'dead', info: fromFailure(end.failure) };
  if (end.unrenderable) return { do: 'dead', info: { reason: end.unrenderable.reason, provider: end.unrenderable.provider, providerCode: end.unrenderable.reason } };
  return { do: 'dead', info: { reason: 'no_connector' } };
};
