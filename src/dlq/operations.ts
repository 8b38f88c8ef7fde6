import type { Job, Queue } from 'bullmq';
import { deadLetterSchema, type DeadLetter } from '../messages/dead-letter.js';
import { messageJobOptions } from '../messages/job-data.js';
import { sentMarkerKey } from '../messages/keys.js';
import { summarize, view, type DeadLetterSummary, type DeadLetterView } from './summary.js';
import { OtpCourierError } from '../errors/base.js';

/** A queue (one shard's) and its dead letters; a message's sent marker lives under the queue's prefix. */
export type DeadLetterQueues = { queue: Queue; deadLetters: Queue };
/** What the read-only and purge operations need: the dead-letter queue alone. */
type DeadLetterQueue = Pick<DeadLetterQueues, 'deadLetters'>;

const PAGE = 500;
/** How long a replayed message's outcome stays readable. */
const REPLAY_RETENTION_SECONDS = 3600;

const parseLetter = (job: Job): DeadLetter | undefined => {
  const parsed = deadLetterSchema.safeParse(job.data);
  return parsed.success ? parsed.data : undefined;
};

const allLetterJobs = async (deadLetters: Queue): Promise<Job[]> => {
  const jobs: Job[] = [];
  for (let start = 0; ; start += PAGE) {
    const page = await deadLetters.getJobs(['wait', 'prioritized', 'delayed'], start, start + PAGE - 1, true);
    jobs.push(...page.filter(Boolean));
    if (page.length < PAGE) return jobs;
  }
};

/** Every dead letter, oldest first, as summaries (no recipient, no payload). */
export const listDeadLetters = async ({ deadLetters }: DeadLetterQueue): Promise<DeadLetterSummary[]> =>
  (await allLetterJobs(deadLetters)).map(parseLetter).filter((l): l is DeadLetter => !!l).map(summarize);

/** One dead letter as `dlq show` prints it: the summary and its `detail`. */
export const showDeadLetter = async ({ deadLetters }: DeadLetterQueue, id: string): Promise<DeadLetterView | undefined> => {
  const job = await deadLetters.getJob(id);
  const letter = job && parseLetter(job);
  return letter ? view(letter) : undefined;
};

/**
 * A dead letter whose message a provider had in fact accepted (its sent marker is still there: a
 * job failed after the send, e.g. stalled too often). Replaying it would send the code again.
 */
export class AlreadyAcceptedError extends OtpCourierError {
  override readonly name = 'AlreadyAcceptedError';
  constructor(
    readonly id: string,
    readonly provider: string,
  ) {
    super(`message ${id} was already accepted by ${provider}; not replayed (purge it instead)`);
  }
}

/** The provider that accepted message `id`, if its sent marker is still there. */
const acceptedBy = async (queue: Queue, id: string): Promise<string | undefined> => {
  const client = await queue.getBackend().client;
  return (await client.get(sentMarkerKey(queue.opts.prefix ?? 'bull', id))) ?? undefined;
};

/**
 * Puts a dead letter back on the main queue under its own id, with a fresh attempt budget.
 * Refuses (AlreadyAcceptedError) a message a provider already accepted. The main queue's failed
 * copy is removed first; the dead letter is removed last, so a crash in between never loses the
 * message. An expired message will end as `expired`, never be sent.
 */
export const replayDeadLetter = async ({ queue, deadLetters }: DeadLetterQueues, id: string): Promise<boolean> => {
  const job = await deadLetters.getJob(id);
  const letter = job && parseLetter(job);
  if (!job || !letter) return false;
  const provider = await acceptedBy(queue, id);
  if (provider) throw new AlreadyAcceptedError(id, provider);
  const previous = await queue.getJob(id);
  if (previous) {
    const state = await previous.getState();
    if (state === 'active') throw new Error(`message ${id} is being processed; try again`);
    await previous.remove();
  }
  const type = letter.type === 'unknown' ? undefined : letter.type;
  await queue.add(type ?? 'unknown', letter.original, messageJobOptions(id, type, REPLAY_RETENTION_SECONDS));
  await job.remove();
  return true;
};

/** Replays every dead letter except those a provider already accepted (left in place, counted). */
export const replayAllDeadLetters = async (queues: DeadLetterQueues): Promise<{ replayed: number; alreadyAccepted: number }> => {
  let replayed = 0;
  let alreadyAccepted = 0;
  for (const id of await allDeadLetterIds(queues)) {
    try {
      if (await replayDeadLetter(queues, id)) replayed += 1;
    } catch (error) {
      if (!(error instanceof AlreadyAcceptedError)) throw error;
      alreadyAccepted += 1;
    }
  }
  return { replayed, alreadyAccepted };
};

export const purgeDeadLetter = async ({ deadLetters }: DeadLetterQueue, id: string): Promise<boolean> => {
  const job = await deadLetters.getJob(id);
  if (!job) return false;
  await job.remove();
  return true;
};

export const allDeadLetterIds = async ({ deadLetters }: DeadLetterQueue): Promise<string[]> =>
  (await allLetterJobs(deadLetters)).map((j) => j.id).filter((id): id is string => typeof id === 'string');
