import type { DeliveryError } from '../../../src/errors/delivery-error.js';
import { ruleError } from '../../../src/providers/http/classify.js';
import { createHttpClient, type HttpResponse } from '../../../src/providers/http/client.js';
import { ALIYUN_COMMON_RULES } from '../../../src/providers/aliyun-rpc/errors.js';
import { aliyunRpcRequests, commonParams, type AliyunRpcOptions, type SignedFormInput } from '../../../src/providers/aliyun-rpc/request.js';
import { canonicalQuery, canonicalStringToSign, signCanonical } from '../../../src/providers/aliyun-rpc/signature.js';

/** `METHOD&%2F&<percent-encoded canonical query>` of a parameter set: what the stand-ins check against Aliyun's examples. */
export const stringToSign = (method: 'GET' | 'POST', params: Readonly<Record<string, string>>): string =>
  canonicalStringToSign(method, canonicalQuery(params));

/** Base64(HMAC-SHA1(key = `<secret>&`, StringToSign)) of a parameter set: verifies a stand-in's request. */
export const signRpc = (method: 'GET' | 'POST', params: Readonly<Record<string, string>>, accessKeySecret: string): string =>
  signCanonical(method, canonicalQuery(params), accessKeySecret);

/** The common RPC parameters plus the operation's, with `Signature` (signed for POST), as a form parser reads the body. */
export const signedParams = (input: SignedFormInput): Record<string, string> => {
  const params = commonParams(input);
  return { ...params, Signature: signRpc('POST', params, input.accessKeySecret) };
};

/** The providers' composition (one undici client, signed calls), for calling the RPC gateway directly. */
export const createAliyunRpcClient = (options: AliyunRpcOptions & { baseUrl: string; provider: string; timeoutMs?: number }) => {
  const http = createHttpClient(options);
  const rpc = aliyunRpcRequests(options);
  return {
    call: (action: string, params: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<HttpResponse> =>
      http.request({ method: 'POST', ...rpc(action, params), ...(signal ? { signal } : {}) }),
    close: () => http.close(),
  };
};

/** The error a common Aliyun gateway code means for `provider`; undefined for a product's own codes. */
export const classifyAliyunCommonCode = (provider: string, code: string): DeliveryError | undefined => {
  const rule = ALIYUN_COMMON_RULES.get(code);
  return rule === undefined ? undefined : ruleError(provider, code, rule, { now: Date.now(), text: '' });
};
