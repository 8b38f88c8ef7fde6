import { seal } from '../crypto/envelope.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { ValidationError } from '../errors/validation-error.js';
import type { JobData } from '../messages/job-data.js';
import type { ValidSendInput } from './input.js';

/** `expiresAt` as given or the default, refused when past or more than `maxTtlSeconds` ahead. */
export const lifetimeOf = (message: ValidSendInput, now: number, ttlSeconds: number, maxTtlSeconds: number): number => {
  const expiresAt = message.expiresAt ?? now + ttlSeconds * 1000;
  if (expiresAt <= now) throw new ValidationError([{ path: 'expiresAt', message: 'is in the past' }]);
  if (expiresAt - now > maxTtlSeconds * 1000) throw new ValidationError([{ path: 'expiresAt', message: `is more than ${maxTtlSeconds} s ahead` }]);
  return expiresAt;
};

/** The job as stored: recipient, payload and IP sealed with `ring` when there is one. */
export const jobDataOf = (message: ValidSendInput, stamp: { id: string; enqueuedAt: number; expiresAt: number }, ring: KeyRing | undefined): JobData => {
  const { channel, type } = message;
  const body = { to: message.to, payload: message.payload, ...(message.ip && { ip: message.ip }) };
  const binding = { id: stamp.id, channel, type, expiresAt: stamp.expiresAt };
  return { v: 1, ...stamp, channel, type, ...(ring ? { sealed: seal(ring, JSON.stringify(body), binding) } : { body }) };
};
