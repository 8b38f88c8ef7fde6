import type { Job } from 'bullmq';
import { DecryptError, open, UnknownKeyError } from '../crypto/envelope.js';
import type { KeyRing } from '../crypto/key-ring.js';
import type { DeadReason } from '../messages/dead-letter.js';
import { jobDataSchema, jobIdOf, messageBodySchema, type JobData, type MessageBody } from '../messages/job-data.js';
import { sendByOf } from './send-by.js';

/** A job as read back from Redis. */
export type JobRead =
  /** A message to deliver, its body open. */
  | { ok: true; data: JobData; body: MessageBody }
  /** Past its send-by (`expiresAt` less the cut-off): dropped as expired, its body never opened. */
  | { ok: false; expired: true; data: JobData }
  /** Never sendable: dead-lettered. `data` when the job data itself was well-formed. */
  | { ok: false; expired: false; reason: DeadReason; data: JobData | undefined };

/**
 * Reads a job, trusting nothing in Redis: the data through its schema; the job id against the
 * message id (a job copied or replayed under another id is never sent: the id is what the sent
 * marker, the sealed body and the vendors' idempotency keys are bound to; a receipt failover's job
 * is the message's id plus `-failover`); the expiry, before the
 * body is opened; then the body, plain or opened with the key ring.
 */
export const readJob = (job: Pick<Job, 'id' | 'data'>, ring: KeyRing | undefined, now: number): JobRead => {
  const parsed = jobDataSchema.safeParse(job.data);
  if (!parsed.success) return refused('malformed_job', undefined);
  const data = parsed.data;
  if (job.id !== jobIdOf(data)) return refused('id_mismatch', data);
  if (now >= sendByOf(data.expiresAt)) return { ok: false, expired: true, data };
  if (data.body) return { ok: true, data, body: data.body };
  return openSealed(data, ring);
};

const refused = (reason: DeadReason, data: JobData | undefined): JobRead => ({ ok: false, expired: false, reason, data });

const openSealed = (data: JobData, ring: KeyRing | undefined): JobRead => {
  if (!ring) return refused('encrypted_but_no_keys', data);
  try {
    const body = messageBodySchema.safeParse(JSON.parse(open(ring, data.sealed ?? '', data)));
    return body.success ? { ok: true, data, body: body.data } : refused('malformed_body', data);
  } catch (error) {
    if (error instanceof UnknownKeyError) return refused('unknown_key', data);
    if (error instanceof DecryptError) return refused('decrypt_failed', data);
    return refused('malformed_body', data);
  }
};
