import { z } from 'zod';
import { MAX_TTL_LIMIT_SECONDS } from '../messages/defaults.js';
import { MAX_SUPPRESS_SECONDS } from '../receipts/defaults.js';

const positiveInt = z.number().int().positive();

const windowSchema = z.strictObject({ max: positiveInt, windowSeconds: positiveInt.max(MAX_TTL_LIMIT_SECONDS * 30) });

/** `limits`: the producer-side limits (per recipient and IP, SPEC §12 SMS abuse limits, mode, silence, suppression). */
export const limitsSchema = z.strictObject({
  /** Per recipient, shared by all producers. Logto's default: 10 per 600 s. */
  perRecipient: z.strictObject({ max: positiveInt.default(10), windowSeconds: positiveInt.default(600) }).prefault({}),
  /** Optional per client IP (Logto's `ip`). */
  perIp: z.strictObject({ max: positiveInt, windowSeconds: positiveInt }).optional(),
  sms: z
    .strictObject({
      allowCountries: z.array(z.string().regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2, upper case')).default([]),
      denyCountries: z.array(z.string().regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2, upper case')).default([]),
      /** SPEC §12: per number prefix (its first `digits` digits, country code included), shared by all producers. */
      perPrefix: windowSchema.extend({ digits: z.number().int().min(1).max(15).default(8) }).optional(),
      /** SPEC §12: per destination country; `default` for every country, ISO 3166 alpha-2 keys override it. */
      perCountry: z.record(z.string().regex(/^(default|[A-Z]{2})$/, '"default" or ISO 3166 alpha-2, upper case'), windowSchema).optional(),
      /**
       * SPEC §12: a prefix whose codes are used (`/v1/verified`, Logto's webhooks) less often than `ratio`
       * after `minSends` sends in the window is refused for `blockSeconds` (429, limit `conversion`).
       * The prefix is `perPrefix.digits` long when perPrefix is set, else `digits` (default 8).
       */
      minConversion: z
        .strictObject({ ratio: z.number().gt(0).max(1), minSends: positiveInt, windowSeconds: windowSchema.shape.windowSeconds, blockSeconds: positiveInt.max(MAX_TTL_LIMIT_SECONDS * 30), digits: z.number().int().min(1).max(15).optional() })
        .optional(),
    })
    .refine((s) => !(s.perPrefix && s.minConversion?.digits !== undefined && s.minConversion.digits !== s.perPrefix.digits), {
      path: ['minConversion', 'digits'],
      message: 'must equal perPrefix.digits (the prefix is the same for both; omit it)',
    })
    .prefault({}),
  /** SPEC §12: a request refused by a limit gets the same 200 as an accepted one (no account enumeration); counted, never sent. @default false */
  silent: z.boolean().default(false),
  /** SPEC §12: `observe` counts what the windows would refuse (`otp_limited_total{mode="observe"}`) and refuses nothing. @default enforce */
  mode: z.enum(['enforce', 'observe']).default('enforce'),
  /**
   * After a hard bounce or a complaint receipt, sends to that address are refused for this long
   * (429, reason `suppressed`). 0 = off. @default 0
   */
  suppressBouncedSeconds: z.number().int().min(0).max(MAX_SUPPRESS_SECONDS).default(0),
});
