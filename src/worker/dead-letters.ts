import type { Job, Queue } from 'bullmq';
import { z } from 'zod';
import { channelSchema, templateTypeSchema } from '../messages/types.js';

/** Why a message was dead-lettered, as stored with it (no recipient, no payload). */
export type DeadLetterInfo = {
  reason: string;
  provider?: string | undefined;
  providerCode?: string | undefined;
  attempts: number;
};

/** Stored in `<queue>-dead`: the original job data (still sealed when encrypted) plus the reason. */
export const deadLetterSchema = z.object({
  id: z.string(),
  channel: channelSchema.or(z.literal('unknown')),
  type: templateTypeSchema.or(z.literal('unknown')),
  reason: z.string(),
  provider: z.string().optional(),
  providerCode: z.string().optional(),
  attempts: z.number(),
  failedAt: z.number(),
  /** The job data as it was in the main queue (validated again on replay). */
  original: z.unknown(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

/** The summary `dlq list --json` prints. */
export type DeadLetterSummary = Omit<DeadLetter, 'original' | 'failedAt' | 'provider' | 'providerCode'> & {
  provider: string | null;
  providerCode: string | null;
  failedAt: string;
};

const asTemplate = (v: unknown) => (templateTypeSchema.safeParse(v).success ? (v as z.infer<typeof templateTypeSchema>) : 'unknown');
const asChannel = (v: unknown) => (channelSchema.safeParse(v).success ? (v as z.infer<typeof channelSchema>) : 'unknown');

/**
 * Adds a dead letter under the job's id (what `dlq show/replay/purge` take); idempotent per id (a
 * retried dead-lettering adds nothing). The job id and the message id differ only for a job copied
 * to another id in Redis (dead-lettered `id_mismatch`): its letter goes by the id it was found under.
 */
export const addDeadLetter = async (deadLetters: Queue, job: Job, info: DeadLetterInfo): Promise<void> => {
  const data = (job.data ?? {}) as Record<string, unknown>;
  const id = job.id ?? (typeof data.id === 'string' ? data.id : 'unknown');
  const letter: DeadLetter = {
    id,
    channel: asChannel(data.channel),
    type: asTemplate(data.type),
    reason: info.reason,
    ...(info.provider && { provider: info.provider }),
    ...(info.providerCode && { providerCode: info.providerCode }),
    attempts: info.attempts,
    failedAt: Date.now(),
    original: job.data,
  };
  await deadLetters.add(letter.type, letter, { jobId: id, removeOnComplete: true, removeOnFail: true });
};

export const summarize = (letter: DeadLetter): DeadLetterSummary => ({
  id: letter.id,
  channel: letter.channel,
  type: letter.type,
  reason: letter.reason,
  provider: letter.provider ?? null,
  providerCode: letter.providerCode ?? null,
  attempts: letter.attempts,
  failedAt: new Date(letter.failedAt).toISOString(),
});
