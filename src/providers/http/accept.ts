import type { z } from 'zod';
import type { DeliveryError } from '../../errors/delivery-error.js';
import type { SendResult } from '../types.js';
import type { HttpFailure } from './classify.js';
import type { HttpResponse } from './client.js';
import { parseJson } from './json.js';

/** What the rule reads of a reply. */
export type Reply = Pick<HttpResponse, 'headers' | 'body' | 'bodyIncomplete'>;

/** The vendor answered 2xx with something we do not recognise: taken, counted, never resent. */
export const UNEXPECTED_RESPONSE: Readonly<SendResult> = Object.freeze({ unexpectedResponse: true });

export const isSuccessStatus = (status: number): boolean => status >= 200 && status < 300;

/**
 * The one rule for a 2xx reply: the vendor took the message. `schema` is what the vendor documents
 * for a 2xx (its success body, and for vendors that answer 200 with an error inside, that error
 * body too); `toResult` turns the parsed value into the result, or throws the `DeliveryError` a
 * documented error body means. A body that was not read whole (over the cap, broke off), is not
 * JSON, or does not match is `{ unexpectedResponse: true }`: never an error, because resending
 * would deliver the code twice. `part: 'headers'` validates the headers instead of the body, for
 * vendors whose id is a header (SendGrid's `X-Message-Id`). An absent reply (an SDK resolved
 * without our transport seeing one) is unexpected too.
 */
export const acceptReply = <S extends z.ZodType>(
  reply: Reply | undefined,
  schema: S,
  toResult: (accepted: z.output<S>) => SendResult,
  part: 'body' | 'headers' = 'body',
): SendResult => {
  if (reply === undefined || reply.bodyIncomplete) return UNEXPECTED_RESPONSE;
  const parsed = schema.safeParse(part === 'headers' ? reply.headers : parseJson(reply.body));
  return parsed.success ? toResult(parsed.data) : UNEXPECTED_RESPONSE;
};

/** How one vendor's replies are read: its failure classification and its documented 2xx. */
export type ReplySpec<S extends z.ZodType> = {
  /** A non-2xx reply → the `DeliveryError` it means (the vendor's errors.ts). */
  failure: (res: HttpFailure) => DeliveryError;
  /** The documented 2xx, for `acceptReply`. */
  accepted: S;
  /** The result of an accepted reply, or throws the `DeliveryError` a documented error body means. */
  result: (accepted: z.output<S>, res: HttpResponse) => SendResult;
  /** @default 'body' */
  part?: 'body' | 'headers';
};

/** A vendor's reply reader, built once: a non-2xx throws `failure(res)`; a 2xx follows `acceptReply`. */
export const replyReader = <S extends z.ZodType>({ failure, accepted, result, part }: ReplySpec<S>): ((res: HttpResponse) => SendResult) => {
  return (res) => {
    if (!isSuccessStatus(res.status)) throw failure(res);
    return acceptReply(res, accepted, (value) => result(value, res), part);
  };
};
