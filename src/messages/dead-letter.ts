import type { Job, Queue } from 'bullmq';
import { z } from 'zod';
import { channelSchema, templateTypeSchema, type Channel, type TemplateType } from './types.js';

/**
 * Why a message was dead-lettered: one code per way of giving up on it, what `dlq list` groups by.
 * The sentence behind a code (a provider's error message, the wait that would pass `expiresAt`)
 * goes in the letter's `detail`.
 */
export const DEAD_REASONS = {
  malformed_job: 'the job data is not a message (fails its schema)',
  id_mismatch: "the job's BullMQ id is not its message id (copied in Redis)",
  encrypted_but_no_keys: 'the body is sealed and this worker has no encryption keys',
  unknown_key: "the body is sealed with a key id this worker's ring does not hold",
  decrypt_failed: 'the sealed body does not open (tampered, or sealed for another message)',
  malformed_body: 'the opened body is not a recipient and payload',
  no_connector: 'no connector is configured for the channel',
  template_not_found: 'no connector of the chain has a template it can use',
  render_failed: 'rendering the template threw on every connector that had one',
  permanent_failure: 'a provider refused it for good (bad recipient, or the last connector misconfigured)',
  attempts_exhausted: 'queue.attempts retryable failures',
  expires_before_retry: 'the next attempt (backoff, Retry-After, a pause or the rate gate) would come after expiresAt',
  failed_outside_pipeline: 'BullMQ failed the job itself (stalled too often, lock lost)',
} as const satisfies Record<string, string>;
export type DeadReason = keyof typeof DEAD_REASONS;

/** Why a message was dead-lettered, as stored with it (no recipient, no payload). */
export type DeadLetterInfo = {
  reason: DeadReason;
  /** The sentence behind the code (never a recipient or a code). */
  detail?: string | undefined;
  provider?: string | undefined;
  providerCode?: string | undefined;
  attempts: number;
};

/** Stored in `<queue>-dead`: the original job data (still sealed when encrypted) plus the reason. */
export const deadLetterSchema = z.object({
  id: z.string(),
  channel: channelSchema.or(z.literal('unknown')),
  type: templateTypeSchema.or(z.literal('unknown')),
  /** A `DeadReason`; letters stored before reasons were codes hold a sentence here (and no detail). */
  reason: z.string(),
  detail: z.string().optional(),
  provider: z.string().optional(),
  providerCode: z.string().optional(),
  attempts: z.number(),
  failedAt: z.number(),
  /** The job data as it was in the main queue (validated again on replay). */
  original: z.unknown(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

const asTemplate = (v: unknown): TemplateType | 'unknown' => (templateTypeSchema.safeParse(v).success ? (v as TemplateType) : 'unknown');
const asChannel = (v: unknown): Channel | 'unknown' => (channelSchema.safeParse(v).success ? (v as Channel) : 'unknown');

/** The letter for `job`: filed under its job id (the message id, unless the job was copied in Redis). */
export const deadLetterOf = (job: Pick<Job, 'id' | 'data'>, info: DeadLetterInfo, failedAt: number): DeadLetter => {
  const data = (job.data ?? {}) as Record<string, unknown>;
  return {
    id: job.id ?? (typeof data.id === 'string' ? data.id : 'unknown'),
    channel: asChannel(data.channel),
    type: asTemplate(data.type),
    reason: info.reason,
    ...(info.detail && { detail: info.detail }),
    ...(info.provider && { provider: info.provider }),
    ...(info.providerCode && { providerCode: info.providerCode }),
    attempts: info.attempts,
    failedAt,
    original: job.data,
  };
};

/**
 * Adds a dead letter under the job's id (what `dlq show/replay/purge` take); idempotent per id (a
 * retried dead-lettering adds nothing). The job id and the message id differ only for a job copied
 * to another id in Redis (dead-lettered `id_mismatch`): its letter goes by the id it was found under.
 */
export const addDeadLetter = async (deadLetters: Queue, job: Job, info: DeadLetterInfo): Promise<void> => {
  const letter = deadLetterOf(job, info, Date.now());
  await deadLetters.add(letter.type, letter, { jobId: letter.id, removeOnComplete: true, removeOnFail: true });
};
