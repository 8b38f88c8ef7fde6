import type { Queue } from 'bullmq';
import type { Outcome } from '../messages/job-data.js';
import type { ReceiptStatus } from '../receipts/types.js';
import type { ReceiptStore } from '../tracking/store.js';
import { outcomeOfResult } from './outcome.js';

/** SPEC §8: what `status ID`, `producer.status(id)` and `send --wait-receipt` report. */
export type MessageStatus = {
  id: string;
  /** As `waitFor`: delivered (accepted by a provider), expired, dead, pending. */
  outcome: Outcome;
  /** The latest receipt status of the latest send, or `none`. */
  receipt: ReceiptStatus | 'none';
  /** The provider that accepted it (the one that sent the latest send), else null. */
  provider: string | null;
};

const providerOf = (returnvalue: unknown): string | null => {
  const provider = (returnvalue as { provider?: unknown } | null | undefined)?.provider;
  return typeof provider === 'string' ? provider : null;
};

/** Reads a message's status from the queue, the dead-letter queue and its receipt record. */
export const readStatus = async (queue: Queue, deadLetters: Queue, store: ReceiptStore, id: string): Promise<MessageStatus> => {
  const [job, record] = await Promise.all([queue.getJob(id), store.read(id)]);
  const receipt = record?.status ?? 'none';
  if (job) {
    const outcome = job.finishedOn ? outcomeOfResult(job.returnvalue) : 'pending';
    return { id, outcome, receipt, provider: record?.provider ?? (job.finishedOn ? providerOf(job.returnvalue) : null) };
  }
  const dead = await deadLetters.getJob(id);
  return { id, outcome: dead ? 'dead' : 'pending', receipt, provider: record?.provider ?? null };
};
