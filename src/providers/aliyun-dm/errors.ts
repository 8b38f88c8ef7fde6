import { z } from 'zod';
import { DeliveryError, permanent, rateLimited } from '../../errors/delivery-error.js';
import { acceptReply, isSuccessStatus } from '../http/accept.js';
import { classifyHttpStatus } from '../http/classify-status.js';
import type { HttpResponse } from '../http/client.js';
import { aliyunErrorCode, classifyAliyunCommonCode } from '../aliyun-rpc/errors.js';
import { codeTable } from '../shared/code-table.js';
import type { SendResult } from '../types.js';

const PROVIDER = 'aliyun-dm';

/** SingleSendMail success body (Direct Mail reports every error with a 4xx/5xx status). */
export const singleSendMailResultSchema = z.object({ EnvId: z.string().min(1), RequestId: z.string() });

type Mapper = (code: string) => DeliveryError;
const badRecipient: Mapper = (code) => permanent({ provider: PROVIDER, code, message: 'recipient address rejected' });
const badContent: Mapper = (code) => permanent({ provider: PROVIDER, code, message: 'email content rejected' });
const badSender: Mapper = (code) =>
  permanent({ provider: PROVIDER, code, message: 'sender address or settings rejected', scope: 'connector' });

/** SingleSendMail's documented error codes (Direct Mail API reference). */
const DM_CODES = codeTable<Mapper>({
  InvalidToAddress: badRecipient,
  'InvalidToAddress.Spam': badRecipient,
  'InvalidReceiverName.Malformed': badRecipient,
  InvalidBody: badContent,
  'InvalidSubject.Malformed': badContent,
  'InvalidMailAddress.NotFound': badSender,
  'InvalidMailAddressStatus.Malformed': badSender,
  'InvalidMailAddressSendType.Malformed': badSender,
  'InvalidMailAddressDomain.Malformed': badSender,
  'InvalidFromAlias.Malformed': badSender,
  'InvalidFromALias.Malformed': badSender,
  'InvalidReplyAddress.Malformed': badSender,
  'InvalidReplyAddressAlias.Malformed': badSender,
  'InvalidReceiver.NotFound': badSender,
  'InvalidTemplate.NotFound': badSender,
  'InvalidIP.NotFound': badSender,
  // "Rejected by spam filter: check account status, sending frequency and quota": a throttle
  // on the account in practice, so wait and retry rather than drop the message.
  'InvalidSendMail.Spam': (code) =>
    rateLimited({ provider: PROVIDER, code, message: 'sending rejected by provider limits', retryAfterMs: 60_000 }),
});

/**
 * Classifies a SingleSendMail error reply (non-2xx): the body's `Code` decides (Direct Mail codes,
 * then Aliyun common codes), else the HTTP status.
 */
export const classifyDmError = (res: Pick<HttpResponse, 'status' | 'headers' | 'body'>): DeliveryError => {
  const code = aliyunErrorCode(res.body);
  const mapped = code === undefined ? undefined : (DM_CODES.get(code)?.(code) ?? classifyAliyunCommonCode(PROVIDER, code));
  return mapped ?? classifyHttpStatus({ provider: PROVIDER, status: res.status, headers: res.headers, code });
};

/** A SingleSendMail reply: 2xx with `{EnvId}` is sent; any other 2xx is unexpected; the rest throws. */
export const readDmReply = (res: HttpResponse): SendResult => {
  if (!isSuccessStatus(res.status)) throw classifyDmError(res);
  return acceptReply(res, singleSendMailResultSchema, (body) => ({ providerMessageId: body.EnvId }));
};
