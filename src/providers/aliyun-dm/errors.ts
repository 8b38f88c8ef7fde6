import type { DeliveryError } from '../../errors/delivery-error.js';
import { classifyFailure, type HttpFailure } from '../http/classify.js';
import { codeTable, connector, firstOf, message, throttled } from '../http/rules.js';
import { aliyunErrorCode, ALIYUN_COMMON_RULES } from '../aliyun-rpc/errors.js';

const badRecipient = message('recipient address rejected');
const badContent = message('email content rejected');
const badSender = connector('sender address or settings rejected');

/** SingleSendMail's documented error codes (Direct Mail API reference). */
const DM_CODES = codeTable({
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
  'InvalidSendMail.Spam': throttled('sending rejected by provider limits', 60_000),
});

/** Direct Mail codes, then Aliyun common codes. */
const DM_RULES = firstOf(DM_CODES, ALIYUN_COMMON_RULES);

/**
 * Classifies a SingleSendMail error reply (non-2xx): the body's `Code` decides (Direct Mail codes,
 * then Aliyun common codes), else the HTTP status.
 */
export const classifyDmError = ({ status, headers, body }: HttpFailure): DeliveryError =>
  classifyFailure(DM_RULES, { provider: 'aliyun-dm', status, headers, code: aliyunErrorCode(body) });
