import { z } from 'zod';
import { toIssues, ValidationError } from '../errors/validation-error.js';
import {
  DEFAULT_DURABILITY,
  DEFAULT_MAX_TTL_SECONDS,
  DEFAULT_MAX_WAITERS,
  DEFAULT_TTL_SECONDS,
  MAX_DURABILITY_REPLICAS,
  MAX_TTL_LIMIT_SECONDS,
} from '../messages/defaults.js';
import { MAX_SHARDS } from '../messages/shards.js';

/** The producer's numeric options (the connection, keys and limits are checked where they are used). */
const tuningSchema = z
  .object({
    ttlSeconds: z.number().int().positive().default(DEFAULT_TTL_SECONDS),
    maxTtlSeconds: z.number().int().positive().max(MAX_TTL_LIMIT_SECONDS).default(DEFAULT_MAX_TTL_SECONDS),
    maxWaiters: z.number().int().positive().default(DEFAULT_MAX_WAITERS),
    shards: z.number().int().min(1).max(MAX_SHARDS).default(1),
    durability: z
      .strictObject({ replicas: z.number().int().min(0).max(MAX_DURABILITY_REPLICAS), timeoutMs: z.number().int().positive() })
      .default(() => ({ ...DEFAULT_DURABILITY })),
  })
  .refine((o) => o.ttlSeconds <= o.maxTtlSeconds, { path: ['ttlSeconds'], message: 'must not exceed maxTtlSeconds' });

export type ProducerTuning = z.output<typeof tuningSchema>;

/** Checks the options at `createProducer`: a bad value throws there, not on the first send. */
type TuningInput = {
  ttlSeconds?: number | undefined;
  maxTtlSeconds?: number | undefined;
  maxWaiters?: number | undefined;
  durability?: { replicas: number; timeoutMs: number } | undefined;
  shards?: number | undefined;
};

export const parseTuning = ({ ttlSeconds, maxTtlSeconds, maxWaiters, durability, shards }: TuningInput): ProducerTuning => {
  const parsed = tuningSchema.safeParse({ ttlSeconds, maxTtlSeconds, maxWaiters, durability, shards });
  if (!parsed.success) throw new ValidationError(toIssues(parsed.error), 'producer options');
  return parsed.data;
};
