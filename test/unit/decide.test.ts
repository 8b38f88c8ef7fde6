import { describe, expect, it } from 'vitest';
import { DeliveryError, permanent, rateLimited, retryable } from '../../src/errors/delivery-error.js';
import { backoffDelayMs, parkJitterMs, parkNumber } from '../../src/worker/backoff.js';
import {
  afterChain,
  afterRateGate,
  afterRedisFailure,
  afterSendFailure,
  attemptOutcome,
  classifySendFailure,
  noteSkip,
  type ChainEnd,
  type RunFacts,
} from '../../src/worker/decide.js';

const NOW = 1_000_000;
const policy = { type: 'exponential' as const, delayMs: 100, maxDelayMs: 10_000 };
/** random() = 1 (just past what Math.random gives) picks the top of every jitter range, 0 the bottom. */
const facts = (over: Partial<RunFacts> = {}): RunFacts => ({ now: NOW, expiresAt: NOW + 600_000, attempt: 1, park: 1, queue: { attempts: 3, backoff: policy }, random: () => 1, ...over });
const p = 'twilio-sms';
const e = {
  retryable: retryable({ provider: p, code: 'http_503', message: 'vendor unavailable' }),
  permanentMessage: permanent({ provider: p, code: '21211', message: 'invalid recipient' }),
  permanentConnector: permanent({ provider: p, code: '20003', message: 'authentication failed', scope: 'connector' }),
  throttledWithRetryAfter: rateLimited({ provider: p, code: 'http_429', message: 'throttled', retryAfterMs: 2000 }),
  throttledConnectorNoRetryAfter: rateLimited({ provider: 'aws-ses', code: 'TooManyRequestsException', message: 'throttled' }),
  throttledMessage: rateLimited({ provider: p, code: 'http_429', message: 'throttled', scope: 'message' }),
  throttledBogusRetryAfter: rateLimited({ provider: p, code: 'http_429', message: 'throttled', retryAfterMs: Number.NaN }),
};

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

describe('afterSendFailure', () => {
  const decide = (error: unknown, over: Partial<RunFacts> = {}, shutdown = false) => afterSendFailure(classifySendFailure(error, shutdown, p), facts(over));

  it.each([
    ['shutdown: hand back', () => decide(e.retryable, {}, true), { do: 'hand_back' }],
    ['cut off by the message deadline: expired', () => afterSendFailure(classifySendFailure(e.retryable, false, p, true), facts()), { do: 'expired' }],
    ['a bug once expiresAt has passed: expired', () => decide(new TypeError('x'), { expiresAt: NOW }), { do: 'expired' }],
    ['a throttle once expiresAt has passed: expired', () => decide(e.throttledWithRetryAfter, { expiresAt: NOW - 1 }), { do: 'expired' }],
    ['connector failure: next connector', () => decide(e.retryable), { do: 'next' }],
    ['connector-scoped permanent: next connector', () => decide(e.permanentConnector), { do: 'next' }],
    ['bad recipient: dead', () => decide(e.permanentMessage), { do: 'dead', info: { reason: e.permanentMessage.message, provider: p, providerCode: '21211' } }],
    ['bug: retry with backoff (attempt 1: ≤ 100 ms)', () => decide(new TypeError('x')), { do: 'retry', delayMs: 100, failure: expect.objectContaining({ code: 'internal_error' }) }],
    ['bug on the last attempt: dead', () => decide(new TypeError('x'), { attempt: 3 }), { do: 'dead', info: expect.objectContaining({ reason: expect.stringMatching(/attempts exhausted$/), providerCode: 'internal_error' }) }],
  ] as const)('%s', (_name, run, expected) => {
    expect(run()).toEqual(expected);
  });

  it('Retry-After: parks at least that long, plus up to 20 % jitter, and pauses a connector-wide throttle for exactly Retry-After', () => {
    expect(decide(e.throttledWithRetryAfter, { random: () => 0 })).toEqual({ do: 'park', untilMs: NOW + 2000, why: 'rate limited by provider', pauseMs: 2000 });
    expect(decide(e.throttledWithRetryAfter, { random: () => 0.999 })).toMatchObject({ do: 'park', untilMs: NOW + 2000 + 399, pauseMs: 2000 });
  });

  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [10, 10_000],
  ])('no Retry-After (SES TooManyRequestsException), park %i: waits up to %i ms and pauses the connector as long', (park, ms) => {
    expect(decide(e.throttledConnectorNoRetryAfter, { park })).toEqual({ do: 'park', untilMs: NOW + ms, why: 'rate limited by provider', pauseMs: ms });
    expect(decide(e.throttledConnectorNoRetryAfter, { park, random: () => 0 })).toMatchObject({ untilMs: NOW + ms / 2 });
  });

  it('a throttle about the message parks without pausing the connector; a Retry-After that is not a number is ignored', () => {
    expect(decide(e.throttledMessage, { park: 3 })).toEqual({ do: 'park', untilMs: NOW + 400, why: 'rate limited by provider' });
    expect(decide(e.throttledBogusRetryAfter, { park: 2 })).toMatchObject({ do: 'park', untilMs: NOW + 200 });
  });

  it('a throttle whose wait would end after expiresAt is dead, with the provider and its code', () => {
    expect(decide(e.throttledWithRetryAfter, { expiresAt: NOW + 2000 })).toEqual({
      do: 'dead',
      info: { reason: 'rate limited by provider; expires before next attempt', provider: p, providerCode: 'http_429' },
    });
  });
});

describe('afterRateGate and afterRedisFailure', () => {
  it('the rate gate parks for its wait plus jitter (at least 50 ms of spread)', () => {
    expect(afterRateGate(30, facts({ random: () => 0 }))).toEqual({ do: 'park', untilMs: NOW + 30, why: 'connector rate limit reached' });
    expect(afterRateGate(30, facts({ random: () => 0.999 }))).toMatchObject({ untilMs: NOW + 30 + 49 });
    expect(afterRateGate(30, facts({ expiresAt: NOW + 20 }))).toMatchObject({ do: 'dead', info: { reason: 'connector rate limit reached; expires before next attempt' } });
  });

  it.each([
    [1, 100],
    [3, 400],
  ])('a Redis failure before the send parks (park %i: ≤ %i ms), dead only past expiresAt', (park, ms) => {
    expect(afterRedisFailure('rate gate', facts({ park }))).toEqual({ do: 'park', untilMs: NOW + ms, why: 'rate gate failed; nothing sent' });
    expect(afterRedisFailure('rate gate', facts({ park, expiresAt: NOW + 10 }))).toMatchObject({ do: 'dead' });
  });
});

describe('afterChain', () => {
  const paused = NOW + 5000;
  it.each<[string, ChainEnd, Partial<RunFacts>, object]>([
    ['a retryable failure: retry', { failure: e.retryable }, {}, { do: 'retry', failure: e.retryable, delayMs: 100 }],
    ['a retryable failure and a paused connector: retry (the chain is walked again)', { failure: e.retryable, pausedUntil: paused }, {}, { do: 'retry' }],
    ['a retryable failure on the last attempt: dead', { failure: e.retryable }, { attempt: 3 }, { do: 'dead', info: { reason: `${e.retryable.message}; attempts exhausted`, provider: p, providerCode: 'http_503' } }],
    ['a retryable failure whose backoff passes expiresAt: dead', { failure: e.retryable }, { expiresAt: NOW + 50 }, { do: 'dead', info: expect.objectContaining({ reason: `${e.retryable.message}; expires before next attempt` }) }],
    ['a permanent connector failure: dead', { failure: e.permanentConnector }, {}, { do: 'dead', info: { reason: e.permanentConnector.message, provider: p, providerCode: '20003' } }],
    ['a permanent connector failure, another connector paused: park until the pause ends (+ jitter)', { failure: e.permanentConnector, pausedUntil: paused }, {}, { do: 'park', untilMs: paused + 1000, why: 'connector paused by provider throttling' }],
    ['every connector paused: park until the earliest pause ends (+ up to 20 %)', { pausedUntil: paused }, {}, { do: 'park', untilMs: paused + 1000, why: 'connector paused by provider throttling' }],
    ['paused past expiresAt: dead', { pausedUntil: paused }, { expiresAt: paused }, { do: 'dead', info: { reason: 'connector paused by provider throttling; expires before next attempt' } }],
    ['a retryable failure once expiresAt has passed: expired, not dead', { failure: e.retryable }, { expiresAt: NOW }, { do: 'expired' }],
    ['every connector paused once expiresAt has passed: expired', { pausedUntil: paused }, { expiresAt: NOW - 1 }, { do: 'expired' }],
    ['one unrenderable, one paused: park', { pausedUntil: paused, unrenderable: { reason: 'template_not_found', provider: p } }, {}, { do: 'park' }],
    ['no connector can render it: dead template_not_found', { unrenderable: { reason: 'template_not_found', provider: p } }, {}, { do: 'dead', info: { reason: 'template_not_found', provider: p, providerCode: 'template_not_found' } }],
    ['rendering threw: dead render_failed', { unrenderable: { reason: 'render_failed', provider: p } }, {}, { do: 'dead', info: { reason: 'render_failed', provider: p, providerCode: 'render_failed' } }],
  ])('%s', (_name, end, over, expected) => {
    expect(afterChain(end, facts(over))).toMatchObject(expected);
  });

  it('a connector failure overrides unrenderable ones: the failing connector may recover', () => {
    expect(afterChain({ failure: e.retryable, unrenderable: { reason: 'template_not_found', provider: 'x' } }, facts())).toMatchObject({ do: 'retry' });
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

  it('DeliveryError stays the one safe error type', () => {
    expect(new DeliveryError({ kind: 'retryable', provider: p, code: 'x', message: 'y' }).message).toBe(`${p}: y (x)`);
  });
});
