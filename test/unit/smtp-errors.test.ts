import { describe, expect, it } from 'vitest';
import { smtpConfigSchema } from '../../src/providers/smtp/config.js';
import { classifySmtpError, classifySmtpFailure } from '../../src/providers/smtp/errors.js';
import { transportOptions } from '../../src/providers/smtp/transport.js';
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

describe('classifySmtpFailure: our signals win over what nodemailer reports', () => {
  const abortError = Object.assign(new Error('Message sending aborted'), { code: 'EABORT' });
  it.each([
    ['our timeoutMs fired', abortError, { timedOut: true, aborted: false }, 'timeout'],
    ['our timeoutMs fired while the worker also aborted', abortError, { timedOut: true, aborted: true }, 'timeout'],
    ['the worker aborted (deadline, shutdown)', abortError, { timedOut: false, aborted: true }, 'aborted'],
    ['the worker aborted; the torn-down connection reported first', { code: 'ECONNECTION' }, { timedOut: false, aborted: true }, 'aborted'],
    ['a stray EABORT without our signals', abortError, { timedOut: false, aborted: false }, 'aborted'],
    ['a normal SMTP failure', { code: 'EENVELOPE', responseCode: 550 }, { timedOut: false, aborted: false }, '550'],
  ])('%s → %s', (_why, error, end, code) => {
    const e = classifySmtpFailure(error, end);
    expect(e.code).toBe(code);
    if (code === 'timeout' || code === 'aborted') expect({ kind: e.kind, scope: e.scope, provider: e.provider }).toEqual({ kind: 'retryable', scope: 'connector', provider: 'smtp' });
  });
});

describe('SMTP timeouts and transport options', () => {
  const base = { host: 'smtp.example.com', port: 587, fromEmail: 'no-reply@example.com' };
  it('defaults are sized for OTPs, not Logto\'s minutes', () => {
    const c = smtpConfigSchema.parse(base);
    expect({ connectionTimeout: c.connectionTimeout, greetingTimeout: c.greetingTimeout, socketTimeout: c.socketTimeout, dnsTimeout: c.dnsTimeout, timeoutMs: c.timeoutMs }).toEqual({
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      dnsTimeout: 5_000,
      timeoutMs: 20_000,
    });
  });
  it("Logto's own longer values are still accepted", () => {
    const c = smtpConfigSchema.parse({ ...base, connectionTimeout: 120_000, greetingTimeout: 30_000, socketTimeout: 600_000, dnsTimeout: 30_000 });
    expect(c.socketTimeout).toBe(600_000);
  });
  it.each([
    ['socketTimeout', 2 ** 31],
    ['connectionTimeout', 0],
    ['timeoutMs', 120_001],
    ['timeoutMs', 99],
  ])('%s = %i is a config error (a Node timer cannot hold it, or it is out of range)', (field, value) => {
    expect(smtpConfigSchema.safeParse({ ...base, [field]: value }).success).toBe(false);
  });
  it.each([
    [30_000, 22_500],
    [10_000, 7_500],
    [600_000, 240_000],
  ])('socketTimeout %i → idle pooled connections QUIT after %i ms; sockets are destroyed on close; our fields stay out', (socketTimeout, idleTimeout) => {
    const options = transportOptions(smtpConfigSchema.parse({ ...base, socketTimeout, customHeaders: { 'X-A': 'b' } }));
    expect(options).toMatchObject({ pool: true, socketCloseTimeout: 0, idleTimeout, socketTimeout, maxConnections: 10, maxMessages: 1000 });
    for (const ours of ['fromEmail', 'replyTo', 'templates', 'customHeaders', 'timeoutMs']) expect(options).not.toHaveProperty(ours);
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
