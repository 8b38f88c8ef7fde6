import { z } from 'zod';
import { payloadSchema } from '../messages/job-data.js';
import { templateTypeSchema } from '../messages/types.js';

/** Exactly what Logto's HTTP email and SMS connectors send. */
export const ingestBodySchema = z.strictObject({
  to: z.string(),
  type: templateTypeSchema,
  payload: payloadSchema,
  ip: z.string().optional(),
});

/** `X-Expires-At`: epoch milliseconds, epoch seconds, or an ISO date. */
export const parseExpiresAt = (value: string | undefined): number | undefined | 'invalid' => {
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    return n < 1e12 ? n * 1000 : n;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? 'invalid' : date;
};
