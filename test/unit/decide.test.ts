import { describe, expect, it } from 'vitest';
import { DeliveryError, permanent, rateLimited, retryable } from '../../src/errors/delivery-error.js';
import type { DeadReason } from '../../src/messages/dead-letter.js';
import { backoffDelayMs, parkJitterMs, parkNumber } from '../../src/worker/backoff.js';
import { decide, noteSkip, type ChainEnd, type RunEvent, type RunFacts } from '../../src/worker/decide.js';
import { backoffStrategy, RetryLater } from '../../src/worker/retry-later.js';
import { attemptOutcome, classifySendFailure } from '../../src/worker/send-failure.js';

const NOW = 1_000_000;
const policy = { type: 'exponential' as const, delayMs: 100, maxDelayMs: 10_000 };
/** random() = 1 (just past what Math.random gives) picks the top of every jitter range, 0 the bottom. */
const facts = (over: Partial<RunFacts> = {}): RunFacts => ({ now: NOW, sendBy: NOW + 600_000, attempt: 1, park: 1, queue: { attempts: 3, backoff: policy }, random: () => 1, ...over });
const p = 'twilio-sms';
const e = {
  retryable: retryable({ provider: p, code: 'http_503', message: 'vendor unavailable' }),
  retryableWithRetryAfter: retryable({ provider: p, code: 'http_503', message: 'vendor unavailable', retryAfterMs: 5000 }),
  retryableBogusRetryAfter: retryable({ provider: p, code: 'http_503', message: 'vendor unavailable', retryAfterMs: Number.POSITIVE_INFINITY }),
  permanentMessage: permanent({ provider: p, code: '21211', message: 'invalid recipient' }),
  permanentConnector: permanent({ provider: p, code: '20003', message: 'authentication failed', scope: 'connector' }),
  throttledWithRetryAfter: rateLimited({ provider: p, code: 'http_429', message: 'throttled', retryAfterMs: 2000 }),
  throttledConnectorNoRetryAfter: rateLimited({ provider: 'aws-ses', code: 'TooManyRequestsException', message: 'throttled' }),
  throttledMessage: rateLimited({ provider: p, code: 'http_429', message: 'throttled', scope: 'message' }),
  throttledBogusRetryAfter: rateLimited({ provider: p, code: 'http_429', message: 'throttled', retryAfterMs: Number.NaN }),
  throttledNegativeRetryAfter: rateLimited({ provider: p, code: 'http_429', message: 'throttled', retryAfterMs: -5 }),
};
/** What a provider bug becomes (a retryable internal_error). */
const bug = classifySendFailure(new TypeError('x'), false, p);
const bugMessage = bug.kind === 'bug' ? bug.failure.message : '';

const sendFailed = (error: unknown, how: { shutdown?: boolean; cutOff?: boolean } = {}): RunEvent => ({
  kind: 'send_failed',
  failure: classifySendFailure(error, how.shutdown ?? false, p, how.cutOff ?? false),
});
const rateGate = (waitMs: number): RunEvent => ({ kind: 'rate_gate', waitMs });
const redisFailed = (what = 'rate gate'): RunEvent => ({ kind: 'redis_failed', what });
const chainEnd = (end: ChainEnd): RunEvent => ({ kind: 'chain_end', end });

const dead = (reason: DeadReason, detail?: string, failure?: { provider: string; code: string }) => ({
  do: 'dead',
  info: { reason, ...(detail !== undefined && { detail }), ...(failure && { provider: failure.provider, providerCode: failure.code }) },
});
const park = (untilMs: number, why: string, pauseMs?: number) => ({ do: 'park', untilMs, why, ...(pauseMs !== undefined && { pauseMs }) });
const THROTTLED = 'rate limited by provider';
const PAUSED = 'connector paused by provider throttling';
const GATE = 'connector rate limit reached';
const LATE = '; expires before next attempt';
const paused = NOW + 5000;

/** No Retry-After (SES TooManyRequestsException): park n waits up to 100·2^(n-1) ms and pauses the connector as long. */
const backoffParks = ([[1, 100], [2, 200], [3, 400], [4, 800], [10, 10_000]] as const).flatMap(([n, ms]): [string, RunEvent, Partial<RunFacts>, object][] => [
  [`throttled, no Retry-After, park ${n}: up to ${ms} ms, connector paused as long`, sendFailed(e.throttledConnectorNoRetryAfter), { park: n }, park(NOW + ms, THROTTLED, ms)],
  [`throttled, no Retry-After, park ${n}, bottom of the jitter: ${ms / 2} ms`, sendFailed(e.throttledConnectorNoRetryAfter), { park: n, random: () => 0 }, park(NOW + ms / 2, THROTTLED, ms / 2)],
]);

/** Every row of the policy: event × the facts that change the answer. */
const POLICY: [string, RunEvent, Partial<RunFacts>, object][] = [
  // A send failed.
  ['send failed during a forced shutdown: hand back', sendFailed(e.retryable, { shutdown: true }), {}, { do: 'hand_back' }],
  ['cut off by the deadline during a forced shutdown: shutdown wins', sendFailed(e.retryable, { shutdown: true, cutOff: true }), {}, { do: 'hand_back' }],
  ['cut off by the message deadline: expired', sendFailed(e.retryable, { cutOff: true }), {}, { do: 'expired' }],
  ['connector failure: next connector', sendFailed(e.retryable), {}, { do: 'next' }],
  ['connector-scoped permanent: next connector', sendFailed(e.permanentConnector), {}, { do: 'next' }],
  ['connector failure on the last attempt, past expiresAt: next connector (the chain end decides)', sendFailed(e.retryable), { attempt: 3, sendBy: NOW }, { do: 'next' }],
  ['bad recipient: dead', sendFailed(e.permanentMessage), {}, dead('permanent_failure', e.permanentMessage.message, e.permanentMessage)],
  ['bug: retry with backoff (attempt 1: ≤ 100 ms)', sendFailed(new TypeError('x')), {}, { do: 'retry', delayMs: 100, failure: expect.objectContaining({ code: 'internal_error' }) }],
  ['a thrown string is a bug too: retry', sendFailed('boom'), { attempt: 2 }, { do: 'retry', delayMs: 200, failure: expect.objectContaining({ code: 'internal_error' }) }],
  ['bug on the last attempt: dead', sendFailed(new TypeError('x')), { attempt: 3 }, dead('attempts_exhausted', `${bugMessage}; attempts exhausted`, { provider: p, code: 'internal_error' })],
  ['bug whose backoff passes expiresAt: dead', sendFailed(new TypeError('x')), { sendBy: NOW + 50 }, dead('expires_before_retry', `${bugMessage}${LATE}`, { provider: p, code: 'internal_error' })],
  ['a bug once expiresAt has passed: expired', sendFailed(new TypeError('x')), { sendBy: NOW }, { do: 'expired' }],
  ['a throttle once expiresAt has passed: expired', sendFailed(e.throttledWithRetryAfter), { sendBy: NOW - 1 }, { do: 'expired' }],
  ['Retry-After: parks that long, connector-wide pause for exactly Retry-After', sendFailed(e.throttledWithRetryAfter), { random: () => 0 }, park(NOW + 2000, THROTTLED, 2000)],
  ['Retry-After: plus up to 20 % jitter', sendFailed(e.throttledWithRetryAfter), { random: () => 0.999 }, park(NOW + 2000 + 399, THROTTLED, 2000)],
  ['Retry-After on the last attempt: still parks (a throttle spends no attempt)', sendFailed(e.throttledWithRetryAfter), { attempt: 3 }, park(NOW + 2000 + 400, THROTTLED, 2000)],
  ...backoffParks,
  ['a throttle about the message parks without pausing the connector', sendFailed(e.throttledMessage), { park: 3 }, park(NOW + 400, THROTTLED)],
  ['a Retry-After that is not a number is ignored: backoff', sendFailed(e.throttledBogusRetryAfter), { park: 2 }, park(NOW + 200, THROTTLED, 200)],
  ['a negative Retry-After is ignored: backoff', sendFailed(e.throttledNegativeRetryAfter), {}, park(NOW + 100, THROTTLED, 100)],
  ['a throttle whose wait ends after expiresAt: dead, with the provider and its code', sendFailed(e.throttledWithRetryAfter), { sendBy: NOW + 2000 }, dead('expires_before_retry', `${THROTTLED}${LATE}`, e.throttledWithRetryAfter)],

  // The fleet-wide rate gate said wait.
  ['rate gate: parks for its wait', rateGate(30), { random: () => 0 }, park(NOW + 30, GATE)],
  ['rate gate: plus jitter (at least 50 ms of spread)', rateGate(30), { random: () => 0.999 }, park(NOW + 30 + 49, GATE)],
  ['rate gate on the last attempt: parks (spends no attempt)', rateGate(30), { attempt: 3 }, park(NOW + 30 + 50, GATE)],
  ['rate gate wait past expiresAt: dead', rateGate(30), { sendBy: NOW + 20 }, dead('expires_before_retry', `${GATE}${LATE}`)],
  ['rate gate once expiresAt has passed: expired', rateGate(30), { sendBy: NOW }, { do: 'expired' }],

  // A hot-path Redis call failed before the send.
  ['Redis failure before the send, park 1: ≤ 100 ms', redisFailed(), { park: 1 }, park(NOW + 100, 'rate gate failed; nothing sent')],
  ['Redis failure before the send, park 3: ≤ 400 ms', redisFailed(), { park: 3 }, park(NOW + 400, 'rate gate failed; nothing sent')],
  ['Redis failure reading the sent marker: parks, saying which call', redisFailed('sent marker read'), {}, park(NOW + 100, 'sent marker read failed; nothing sent')],
  ['Redis failure on the last attempt: parks (spends no attempt)', redisFailed(), { attempt: 3 }, park(NOW + 100, 'rate gate failed; nothing sent')],
  ['Redis failure, park 1, backoff past expiresAt: dead', redisFailed(), { park: 1, sendBy: NOW + 10 }, dead('expires_before_retry', `rate gate failed; nothing sent${LATE}`)],
  ['Redis failure, park 3, backoff past expiresAt: dead', redisFailed(), { park: 3, sendBy: NOW + 10 }, dead('expires_before_retry', `rate gate failed; nothing sent${LATE}`)],
  ['Redis failure once expiresAt has passed: expired', redisFailed(), { sendBy: NOW }, { do: 'expired' }],

  // Every candidate was tried or skipped.
  ['a retryable failure: retry', chainEnd({ failure: e.retryable }), {}, { do: 'retry', failure: e.retryable, delayMs: 100 }],
  ['a retryable failure with Retry-After: retry no sooner', chainEnd({ failure: e.retryableWithRetryAfter }), {}, { do: 'retry', failure: e.retryableWithRetryAfter, delayMs: 5000 }],
  ['a retryable failure with a bogus Retry-After: plain backoff', chainEnd({ failure: e.retryableBogusRetryAfter }), {}, { do: 'retry', failure: e.retryableBogusRetryAfter, delayMs: 100 }],
  ['a retryable failure and a paused connector: retry (the chain is walked again)', chainEnd({ failure: e.retryable, pausedUntil: paused }), {}, { do: 'retry', failure: e.retryable, delayMs: 100 }],
  ['a retryable failure on the last attempt: dead', chainEnd({ failure: e.retryable }), { attempt: 3 }, dead('attempts_exhausted', `${e.retryable.message}; attempts exhausted`, e.retryable)],
  ['a retryable failure whose backoff passes expiresAt: dead', chainEnd({ failure: e.retryable }), { sendBy: NOW + 50 }, dead('expires_before_retry', `${e.retryable.message}${LATE}`, e.retryable)],
  ['a retryable failure whose Retry-After passes expiresAt: dead', chainEnd({ failure: e.retryableWithRetryAfter }), { sendBy: NOW + 3000 }, dead('expires_before_retry', `${e.retryableWithRetryAfter.message}${LATE}`, e.retryableWithRetryAfter)],
  ['a retryable failure once expiresAt has passed: expired, not dead', chainEnd({ failure: e.retryable }), { sendBy: NOW }, { do: 'expired' }],
  ['a permanent connector failure: dead', chainEnd({ failure: e.permanentConnector }), {}, dead('permanent_failure', e.permanentConnector.message, e.permanentConnector)],
  ['a permanent connector failure once expiresAt has passed: still dead', chainEnd({ failure: e.permanentConnector }), { sendBy: NOW }, dead('permanent_failure', e.permanentConnector.message, e.permanentConnector)],
  ['a permanent connector failure, another connector paused: park until the pause ends (+ jitter)', chainEnd({ failure: e.permanentConnector, pausedUntil: paused }), {}, park(paused + 1000, PAUSED)],
  ['a permanent connector failure, paused past expiresAt: dead, with the failure', chainEnd({ failure: e.permanentConnector, pausedUntil: paused }), { sendBy: paused }, dead('expires_before_retry', `${PAUSED}${LATE}`, e.permanentConnector)],
  ['every connector paused: park until the earliest pause ends (+ up to 20 %)', chainEnd({ pausedUntil: paused }), {}, park(paused + 1000, PAUSED)],
  ['paused past expiresAt: dead', chainEnd({ pausedUntil: paused }), { sendBy: paused }, dead('expires_before_retry', `${PAUSED}${LATE}`)],
  ['every connector paused once expiresAt has passed: expired', chainEnd({ pausedUntil: paused }), { sendBy: NOW - 1 }, { do: 'expired' }],
  ['one unrenderable, one paused: park', chainEnd({ pausedUntil: paused, unrenderable: { reason: 'template_not_found', provider: p } }), {}, park(paused + 1000, PAUSED)],
  ['no connector can render it: dead template_not_found', chainEnd({ unrenderable: { reason: 'template_not_found', provider: p } }), {}, { do: 'dead', info: { reason: 'template_not_found', provider: p, providerCode: 'template_not_found' } }],
  ['rendering threw: dead render_failed', chainEnd({ unrenderable: { reason: 'render_failed', provider: p } }), {}, { do: 'dead', info: { reason: 'render_failed', provider: p, providerCode: 'render_failed' } }],
  ['a connector failure overrides unrenderable ones: the failing connector may recover', chainEnd({ failure: e.retryable, unrenderable: { reason: 'template_not_found', provider: 'x' } }), {}, { do: 'retry', failure: e.retryable, delayMs: 100 }],
  ['a permanent failure overrides unrenderable ones: dead permanent_failure', chainEnd({ failure: e.permanentConnector, unrenderable: { reason: 'template_not_found', provider: 'x' } }), {}, dead('permanent_failure', e.permanentConnector.message, e.permanentConnector)],
  ['no connector at all: dead no_connector', chainEnd({}), {}, { do: 'dead', info: { reason: 'no_connector' } }],
];

describe('decide', () => {
  it.each(POLICY)('%s', (_name, event, over, expected) => {
    expect(decide(event, facts(over))).toEqual(expected);
  });
});

describe('classifySendFailure', () => {
  it.each([
    ['a DeliveryError during a forced shutdown', e.permanentMessage, true, 'shutdown', undefined],
    ['any error during a forced shutdown', new TypeError('x'), true, 'shutdown', undefined],
    ['a TypeError (a bug)', new TypeError('x'), false, 'bug', 'retryable_error'],
    ['a thrown string', 'boom', false, 'bug', 'retryable_error'],
    ['retryable', e.retryable, false, 'connector', 'retryable_error'],
    ['permanent, about the message', e.permanentMessage, false, 'message', 'permanent_error'],
    ['permanent, about the connector', e.permanentConnector, false, 'connector', 'permanent_error'],
    ['rate limited', e.throttledWithRetryAfter, false, 'throttled', 'rate_limited'],
  ] as const)('%s → %s', (_name, error, shutdown, kind, outcome) => {
    const f = classifySendFailure(error, shutdown, p);
    expect(f.kind).toBe(kind);
    expect(attemptOutcome(f)).toBe(outcome);
  });

  it.each([
    ['cut off by the message deadline', e.retryable, false, 'expired', undefined],
    ['cut off by the deadline during a forced shutdown: shutdown wins', e.retryable, true, 'shutdown', undefined],
  ] as const)('%s → %s, not counted as an attempt', (_name, error, shutdown, kind, outcome) => {
    const f = classifySendFailure(error, shutdown, p, true);
    expect(f.kind).toBe(kind);
    expect(attemptOutcome(f)).toBe(outcome);
  });

  it('a bug becomes a retryable internal_error whose message holds nothing of the original', () => {
    const f = classifySendFailure(new Error('number +14155550123 is weird'), false, p);
    expect(f).toMatchObject({ kind: 'bug', errorName: 'Error', failure: { kind: 'retryable', code: 'internal_error', provider: p } });
    expect(f.kind === 'bug' && f.failure.message).not.toContain('4155550123');
  });
});

describe('noteSkip', () => {
  const tnf = (provider: string) => ({ unrenderable: { reason: 'template_not_found' as const, provider } });
  const rf = (provider: string) => ({ unrenderable: { reason: 'render_failed' as const, provider } });
  it.each<[string, ChainEnd, Parameters<typeof noteSkip>[1], ChainEnd]>([
    ['the earliest pause', { pausedUntil: 300 }, { pausedUntil: 200 }, { pausedUntil: 200 }],
    ['keeps the earlier pause', { pausedUntil: 200 }, { pausedUntil: 300 }, { pausedUntil: 200 }],
    ['the last failure', { failure: e.retryable }, { failure: e.permanentConnector }, { failure: e.permanentConnector }],
    ['the first missing template', tnf('a'), tnf('b'), tnf('a')],
    ['a render failure over a missing template', tnf('a'), rf('b'), rf('b')],
    ['the first render failure', rf('a'), tnf('b'), rf('a')],
  ])('%s', (_name, end, skip, expected) => {
    expect(noteSkip(end, skip)).toEqual(expected);
  });
});

describe('backoff and park helpers', () => {
  it.each([
    [0, 0, 0],
    [0, 0.999, 49],
    [1000, 0.999, 199],
    [10_000_000, 0.999, 29_970],
    [-5, 0.999, 49],
  ])('parkJitterMs(%i) with random %f → %i', (delay, r, expected) => {
    expect(parkJitterMs(delay, () => r)).toBe(expected);
  });

  it.each([
    [{ attemptsStarted: 1, attemptsMade: 0 }, 1],
    [{ attemptsStarted: 4, attemptsMade: 0 }, 4],
    [{ attemptsStarted: 5, attemptsMade: 2 }, 3],
    [{ attemptsStarted: 0, attemptsMade: 0 }, 1],
  ])('parkNumber(%o) = %i', (job, expected) => {
    expect(parkNumber(job)).toBe(expected);
  });

  it('backoff grows by attempt, is capped, and never undercuts Retry-After', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, policy, undefined, () => 1))).toEqual([100, 200, 400, 800]);
    expect(backoffDelayMs(30, policy, undefined, () => 1)).toBe(10_000);
    expect(backoffDelayMs(1, policy, 5000, () => 1)).toBe(5000);
  });

  it.each<[string, Error | undefined, string, (ms: number) => boolean]>([
    ['a RetryLater: the delay it carries', new RetryLater(e.retryable, 1234), 'otp', (ms) => ms === 1234],
    ['a RetryLater of 0 ms: 0', new RetryLater(e.retryable, 0), 'otp', (ms) => ms === 0],
    ['any other error: the queue backoff', new Error('Connection is closed.'), 'otp', (ms) => ms >= 50 && ms <= 100],
    ['no error: the queue backoff', undefined, 'otp', (ms) => ms >= 50 && ms <= 100],
    ['another backoff type: 1 s', new Error('x'), 'other', (ms) => ms === 1000],
  ])("BullMQ's backoff strategy, given %s", (_name, error, type, ok) => {
    expect(ok(backoffStrategy(policy)(1, type, error))).toBe(true);
  });

  it('a RetryLater keeps the delivery failure: its message is what BullMQ stores as failedReason', () => {
    const error = new RetryLater(e.retryable, 100);
    expect(error).toMatchObject({ name: 'RetryLater', message: e.retryable.message, cause: e.retryable, failure: e.retryable });
  });

  it('DeliveryError stays the one safe error type', () => {
    expect(new DeliveryError({ kind: 'retryable', provider: p, code: 'x', message: 'y' }).message).toBe(`${p}: y (x)`);
  });
});
