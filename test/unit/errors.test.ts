import { describe, expect, it } from 'vitest';
import { DeadlineExceeded } from '../../src/abort/with-deadline.js';
import { ConfigError } from '../../src/config/load.js';
import { DecryptError, UnknownKeyError } from '../../src/crypto/envelope.js';
import { OtpCourierError } from '../../src/errors/base.js';
import { isWaitCapacityError, WaitCapacityError } from '../../src/errors/capacity-error.js';
import { DeliveryError, isDeliveryError } from '../../src/errors/delivery-error.js';
import { DurabilityError, isDurabilityError } from '../../src/errors/durability-error.js';
import { IdempotencyConflictError, isIdempotencyConflictError } from '../../src/errors/idempotency-error.js';
import { isRateLimitedError, RateLimitedError } from '../../src/errors/rate-limited-error.js';
import { isValidationError, ValidationError } from '../../src/errors/validation-error.js';
import { RedisUnavailableError } from '../../src/redis/connection.js';

/** [error, its name, its message]: names and messages are part of the producer's API and the logs. */
const FAMILY: [Error, string, string][] = [
  [new ValidationError([{ path: 'to', message: 'required (string)' }]), 'ValidationError', 'invalid input: to: required (string)'],
  [new ConfigError([{ path: '', message: 'x' }]), 'ValidationError', 'invalid config: (root): x'],
  [new RateLimitedError('ip', 1500), 'RateLimitedError', 'too many messages for this ip; retry in 2 s'],
  [new RateLimitedError('conversion', 3_600_000), 'RateLimitedError', 'codes sent to this number prefix are seldom used; blocked for 3600 s'],
  [new IdempotencyConflictError(), 'IdempotencyConflictError', 'idempotency key already used for a different message (channel, recipient or type differ); use a new key'],
  [new DurabilityError(1, 0), 'DurabilityError', '0 of 1 replicas confirmed: the job may be stored; a retry with the same idempotencyKey is safe'],
  [new DurabilityError(1, undefined), 'DurabilityError', 'could not confirm replication: the job may be stored; a retry with the same idempotencyKey is safe'],
  [new WaitCapacityError(3), 'WaitCapacityError', 'all 3 waitFor places are taken; retry shortly'],
  [new DeliveryError({ kind: 'permanent', provider: 'smtp', code: '550', message: 'rejected' }), 'DeliveryError', 'smtp: rejected (550)'],
  [new RedisUnavailableError(), 'RedisUnavailableError', 'Redis is not reachable'],
  [new UnknownKeyError('k1'), 'UnknownKeyError', 'payload encrypted with unknown key "k1"'],
  [new DecryptError('payload failed authentication'), 'DecryptError', 'payload failed authentication'],
  [new DeadlineExceeded('no answer within 5 ms'), 'DeadlineExceeded', 'no answer within 5 ms'],
];

describe('one error family', () => {
  it.each(FAMILY)('%s: extends OtpCourierError, name %s, message unchanged', (error, name, message) => {
    expect(error).toBeInstanceOf(OtpCourierError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.message).toBe(message);
  });
});

/** An error as a second copy of the module would make it: another class, the same name and fields. */
const fromAnotherCopy = (name: string, fields: Record<string, unknown> = {}): Error => Object.assign(new Error('copy'), { name }, fields);

describe('guards work across module copies', () => {
  it.each([
    [isValidationError, new ValidationError([]), 'ValidationError'],
    [isRateLimitedError, new RateLimitedError('recipient', 1000), 'RateLimitedError'],
    [isIdempotencyConflictError, new IdempotencyConflictError(), 'IdempotencyConflictError'],
    [isDurabilityError, new DurabilityError(1, 0), 'DurabilityError'],
    [isWaitCapacityError, new WaitCapacityError(1), 'WaitCapacityError'],
  ] as const)('%o', (guard, own, name) => {
    expect(guard(own)).toBe(true);
    expect(guard(fromAnotherCopy(name))).toBe(true);
    expect(guard(fromAnotherCopy('OtherError'))).toBe(false);
    expect(guard({ name })).toBe(false);
    expect(guard(undefined)).toBe(false);
  });

  it('isDeliveryError also wants the kind on a copy', () => {
    expect(isDeliveryError(new DeliveryError({ kind: 'retryable', provider: 'p', code: 'timeout', message: 'timed out' }))).toBe(true);
    expect(isDeliveryError(fromAnotherCopy('DeliveryError', { kind: 'retryable' }))).toBe(true);
    expect(isDeliveryError(fromAnotherCopy('DeliveryError'))).toBe(false);
  });

  it('a ConfigError is a ValidationError (the CLI exits 2 on both)', () => {
    expect(isValidationError(new ConfigError([]))).toBe(true);
  });
});
