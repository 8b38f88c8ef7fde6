import type { Queue } from 'bullmq';
import { jobResultSchema, type Outcome } from '../messages/job-data.js';

/** A finished job's outcome from its BullMQ return value: a failed job has none, so it reads as dead. */
export const outcomeOfResult = (returnvalue: unknown): Exclude<Outcome, 'pending'> => {
  const result = jobResultSchema.safeParse(returnvalue);
  return result.success ? result.data.outcome : 'dead';
};

/**
 * The outcome of a message as Redis knows it: `delivered`/`expired` (completed, by return value),
 * `dead` (failed in the main queue, or present in the dead-letter queue), else `pending`.
 */
export const readOutcome = async (queue: Queue, deadLetters: Queue, id: string): Promise<Outcome> => {
  const job = await queue.getJob(id);
  if (job) return job.finishedOn ? outcomeOfResult(job.returnvalue) : 'pending';
  return (await deadLetters.getJob(id)) ? 'dead' : 'pending';
};
