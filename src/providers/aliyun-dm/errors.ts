import { z } from 'zod';
import { DeliveryError, permanent, rateLimited } from '../../errors/delivery-error.js';
import { classifyHttpStatus } from '../http/classify-status.js';
import type { HttpResponse } from '../http/client.js';
import { parseJsonAs } from '../http/json.js';
import { aliyunErrorCode, classifyAliyunCommonCode } from '../aliyun-rpc/errors.js';

const PROVIDER = 'aliyun-dm';

/** SingleSendMail success body. */
export const singleSendMailResultSchema = z.object({ EnvId: z.string().min(1), RequestId: z.string() });

type Mapper = (code: string) => DeliveryError;
const badRecipient: Mapper = (code) => permanent({ provider: PROVIDER, code, message: 'recipient address rejected' });
const badContent: Mapper = (code) => permanent({ provider: PROVIDER, code, message: 'email content rejected' });
const badSender: Mapper = (code) =>
  permanent({ provider: PROVIDER, code, message: 'sender address or settings rejected', scope: 'connector' });

/** SingleSendMail's documented error codes (Direct Mail API reference). */
const DM_CODES: Readonly<Record<string, Mapper>> = {
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
};

/**
 * Classifies a SingleSendMail response: 2xx with `{EnvId}` is success (returns undefined);
 * otherwise the body's `Code` decides (Direct Mail codes, then Aliyun common codes), else the
 * HTTP status.
 */
export const classifyDmResponse = (res: Pick<HttpResponse, 'status' | 'headers' | 'body'>): DeliveryError | undefined => {
  if (res.status >= 200 && res.status < 300) {
    if (parseEnvId(res.body) !== undefined) return undefined;
    return permanent({ provider: PROVIDER, code: 'invalid_response', message: 'unexpected success body', scope: 'connector' });
  }
  const code = aliyunErrorCode(res.body);
  if (code !== undefined) {
    const mapped = DM_CODES[code]?.(code) ?? classifyAliyunCommonCode(PROVIDER, code);
    if (mapped) return mapped;
  }
  return classifyHttpStatus({ provider: PROVIDER, status: res.status, headers: res.headers, code });
};

export const parseEnvId = (body: string): string | undefined => parseJsonAs(singleSendMailResultSchema, body)?.EnvId;
