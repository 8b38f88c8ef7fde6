import type { Queue } from 'bullmq';
import { open } from '../crypto/envelope.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { IdempotencyConflictError } from '../errors/idempotency-error.js';
import { normalizeRecipient } from '../limits/recipient-key.js';
import { jobDataSchema, messageBodySchema } from '../messages/job-data.js';

/** What a retry under the same idempotency key must repeat. */
export type MessageIdentity = { channel: string; type: string; to: string };

/**
 * The identity of a stored job, its recipient opened with `ring` when sealed (the binding is the
 * job data itself). Undefined when the job is malformed or this producer cannot open it.
 */
export const storedIdentity = (data: unknown, ring: KeyRing | undefined): MessageIdentity | undefined => {
  const parsed = jobDataSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const { id, channel, type, expiresAt, body, sealed } = parsed.data;
  if (body) return { channel, type, to: body.to };
  if (!ring || !sealed) return undefined;
  try {
    const opened = messageBodySchema.safeParse(JSON.parse(open(ring, sealed, { id, channel, type, expiresAt })));
    return opened.success ? { channel, type, to: opened.data.to } : undefined;
  } catch {
    return undefined;
  }
};

/** A retry repeats channel, type and (normalised) recipient; an unreadable earlier job is no match. */
export const sameMessage = (stored: MessageIdentity | undefined, incoming: MessageIdentity): boolean =>
  stored !== undefined &&
  stored.channel === incoming.channel &&
  stored.type === incoming.type &&
  normalizeRecipient(stored.to) === normalizeRecipient(incoming.to);

/**
 * Throws IdempotencyConflictError unless job `id`, which holds the idempotency key, is the same
 * message as `incoming`. A job that no longer exists counts as the same (the retry stays a duplicate).
 */
export const assertSameMessage = async (queue: Queue, id: string, incoming: MessageIdentity, ring: KeyRing | undefined): Promise<void> => {
  const job = await queue.getJob(id);
  if (job && !sameMessage(storedIdentity(job.data, ring), incoming)) throw new IdempotencyConflictError();
};
