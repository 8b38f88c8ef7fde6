import { z } from 'zod';
import { DeliveryError, permanent, rateLimited, retryable } from '../../errors/delivery-error.js';
import { acceptReply, isSuccessStatus } from '../http/accept.js';
import { classifyHttpStatus } from '../http/classify-status.js';
import type { HttpResponse } from '../http/client.js';
import { parseJsonAs } from '../http/json.js';
import { classifyAliyunCommonCode } from '../aliyun-rpc/errors.js';
import { msUntilNextChinaDay, msUntilNextChinaMonth } from '../shared/china-time.js';
import { codeTable } from '../shared/code-table.js';
import type { SendResult } from '../types.js';

const PROVIDER = 'aliyun-sms';

/** SendSms answers (success and business errors alike, usually with HTTP 200). */
export const sendSmsResponseSchema = z.object({
  Code: z.string(),
  Message: z.string().optional(),
  RequestId: z.string().optional(),
  BizId: z.string().optional(),
});
export type SendSmsResponse = z.infer<typeof sendSmsResponseSchema>;

/** A 2xx SendSms answer we recognise: `Code: OK` with its `BizId`, or a business error `Code`. */
const sendSmsAnswerSchema = z.union([
  z.object({ Code: z.literal('OK'), BizId: z.string().min(1) }).transform((b) => ({ bizId: b.BizId })),
  z
    .object({ Code: z.string().refine((code) => code !== 'OK'), Message: z.string().optional() })
    .transform((b) => ({ refused: b.Code, message: b.Message ?? '' })),
]);

type Context = { code: string; message: string; now: number };
type Mapper = (ctx: Context) => DeliveryError;

const badNumber: Mapper = ({ code }) => permanent({ provider: PROVIDER, code, message: 'recipient number rejected' });
const badContent: Mapper = ({ code }) => permanent({ provider: PROVIDER, code, message: 'template variables or content rejected' });
const badSetup: Mapper = ({ code }) =>
  permanent({ provider: PROVIDER, code, message: 'signature, template or account setup rejected', scope: 'connector' });
const account: Mapper = ({ code }) =>
  permanent({ provider: PROVIDER, code, message: 'account unavailable (balance, subscription or permissions)', scope: 'connector' });
const platform: Mapper = ({ code }) => retryable({ provider: PROVIDER, code, message: 'provider temporarily unavailable' });

/**
 * `isv.BUSINESS_LIMIT_CONTROL` is Aliyun's per-number flow control (by default 1 a minute,
 * 5 an hour, 10 a day for verification codes); its message names the window that tripped.
 * Only the window is read from the message, which is never copied into the error.
 */
const flowControlWaitMs = (message: string, now: number): number => {
  if (message.includes('天级') || /\bday\b/i.test(message)) return msUntilNextChinaDay(now);
  if (message.includes('小时级') || /\bhour\b/i.test(message)) return 3_600_000;
  return 60_000;
};

/** SendSms business codes (Short Message Service "API error codes"). */
const SMS_CODES = codeTable<Mapper>({
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
  'isv.BUSINESS_LIMIT_CONTROL': ({ code, message, now }) =>
    rateLimited({ provider: PROVIDER, code, message: 'per-number flow control', retryAfterMs: flowControlWaitMs(message, now), scope: 'message' }),
  'isv.DAY_LIMIT_CONTROL': ({ code, now }) =>
    rateLimited({ provider: PROVIDER, code, message: 'daily sending quota reached', retryAfterMs: msUntilNextChinaDay(now) }),
  'isv.MONTH_LIMIT_CONTROL': ({ code, now }) =>
    rateLimited({ provider: PROVIDER, code, message: 'monthly sending quota reached', retryAfterMs: msUntilNextChinaMonth(now) }),
});

const knownCode = (ctx: Context): DeliveryError | undefined =>
  SMS_CODES.get(ctx.code)?.(ctx) ?? classifyAliyunCommonCode(PROVIDER, ctx.code);

/**
 * Maps a SendSms `Code` other than `OK`: SMS codes, then Aliyun common codes, then by family
 * (`isp.*` platform errors retry, other unknown codes are permanent for the message).
 */
export const classifySmsCode = (code: string, message = '', now = Date.now()): DeliveryError => {
  const ctx = { code, message, now };
  return knownCode(ctx) ?? (code.startsWith('isp.') ? platform(ctx) : badContent(ctx));
};

/** Gateway errors (signature, throttling) come with 4xx/5xx and the same `Code` field. */
export const classifySendSmsError = (res: Pick<HttpResponse, 'status' | 'headers' | 'body'>, now = Date.now()): DeliveryError => {
  const body = parseJsonAs(sendSmsResponseSchema, res.body);
  const known = body ? knownCode({ code: body.Code, message: body.Message ?? '', now }) : undefined;
  return known ?? classifyHttpStatus({ provider: PROVIDER, status: res.status, headers: res.headers, code: body?.Code });
};

/**
 * A SendSms reply: `Code: OK` is sent; business errors come with HTTP 200 and are classified; any
 * other 2xx is unexpected; the rest throws.
 */
export const readSendSmsReply = (res: HttpResponse, now = Date.now()): SendResult => {
  if (!isSuccessStatus(res.status)) throw classifySendSmsError(res, now);
  return acceptReply(res, sendSmsAnswerSchema, (answer) => {
    if ('refused' in answer) throw classifySmsCode(answer.refused, answer.message, now);
    return { providerMessageId: answer.bizId };
  });
};
