import { z } from 'zod';
import { channelSchema, templateTypeSchema } from './types.js';

/** Logto's payload shape; extra context objects pass through. Bounded so no job grows huge. */
export const payloadSchema = z.looseObject({
  code: z.string().max(64).optional(),
  link: z.string().max(2048).optional(),
  locale: z.string().max(64).optional(),
  uiLocales: z.string().max(256).optional(),
});

/** What is encrypted when keys are configured: the recipient, the payload and the client IP. */
export const messageBodySchema = z.strictObject({
  to: z.string().min(1).max(320),
  payload: payloadSchema,
  ip: z.string().max(64).optional(),
});
export type MessageBody = z.infer<typeof messageBodySchema>;

/**
 * A job as stored in Redis (BullMQ job data). Read back through this schema, never trusted:
 * a job that fails it is dead-lettered as malformed. Channel and type stay readable (metrics,
 * priorities); the body is either plain or sealed (AES-256-GCM, see crypto/envelope).
 */
export const jobDataSchema = z
  .strictObject({
    v: z.literal(1),
    id: z.string().min(1).max(128),
    channel: channelSchema,
    type: templateTypeSchema,
    enqueuedAt: z.number().int().positive(),
    expiresAt: z.number().int().positive(),
    body: messageBodySchema.optional(),
    sealed: z.string().min(1).optional(),
    /** A receipt failover's resend (SPEC §8): the connector whose send was undelivered is not tried again. */
    failover: z.strictObject({ from: z.string().min(1).max(64) }).optional(),
  })
  .refine((d) => (d.body === undefined) !== (d.sealed === undefined), { message: 'exactly one of body and sealed' });
export type JobData = z.infer<typeof jobDataSchema>;

/** Final outcomes (`pending` while not final). */
export const OUTCOMES = ['delivered', 'expired', 'dead', 'pending'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** BullMQ return value of a finished job: never holds the recipient or code. */
export const jobResultSchema = z.object({ outcome: z.enum(['delivered', 'expired']), provider: z.string().optional() });
export type JobResult = z.infer<typeof jobResultSchema>;

/** Priority by type: interactive codes (no priority: BullMQ's fast wait list) before bulk mail. */
export const priorityFor = (type: z.infer<typeof templateTypeSchema>): number | undefined =>
  type === 'OrganizationInvitation' ? 10 : undefined;

/**
 * Jobs carry a large attempt budget; the worker ends them itself after `queue.attempts` (its own
 * policy), so producers need not know the retry policy.
 */
export const JOB_ATTEMPT_BUDGET = 1000;
export const BACKOFF_TYPE = 'otp';

/** The job id of message `id`'s one receipt failover resend (BullMQ adds a job id once: never twice). */
export const failoverJobId = (id: string): string => `${id}-failover`;

/** The id a job is filed under: the message id, or its failover's. */
export const jobIdOf = (data: Pick<JobData, 'id' | 'failover'>): string => (data.failover ? failoverJobId(data.id) : data.id);

export const deadLetterQueueName = (queue: string): string => `${queue}-dead`;

/** BullMQ options every message job gets, from the producer and from a dead-letter replay. */
export const messageJobOptions = (id: string, type: z.infer<typeof templateTypeSchema> | undefined, keepSeconds: number) => {
  const priority = type && priorityFor(type);
  return {
    jobId: id,
    attempts: JOB_ATTEMPT_BUDGET,
    backoff: { type: BACKOFF_TYPE },
    removeOnComplete: { age: keepSeconds },
    removeOnFail: { age: keepSeconds },
    ...(priority !== undefined && { priority }),
  };
};
