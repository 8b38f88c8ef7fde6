import { z } from 'zod';
import { safeEqual } from '../crypto/compare.js';
import type { Receipt, ReceiptDefinition, ReceiptRequest, ReceiptVerdict } from './types.js';

/** The verdicts every verifier returns for a request it refuses. */
export const FORGED: ReceiptVerdict = { ok: false, reason: 'signature' };
export const MALFORMED: ReceiptVerdict = { ok: false, reason: 'malformed' };

/**
 * The `receipts` block of vendors that sign nothing: the receipt URL configured in the vendor's
 * console carries `?token=…`, compared in constant time.
 */
export const tokenReceiptsSchema = z.strictObject({
  /** At least 16 characters: it is the only thing standing between a stranger and the message states. */
  token: z.string().min(16, 'at least 16 characters'),
});

/** Whether the request carries the connector's `?token=`. */
export const hasToken = (request: ReceiptRequest, token: string): boolean => safeEqual(request.query.token, token);

/** The body as JSON checked by `schema`, or undefined when it is not. */
export const readJson = <S extends z.ZodType>(request: ReceiptRequest, schema: S): z.infer<S> | undefined => {
  let value: unknown;
  try {
    value = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

/** A form-encoded body (`application/x-www-form-urlencoded`) as a plain record, first value of each name. */
export const readForm = (request: ReceiptRequest): Record<string, string> => {
  const params = new URLSearchParams(request.rawBody.toString('utf8'));
  const form: Record<string, string> = {};
  for (const [name, value] of params) if (!(name in form)) form[name] = value;
  return form;
};

/** Whether a vendor timestamp (seconds since the epoch) is within `windowSeconds` of now, either way. */
export const withinWindow = (timestampSeconds: number, nowMs: number, windowSeconds: number): boolean =>
  Number.isFinite(timestampSeconds) && Math.abs(nowMs / 1000 - timestampSeconds) <= windowSeconds;

/** A vendor time (ISO string, epoch seconds or ms) as ms since the epoch, or undefined when unreadable. */
export const vendorTime = (value: string | number | undefined): number | undefined => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'number' || /^\d+(\.\d+)?$/.test(value)) {
    const n = Number(value);
    return n > 1e12 ? Math.round(n) : Math.round(n * 1000);
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
};

/**
 * The receipts of a vendor that signs nothing and posts JSON: `?token=` checked before the body is
 * read, then the body through `body`, mapped by `toReceipts`; `reply` when the vendor expects an answer.
 */
export const tokenJsonReceipts = <Config, S extends z.ZodType>(
  body: S,
  toReceipts: (parsed: z.infer<S>) => Receipt[],
  reply?: { contentType?: string; body: string },
): ReceiptDefinition<Config, typeof tokenReceiptsSchema> => ({
  schema: tokenReceiptsSchema,
  create: (receipts) => ({
    verify(request): Promise<ReceiptVerdict> {
      if (!hasToken(request, receipts.token)) return Promise.resolve(FORGED);
      const parsed = readJson(request, body);
      if (parsed === undefined) return Promise.resolve(MALFORMED);
      return Promise.resolve({ ok: true, receipts: toReceipts(parsed), ...(reply && { reply }) });
    },
  }),
});
