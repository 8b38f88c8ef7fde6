import { DeliveryError, isDeliveryError } from '../errors/delivery-error.js';

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

/**
 * Classifies what a provider's `send` threw. `shutdown`: the worker's forced-stop signal had fired;
 * `expired`: the message's deadline cut the send off. A bug's message keeps nothing of the original
 * error (it may hold a recipient).
 */
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
