import { describe, expect, it } from 'vitest';
import { classifySmtpError } from '../../src/providers/smtp/errors.js';
import { backoffDelayMs } from '../../src/worker/backoff.js';

describe('classifySmtpError', () => {
  it.each([
    [{ code: 'EAUTH', responseCode: 535 }, 'permanent', 'connector', '535'],
    [{ code: 'EENVELOPE', responseCode: 550 }, 'permanent', 'message', '550'],
    [{ code: 'EENVELOPE', responseCode: 553 }, 'permanent', 'message', '553'],
    [{ code: 'EMESSAGE', responseCode: 554 }, 'permanent', 'message', '554'],
    [{ code: 'EENVELOPE', responseCode: 451 }, 'retryable', 'connector', '451'],
    [{ code: 'EENVELOPE', responseCode: 421 }, 'retryable', 'connector', '421'],
    [{ code: 'EENVELOPE', responseCode: 452 }, 'retryable', 'connector', '452'],
    [{ code: 'ECONNECTION' }, 'retryable', 'connector', 'ECONNECTION'],
    [{ code: 'ETIMEDOUT' }, 'retryable', 'connector', 'ETIMEDOUT'],
    [{ code: 'EENVELOPE' }, 'permanent', 'message', 'EENVELOPE'],
    [{ code: 'EPROTOCOL', responseCode: 502 }, 'permanent', 'connector', '502'],
    [new Error('weird'), 'retryable', 'connector', 'unknown'],
  ])('%j → %s/%s', (error, kind, scope, code) => {
    const e = classifySmtpError(error);
    expect({ kind: e.kind, scope: e.scope, code: e.code, provider: e.provider }).toEqual({ kind, scope, code, provider: 'smtp' });
  });
});

describe('backoffDelayMs', () => {
  const policy = { type: 'exponential' as const, delayMs: 500, maxDelayMs: 30_000 };
  it.each([
    [1, 0, 250],
    [1, 1, 500],
    [2, 1, 1000],
    [3, 0.5, 1500],
    [10, 1, 30_000],
    [40, 1, 30_000],
  ])('attempt %i with random %f → %i ms', (attempt, r, expected) => {
    expect(backoffDelayMs(attempt, policy, undefined, () => r)).toBe(expected);
  });
  it('never waits less than Retry-After', () => {
    expect(backoffDelayMs(1, policy, 5000, () => 0)).toBe(5000);
  });
  it('fixed policy does not grow', () => {
    expect(backoffDelayMs(5, { ...policy, type: 'fixed' }, undefined, () => 1)).toBe(500);
  });
});
