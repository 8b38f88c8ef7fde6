import { z } from 'zod';
import { DeliveryError, permanent, rateLimited, retryable } from '../../errors/delivery-error.js';
import { parseJsonAs } from '../http/json.js';
import { codeTable } from '../shared/code-table.js';

/** Body of every RPC gateway error (and of product errors with a non-2xx status). */
export const aliyunErrorBodySchema = z.object({
  Code: z.string(),
  Message: z.string().optional(),
  RequestId: z.string().optional(),
  HostId: z.string().optional(),
  Recommend: z.string().optional(),
});

/** The vendor code of an error body, if the body is one. Never returns the message text. */
export const aliyunErrorCode = (body: string): string | undefined => parseJsonAs(aliyunErrorBodySchema, body)?.Code;

/** API QPS throttles are per second: a short wait is enough. */
const THROTTLE_WAIT_MS = 1_000;

type Mapper = (provider: string, code: string) => DeliveryError;
const credentials: Mapper = (provider, code) =>
  permanent({ provider, code, message: 'provider rejected credentials or permissions', scope: 'connector' });
const badRequest: Mapper = (provider, code) =>
  permanent({ provider, code, message: 'provider rejected the request format', scope: 'connector' });
const throttled: Mapper = (provider, code) =>
  rateLimited({ provider, code, message: 'rate limited by provider', retryAfterMs: THROTTLE_WAIT_MS });
const unavailable: Mapper = (provider, code) => retryable({ provider, code, message: 'provider temporarily unavailable' });

/**
 * Aliyun's common (gateway) error codes, shared by every RPC product: authentication and
 * signing, clock, throttling and server errors. Product codes are mapped by each provider.
 */
const COMMON = codeTable<Mapper>({
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
  'InvalidTimeStamp.Expired': (provider, code) =>
    permanent({ provider, code, message: 'request timestamp rejected (check the host clock)', scope: 'connector' }),
  'InvalidTimeStamp.Format': badRequest,
  MissingParameter: badRequest,
  InvalidVersion: badRequest,
  'InvalidAction.NotFound': badRequest,
  'InvalidApi.NotFound': badRequest,
  UnsupportedHTTPMethod: badRequest,
  'InvalidProtocol.NeedSsl': badRequest,
  InvalidParameter: (provider, code) => permanent({ provider, code, message: 'provider rejected a parameter' }),
  // A new nonce is drawn for every attempt, so the next one will pass.
  SignatureNonceUsed: unavailable,
  Throttling: throttled,
  'Throttling.User': throttled,
  'Throttling.Api': throttled,
  'Throttling.AntiBrush': throttled,
  'ServiceUnavailable.Throttling': throttled,
  InternalError: unavailable,
  ServiceUnavailable: unavailable,
  ServiceTimeout: unavailable,
});

const PREFIXES: ReadonlyArray<readonly [string, Mapper]> = [
  ['InvalidAccessKeyId.', credentials],
  ['InvalidSecurityToken.', credentials],
  ['Forbidden.', credentials],
  ['Throttling.', throttled],
];

/** Maps a common Aliyun gateway error code; undefined when the code is not a common one. */
export const classifyAliyunCommonCode = (provider: string, code: string): DeliveryError | undefined => {
  const exact = COMMON.get(code);
  if (exact) return exact(provider, code);
  const byPrefix = PREFIXES.find(([prefix]) => code.startsWith(prefix));
  return byPrefix ? byPrefix[1](provider, code) : undefined;
};
