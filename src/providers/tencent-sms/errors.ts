import { z } from 'zod';
import { DeliveryError, permanent, rateLimited, retryable } from '../../errors/delivery-error.js';
import { classifyHttpStatus } from '../http/classify-status.js';
import type { HttpResponse } from '../http/client.js';
import { parseJsonAs } from '../http/json.js';
import { msUntilNextChinaDay } from '../shared/china-time.js';

const PROVIDER = 'tencent-sms';

/** TencentCloud API 3.0 answers: `Response.Error` on failure, `Response.SendStatusSet` on success. */
export const tencentResponseSchema = z.object({
  Response: z.object({
    Error: z.object({ Code: z.string(), Message: z.string().optional() }).optional(),
    SendStatusSet: z.array(z.object({ Code: z.string(), SerialNo: z.string().optional(), Message: z.string().optional() })).optional(),
    RequestId: z.string().optional(),
  }),
});
export type TencentResponse = z.infer<typeof tencentResponseSchema>;


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
const CODES: Readonly<Record<string, Mapper>> = {
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
};

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
  const exact = CODES[code];
  if (exact) return exact(code, now);
  const family = FAMILIES.find(([name]) => code === name || code.startsWith(`${name}.`));
  return (family?.[1] ?? badContent)(code, now);
};

export const parseTencentResponse = (text: string): TencentResponse | undefined => parseJsonAs(tencentResponseSchema, text);

/**
 * Classifies a SendSms response; undefined means accepted. API errors come with HTTP 200 and
 * `Response.Error`; a refused number comes as `SendStatusSet[0].Code` other than `Ok`.
 */
export const classifySendSmsResponse = (
  res: Pick<HttpResponse, 'status' | 'headers' | 'body'>,
  now = Date.now(),
): DeliveryError | undefined => {
  const body = parseTencentResponse(res.body)?.Response;
  if (body?.Error) return classifyTencentCode(body.Error.Code, now);
  if (res.status < 200 || res.status >= 300) return classifyHttpStatus({ provider: PROVIDER, status: res.status, headers: res.headers });
  const status = body?.SendStatusSet?.[0];
  if (!status) return permanent({ provider: PROVIDER, code: 'invalid_response', message: 'unexpected success body', scope: 'connector' });
  return status.Code.toLowerCase() === 'ok' ? undefined : classifyTencentCode(status.Code, now);
};
