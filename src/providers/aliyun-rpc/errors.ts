import { z } from 'zod';
import { parseJsonAs } from '../http/json.js';
import { codeTable, connector, families, firstOf, message, NO_WAIT, retry, throttled } from '../http/rules.js';

/** Body of every RPC gateway error (and of product errors with a non-2xx status). */
const aliyunErrorBodySchema = z.object({
  Code: z.string(),
  Message: z.string().optional(),
  RequestId: z.string().optional(),
  HostId: z.string().optional(),
  Recommend: z.string().optional(),
});

/** The vendor code of an error body, if the body is one. Never returns the message text. */
export const aliyunErrorCode = (body: string): string | undefined => parseJsonAs(aliyunErrorBodySchema, body)?.Code;

const credentials = connector('provider rejected credentials or permissions');
const badRequest = connector('provider rejected the request format');
/** API QPS throttles are per second: a short wait is enough. */
const throttle = throttled('rate limited by provider', 1_000);
/** Aliyun sends no `Retry-After`: the worker's backoff decides. */
const unavailable = retry('provider temporarily unavailable', NO_WAIT);

/**
 * Aliyun's common (gateway) error codes, shared by every RPC product: authentication and
 * signing, clock, throttling and server errors. Product codes are mapped by each provider.
 */
const COMMON = codeTable({
  SignatureDoesNotMatch: credentials,
  IncompleteSignature: credentials,
  'InvalidAccessKeyId.NotFound': credentials,
  'InvalidAccessKeyId.Inactive': credentials,
  InvalidAccessKeyId: credentials,
  Forbidden: credentials,
  'Forbidden.RAM': credentials,
  'Forbidden.AccessKeyDisabled': credentials,
  'Forbidden.RiskControl': credentials,
  'Forbidden.UserVerification': credentials,
  NoPermission: credentials,
  'InvalidSecurityToken.Expired': credentials,
  'InvalidSecurityToken.Malformed': credentials,
  'InvalidSecurityToken.MismatchWithAccessKey': credentials,
  // Our clock is off by more than the gateway allows: retrying with the same clock will not help.
  'InvalidTimeStamp.Expired': connector('request timestamp rejected (check the host clock)'),
  'InvalidTimeStamp.Format': badRequest,
  MissingParameter: badRequest,
  InvalidVersion: badRequest,
  'InvalidAction.NotFound': badRequest,
  'InvalidApi.NotFound': badRequest,
  UnsupportedHTTPMethod: badRequest,
  'InvalidProtocol.NeedSsl': badRequest,
  InvalidParameter: message('provider rejected a parameter'),
  // A new nonce is drawn for every attempt, so the next one will pass.
  SignatureNonceUsed: unavailable,
  Throttling: throttle,
  'Throttling.User': throttle,
  'Throttling.Api': throttle,
  'Throttling.AntiBrush': throttle,
  'ServiceUnavailable.Throttling': throttle,
  InternalError: unavailable,
  ServiceUnavailable: unavailable,
  ServiceTimeout: unavailable,
});

/**
 * The common Aliyun gateway codes, exact or by family; a product's own codes (`isv.*`, …) are not
 * here: each provider's table comes first.
 */
export const ALIYUN_COMMON_RULES = firstOf(
  COMMON,
  families([
    ['InvalidAccessKeyId.', credentials],
    ['InvalidSecurityToken.', credentials],
    ['Forbidden.', credentials],
    ['Throttling.', throttle],
  ]),
);
