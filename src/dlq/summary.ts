import type { DeadLetter } from '../messages/dead-letter.js';

/** One entry of `dlq list --json` (SPEC §2): no recipient, no payload. */
export type DeadLetterSummary = Omit<DeadLetter, 'original' | 'failedAt' | 'provider' | 'providerCode' | 'detail'> & {
  provider: string | null;
  providerCode: string | null;
  failedAt: string;
};

/** What `dlq show` prints: the summary and the sentence behind its reason (null for older letters). */
export type DeadLetterView = DeadLetterSummary & { detail: string | null };

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

export const view = (letter: DeadLetter): DeadLetterView => ({ ...summarize(letter), detail: letter.detail ?? null });
