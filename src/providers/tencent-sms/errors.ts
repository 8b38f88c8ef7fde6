import { z } from 'zod';
import { DeliveryError, permanent, rateLimited, retryable } from '../../errors/delivery-error.js';
import { acceptReply, isSuccessStatus } from '../http/accept.js';
import { classifyHttpStatus } from '../http/classify-status.js';
import type { HttpResponse } from '../http/client.js';
import { parseJsonAs } from '../http/json.js';
import { msUntilNextChinaDay } from '../shared/china-time.js';
import { codeTable } from '../shared/code-table.js';
import type { SendResult } from '../types.js';

const PROVIDER = 'tencent-sms';

/** A TencentCloud API 3.0 error answer (`Response.Error`), whatever the status. */
const tencentErrorSchema = z.object({ Response: z.object({ Error: z.object({ Code: z.string() }) }) });

const isOk = (code: string): boolean => code.toLowerCase() === 'ok';

/** The number's status in a SendSms answer: `Ok` with its `SerialNo`, or the code that refused it. */
const sendStatusSchema = z.union([
  z.object({ Code: z.string().refine(isOk), SerialNo: z.string().min(1) }).transform((s) => ({ serialNo: s.SerialNo })),
  z.object({ Code: z.string().refine((code) => !isOk(code)) }).transform((s) => ({ refused: s.Code })),
]);

/** A 2xx SendSms answer we recognise: an API error (`Response.Error`), or the first number's status. */
const sendSmsAnswerSchema = z.union([
  tencentErrorSchema.transform((a) => ({ refused: a.Response.Error.Code })),
  z.object({ Response: z.object({ SendStatusSet: z.tuple([sendStatusSchema], z.unknown()) }) }).transform((a) => a.Response.SendStatusSet[0]),
]);


type Mapper = (code: string, now: number) => DeliveryError;
const credentials: Mapper = (code) =>
  permanent({ provider: PROVIDER, code, message: 'provider rejected credentials or permissions', scope: 'connector' });
const badSetup: Mapper = (code) =>
  permanent({ provider: PROVIDER, code, message: 'signature, template, app or account setup rejected', scope: 'connector' });
const badNumber: Mapper = (code) => permanent({ provider: PROVIDER, code, message: 'recipient number rejected' });
const badContent: Mapper = (code) => permanent({ provider: PROVIDER, code, message: 'template variables or content rejected' });
const unavailable: Mapper = (code) => retryable({ provider: PROVIDER, code, message: 'provider temporarily unavailable' });
const apiThrottle: Mapper = (code) => rateLimited({ provider: PROVIDER, code, message: 'rate limited by provider', retryAfterMs: 1_000 });
const perNumber = (waitMs: (now: number) => number): Mapper => (code, now) =>
  rateLimited({ provider: PROVIDER, code, message: 'per-number sending limit', retryAfterMs: waitMs(now), scope: 'message' });
const appQuota: Mapper = (code, now) =>
  rateLimited({ provider: PROVIDER, code, message: 'application daily quota reached', retryAfterMs: msUntilNextChinaDay(now) });

/** SendSms codes (SMS "error codes", API 3.0) and the common API 3.0 codes. */
const CODES = codeTable<Mapper>({
  'LimitExceeded.PhoneNumberThirtySecondLimit': perNumber(() => 30_000),
  'LimitExceeded.DeliveryFrequencyLimit': perNumber(() => 30_000),
  'LimitExceeded.PhoneNumberOneHourLimit': perNumber(() => 3_600_000),
  'LimitExceeded.PhoneNumberDailyLimit': perNumber(msUntilNextChinaDay),
  'LimitExceeded.PhoneNumberSameContentDailyLimit': perNumber(msUntilNextChinaDay),
  'LimitExceeded.AppDailyLimit': appQuota,
  'LimitExceeded.DailyLimit': appQuota,
  'LimitExceeded.AppCountryOrRegionDailyLimit': appQuota,
  'LimitExceeded.AppGlobalDailyLimit': appQuota,
  'LimitExceeded.AppMainlandChinaDailyLimit': appQuota,
  'LimitExceeded.AppCountryOrRegionInBlacklist': badSetup,
  'LimitExceeded.PhoneNumberCountLimit': badNumber,
  RequestLimitExceeded: apiThrottle,
  'InvalidParameterValue.IncorrectPhoneNumber': badNumber,
  'FailedOperation.PhoneNumberParseFail': badNumber,
  'FailedOperation.PhoneNumberInBlacklist': badNumber,
  'MissingParameter.EmptyPhoneNumberSet': badNumber,
  'FailedOperation.ContainSensitiveWord': badContent,
  'InvalidParameter.DirtyWordFound': badContent,
  'InvalidParameterValue.ContentLengthLimit': badContent,
  'InvalidParameterValue.TemplateParameterFormatError': badContent,
  'InvalidParameterValue.TemplateParameterLengthLimit': badContent,
  'InvalidParameterValue.ProhibitedUseUrlInTemplateParameter': badContent,
  'FailedOperation.OtherError': badContent,
  'FailedOperation.ParametersOtherError': badContent,
  'FailedOperation.InsufficientBalanceInSmsPackage': badSetup,
  'FailedOperation.SignatureIncorrectOrUnapproved': badSetup,
  'FailedOperation.TemplateIncorrectOrUnapproved': badSetup,
  'FailedOperation.TemplateUnapprovedOrNotExist': badSetup,
  'FailedOperation.TemplateIdNotExist': badSetup,
  'FailedOperation.TemplateParamSetNotMatchApprovedTemplate': badSetup,
  'FailedOperation.MissingSignatureList': badSetup,
  'FailedOperation.MissingTemplateList': badSetup,
  'FailedOperation.MarketingSendTimeConstraint': badSetup,
  'FailedOperation.FailResolvePacket': badSetup,
  'FailedOperation.JsonParseFail': badSetup,
  'InvalidParameterValue.SdkAppIdNotExist': badSetup,
  'InvalidParameterValue.SignNameLengthTooLong': badSetup,
  'InvalidParameter.AppidAndBizId': badSetup,
  'UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone': badSetup,
  'UnsupportedOperation.GlobalTemplateToChineseMainlandPhone': badSetup,
  'UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber': badSetup,
  'UnsupportedOperation.UnsuportedRegion': badSetup,
  'InternalError.RequestTimeException': badSetup,
  'InternalError.SigVerificationFail': badSetup,
  'InternalError.SigFieldMissing': badSetup,
  'InternalError.RestApiInterfaceNotExist': badSetup,
  'InternalError.JsonParseFail': badSetup,
  // Our clock is more than five minutes off: the next attempt would be signed with it too.
  'AuthFailure.SignatureExpire': badSetup,
  ActionOffline: badSetup,
  InvalidAction: badSetup,
  NoSuchProduct: badSetup,
  NoSuchVersion: badSetup,
  UnsupportedRegion: badSetup,
  UnsupportedProtocol: badSetup,
  UnknownParameter: badSetup,
  InvalidRequest: badSetup,
  DryRunOperation: badSetup,
  ResourceNotFound: badSetup,
  IpInBlacklist: credentials,
  IpNotInWhitelist: credentials,
  RequestSizeLimitExceeded: badContent,
  InternalError: unavailable,
  ServiceUnavailable: unavailable,
  ResourceUnavailable: unavailable,
  ResourceInsufficient: unavailable,
  ResourceInUse: unavailable,
  ResponseSizeLimitExceeded: unavailable,
});

/** Families for codes not listed (Tencent adds sub-codes over time). */
const FAMILIES: ReadonlyArray<readonly [string, Mapper]> = [
  ['AuthFailure', credentials],
  ['UnauthorizedOperation', credentials],
  ['RequestLimitExceeded', apiThrottle],
  ['LimitExceeded', appQuota],
  ['InternalError', unavailable],
  ['UnsupportedOperation', badSetup],
];

/** Maps an API or per-number `Code` (anything but `Ok`) to a delivery error. */
export const classifyTencentCode = (code: string, now = Date.now()): DeliveryError => {
  const exact = CODES.get(code);
  if (exact) return exact(code, now);
  const family = FAMILIES.find(([name]) => code === name || code.startsWith(`${name}.`));
  return (family?.[1] ?? badContent)(code, now);
};

/** A non-2xx answer: its `Response.Error` code when it has one, else the HTTP status. */
export const classifyTencentError = (res: Pick<HttpResponse, 'status' | 'headers' | 'body'>, now = Date.now()): DeliveryError => {
  const code = parseJsonAs(tencentErrorSchema, res.body)?.Response.Error.Code;
  return code === undefined ? classifyHttpStatus({ provider: PROVIDER, status: res.status, headers: res.headers }) : classifyTencentCode(code, now);
};

/**
 * A SendSms reply. API errors come with HTTP 200 and `Response.Error`; a refused number as
 * `SendStatusSet[0].Code` other than `Ok`; `Ok` with its `SerialNo` is sent; any other 2xx is
 * unexpected.
 */
export const readTencentReply = (res: HttpResponse, now = Date.now()): SendResult => {
  if (!isSuccessStatus(res.status)) throw classifyTencentError(res, now);
  return acceptReply(res, sendSmsAnswerSchema, (answer) => {
    if ('refused' in answer) throw classifyTencentCode(answer.refused, now);
    return { providerMessageId: answer.serialNo };
  });
};
