import { z } from 'zod';
import type { DeliveryError } from '../../errors/delivery-error.js';
import { classifyFailure, type HttpFailure } from '../http/classify.js';
import { parseJsonAs } from '../http/json.js';
import { codeTable, connector, families, firstOf, message, NO_WAIT, otherwise, retry, throttled, type RuleContext } from '../http/rules.js';
import { ALIYUN_COMMON_RULES } from '../aliyun-rpc/errors.js';
import { msUntilNextChinaDay, msUntilNextChinaMonth } from '../shared/china-time.js';

const PROVIDER = 'aliyun-sms';

/** SendSms answers (success and business errors alike, usually with HTTP 200); only `Code` and `Message` are read. */
const sendSmsResponseSchema = z.object({
  Code: z.string(),
  Message: z.string().optional(),
  RequestId: z.string().optional(),
  BizId: z.string().optional(),
});

const badNumber = message('recipient number rejected');
const badContent = message('template variables or content rejected');
const badSetup = connector('signature, template or account setup rejected');
const account = connector('account unavailable (balance, subscription or permissions)');
/** Aliyun sends no `Retry-After`: the worker's backoff decides. */
const platform = retry('provider temporarily unavailable', NO_WAIT);

/**
 * `isv.BUSINESS_LIMIT_CONTROL` is Aliyun's per-number flow control (by default 1 a minute,
 * 5 an hour, 10 a day for verification codes); its message names the window that tripped.
 * Only the window is read from the message, which is never copied into the error.
 */
const flowControlWaitMs = ({ text, now }: RuleContext): number => {
  if (text.includes('天级') || /\bday\b/i.test(text)) return msUntilNextChinaDay(now);
  if (text.includes('小时级') || /\bhour\b/i.test(text)) return 3_600_000;
  return 60_000;
};

/** SendSms business codes (Short Message Service "API error codes"). */
const SMS_CODES = codeTable({
  'isv.MOBILE_NUMBER_ILLEGAL': badNumber,
  'isv.MOBILE_COUNT_OVER_LIMIT': badNumber,
  'isv.INVALID_PARAMETERS': badContent,
  'isv.INVALID_JSON_PARAM': badContent,
  'isv.TEMPLATE_PARAMS_ILLEGAL': badContent,
  'isv.PARAM_LENGTH_LIMIT': badContent,
  'isv.PARAM_NOT_SUPPORT_URL': badContent,
  'isv.SMS_CONTENT_ILLEGAL': badContent,
  'isv.BLACK_KEY_CONTROL_LIMIT': badContent,
  'isv.TEMPLATE_MISSING_PARAMETERS': badSetup,
  'isv.SMS_TEMPLATE_ILLEGAL': badSetup,
  'isv.SMS_SIGNATURE_ILLEGAL': badSetup,
  'isv.SMS_SIGN_ILLEGAL': badSetup,
  'isv.SIGN_NAME_ILLEGAL': badSetup,
  'isv.SIGN_STATE_ILLEGAL': badSetup,
  'isv.SIGN_SOURCE_ILLEGAL': badSetup,
  'isv.SIGNATURE_BLACKLIST': badSetup,
  'isv.SMS_SIGNATURE_SCENE_ILLEGAL': badSetup,
  'isv.EXTEND_CODE_ERROR': badSetup,
  'isv.DOMESTIC_NUMBER_NOT_SUPPORTED': badSetup,
  'isv.DENY_IP_RANGE': badSetup,
  PORT_NOT_REGISTERED: badSetup,
  'isv.AMOUNT_NOT_ENOUGH': account,
  'isv.OUT_OF_SERVICE': account,
  'isp.OUT_OF_SERVICE': account,
  'isv.PRODUCT_UN_SUBSCRIPT': account,
  'isv.PRODUCT_UNSUBSCRIBE': account,
  'isv.ACCOUNT_NOT_EXISTS': account,
  'isv.ACCOUNT_ABNORMAL': account,
  'isv.SECURITY_FROZEN_ACCOUNT': account,
  'isp.RAM_PERMISSION_DENY': account,
  'isp.SYSTEM_ERROR': platform,
  'isv.SYSTEM_ERROR': platform,
  'isv.BUSINESS_LIMIT_CONTROL': throttled('per-number flow control', flowControlWaitMs, 'message'),
  'isv.DAY_LIMIT_CONTROL': throttled('daily sending quota reached', ({ now }) => msUntilNextChinaDay(now)),
  'isv.MONTH_LIMIT_CONTROL': throttled('monthly sending quota reached', ({ now }) => msUntilNextChinaMonth(now)),
});

/** SMS codes, then Aliyun common codes. */
const KNOWN_CODES = firstOf(SMS_CODES, ALIYUN_COMMON_RULES);

/** A `Code` in a 2xx answer is always a refusal: unknown ones by family (`isp.*` platform errors retry), else about the message. */
const ANSWER_CODES = firstOf(KNOWN_CODES, families([['isp.', platform]]), otherwise(badContent));

/** Maps a SendSms `Code` other than `OK` (in a 2xx answer), with its `Message` for the wait. */
export const classifySmsCode = (code: string, text = '', now = Date.now()): DeliveryError =>
  classifyFailure(ANSWER_CODES, { provider: PROVIDER, status: 200, code, text }, now);

/** Gateway errors (signature, throttling) come with 4xx/5xx and the same `Code` field; unknown codes leave it to the status. */
export const classifySendSmsError = ({ status, headers, body }: HttpFailure, now = Date.now()): DeliveryError => {
  const parsed = parseJsonAs(sendSmsResponseSchema, body);
  return classifyFailure(KNOWN_CODES, { provider: PROVIDER, status, headers, code: parsed?.Code, text: parsed?.Message ?? '' }, now);
};
