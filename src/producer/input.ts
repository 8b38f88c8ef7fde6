import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { payloadSchema } from '../messages/job-data.js';
import { channelSchema, templateTypeSchema } from '../messages/types.js';
import { MESSAGE_SOURCES } from '../metrics/metrics.js';

/** Payload JSON larger than this is refused: an OTP message has no business being big. */
export const MAX_PAYLOAD_BYTES = 8192;

const emailSchema = z.email({ error: 'must be one email address' }).max(320);

/**
 * What `producer.send` accepts (SPEC §5). `to` is normalised: email lower-cased domain kept as
 * given but trimmed, phone numbers parsed with libphonenumber-js and written in E.164.
 */
export const sendInputSchema = z
  .strictObject({
    channel: channelSchema,
    to: z.string().trim().min(1, 'required').max(320),
    type: templateTypeSchema,
    payload: payloadSchema.default({}),
    ip: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IP address' }).optional(),
    idempotencyKey: z.string().min(1).max(256).optional(),
    /** Epoch milliseconds. @default now + ttlSeconds */
    expiresAt: z.number().int().positive().optional(),
    /** The `source` label of `otp_messages_enqueued_total`. @default 'api' */
    source: z.enum(MESSAGE_SOURCES).optional(),
  })
  .transform((input, ctx) => {
    const size = Buffer.byteLength(JSON.stringify(input.payload));
    if (size > MAX_PAYLOAD_BYTES) ctx.addIssue({ code: 'custom', path: ['payload'], message: `larger than ${MAX_PAYLOAD_BYTES} bytes` });
    if (input.channel === 'email') {
      if (!emailSchema.safeParse(input.to).success) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be one email address' });
      return { ...input, country: undefined };
    }
    const phone = normalizePhone(input.to);
    if (!phone) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be a valid phone number in E.164 (+ and country code)' });
      return { ...input, country: undefined };
    }
    return { ...input, to: phone.e164, country: phone.country };
  });

export type SendInput = z.input<typeof sendInputSchema>;

/** `producer.verified({channel, to})` (SPEC §12): the recipient whose last code was used, normalised as `send` does. */
export const verifiedRecipientSchema = z
  .strictObject({ channel: channelSchema, to: z.string().trim().min(1, 'required').max(320) })
  .transform((input, ctx) => {
    if (input.channel === 'email') {
      if (!emailSchema.safeParse(input.to).success) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be one email address' });
      return { ...input, country: undefined };
    }
    const phone = normalizePhone(input.to);
    if (!phone) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be a valid phone number in E.164 (+ and country code)' });
    return { ...input, to: phone?.e164 ?? input.to, country: phone?.country };
  });

/** A message id as `send` returns it: a UUID, `s<i>of<N>-` before it with shards (SPEC §10). */
const MESSAGE_ID = /^(s\d{1,3}of\d{1,3}-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `producer.verified({id})` (SPEC §12): the code of the message `send` returned this id for was used. */
export const verifiedIdSchema = z.strictObject({ id: z.string().regex(MESSAGE_ID, 'must be the id send returned (a UUID, with its shard when there are shards)') });

export const verifiedInputSchema = z.union([verifiedRecipientSchema, verifiedIdSchema]);

/** Which form of a `verified` report is meant: the `{id}` form when it has an `id` (so the issues name that form's fields). */
export const isIdReport = (input: unknown): boolean => typeof input === 'object' && input !== null && 'id' in input;

/** Either form, told apart by `isIdReport`. */
export const parseVerifiedInput = (input: unknown) => (isIdReport(input) ? verifiedIdSchema.safeParse(input) : verifiedRecipientSchema.safeParse(input));

export type VerifiedInput = z.input<typeof verifiedInputSchema>;
export type ValidVerifiedInput = z.output<typeof verifiedInputSchema>;
export type ValidSendInput = z.output<typeof sendInputSchema>;

/** `+44 20 7946 0958` → `{ e164: '+442079460958', country: 'GB' }`; undefined when not a valid number. */
export const normalizePhone = (raw: string): { e164: string; country: string | undefined } | undefined => {
  const text = raw.trim();
  if (!text.startsWith('+') || /[^\d\s()+.-]/.test(text)) return undefined;
  const parsed = parsePhoneNumberFromString(text);
  if (!parsed?.isValid()) return undefined;
  return { e164: parsed.number, country: parsed.country };
};
