import { z } from 'zod';
import type { DeliveryError } from '../../errors/delivery-error.js';
import { classifyFailure, type HttpFailure } from '../http/classify.js';
import { parseJsonAs } from '../http/json.js';
import { codeTable, connector, families, firstOf, message, NO_WAIT, otherwise, retry, throttled, type Wait } from '../http/rules.js';
import { msUntilNextChinaDay } from '../shared/china-time.js';

const PROVIDER = 'tencent-sms';

/** A TencentCloud API 3.0 error answer (`Response.Error`), whatever the status. */
export const tencentErrorSchema = z.object({ Response: z.object({ Error: z.object({ Code: z.string() }) }) });

const credentials = connector('provider rejected credentials or permissions');
const badSetup = connector('signature, template, app or account setup rejected');
const badNumber = message('recipient number rejected');
const badContent = message('template variables or content rejected');
/** Tencent sends no `Retry-After`: the worker's backoff decides. */
const unavailable = retry('provider temporarily unavailable', NO_WAIT);
const apiThrottle = throttled('rate limited by provider', 1_000);
const untilNextChinaDay: Wait = ({ now }) => msUntilNextChinaDay(now);
const perNumber = (wait: Wait) => throttled('per-number sending limit', wait, 'message');
const appQuota = throttled('application daily quota reached', untilNextChinaDay);

/** SendSms codes (SMS "error codes", API 3.0) and the common API 3.0 codes. */
const CODES = codeTable({
  'LimitExceeded.PhoneNumberThirtySecondLimit': perNumber(30_000),
  'LimitExceeded.DeliveryFrequencyLimit': perNumber(30_000),
  'LimitExceeded.PhoneNumberOneHourLimit': perNumber(3_600_000),
  'LimitExceeded.PhoneNumberDailyLimit': perNumber(untilNextChinaDay),
  'LimitExceeded.PhoneNumberSameContentDailyLimit': perNumber(untilNextChinaDay),
  'LimitExceeded.AppDailyLimit': appQuota,
  'LimitExceeded.DailyLimit': appQuota,
  'LimitExceeded.AppCountryOrRegionDailyLimit': appQuota,
  'LimitExceeded.AppGlobalDailyLimit': appQuota,
  'LimitExceeded.AppMainlandChinaDailyLimit': appQuota,
  'LimitExceeded.AppCountryOrRegionInBlacklist': badSetup,
  'LimitExceeded.PhoneNumberCountLimit': badNumber,
  RequestLimitExceeded: apiThrottle,
  LimitExceeded: appQuota,
  AuthFailure: credentials,
  UnauthorizedOperation: credentials,
  UnsupportedOperation: badSetup,
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

/** Codes not listed by family (Tencent adds sub-codes over time); anything else is about the message. */
const TENCENT_RULES = firstOf(
  CODES,
  families([
    ['AuthFailure.', credentials],
    ['UnauthorizedOperation.', credentials],
    ['RequestLimitExceeded.', apiThrottle],
    ['LimitExceeded.', appQuota],
    ['InternalError.', unavailable],
    ['UnsupportedOperation.', badSetup],
  ]),
  otherwise(badContent),
);

/** Maps an API or per-number `Code` (anything but `Ok`) to a delivery error. */
export const classifyTencentCode = (code: string, now = Date.now()): DeliveryError =>
  classifyFailure(TENCENT_RULES, { provider: PROVIDER, status: 200, code }, now);

/** A non-2xx answer: its `Response.Error` code when it has one, else the HTTP status. */
export const classifyTencentError = ({ status, headers, body }: HttpFailure, now = Date.now()): DeliveryError =>
  classifyFailure(TENCENT_RULES, { provider: PROVIDER, status, headers, code: parseJsonAs(tencentErrorSchema, body)?.Response.Error.Code }, now);
