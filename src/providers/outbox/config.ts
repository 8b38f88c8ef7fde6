import { z } from 'zod';

export const outboxConfigSchema = z.strictObject({
  /** JSON-lines file the messages are appended to. @default ./.otp-courier/outbox.jsonl */
  path: z.string().min(1).default('./.otp-courier/outbox.jsonl'),
});

export type OutboxConfig = z.infer<typeof outboxConfigSchema>;
