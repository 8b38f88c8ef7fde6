import { randomUUID } from 'node:crypto';
import { createHttpClient, type HttpResponse } from '../http/client.js';
import { canonicalQuery, percentEncode, signCanonical } from './signature.js';

export type SignedFormInput = {
  action: string;
  version: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** The operation's own parameters (`AccountName`, `PhoneNumbers`, …). */
  params: Readonly<Record<string, string>>;
  timestamp: Date;
  nonce: string;
};

/** `2024-05-01T08:00:00Z`: ISO 8601 in UTC without milliseconds, as the RPC gateway wants. */
export const formatTimestamp = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The common RPC parameters plus the operation's, unsigned. */
const unsignedParams = (input: SignedFormInput): Record<string, string> => ({
  ...input.params,
  Action: input.action,
  Version: input.version,
  Format: 'JSON',
  AccessKeyId: input.accessKeyId,
  SignatureMethod: 'HMAC-SHA1',
  SignatureVersion: '1.0',
  SignatureNonce: input.nonce,
  Timestamp: formatTimestamp(input.timestamp),
});

/** The common RPC parameters plus the operation's, with `Signature` (signed for POST). */
export const signedParams = (input: SignedFormInput): Record<string, string> => {
  const params = unsignedParams(input);
  return { ...params, Signature: signCanonical('POST', canonicalQuery(params), input.accessKeySecret) };
};

/**
 * The `application/x-www-form-urlencoded` body: every parameter, Signature included, Aliyun-encoded.
 * The canonical query is built once: it is both what is signed and the body before `Signature`.
 */
export const signedFormBody = (input: SignedFormInput): string => {
  const query = canonicalQuery(unsignedParams(input));
  return `${query}&Signature=${percentEncode(signCanonical('POST', query, input.accessKeySecret))}`;
};

export type AliyunRpcClientOptions = {
  /** Service base URL (`https://dm.aliyuncs.com`); requests go to its path + `/`. */
  baseUrl: string;
  provider: string;
  timeoutMs?: number | undefined;
  accessKeyId: string;
  accessKeySecret: string;
  /** API version of the product (`2015-11-23` Direct Mail, `2017-05-25` SMS). */
  version: string;
  /** @default () => new Date() */
  now?: () => Date;
  /** A fresh `SignatureNonce` per request. @default randomUUID */
  nonce?: () => string;
};

export type AliyunRpcClient = {
  call(action: string, params: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<HttpResponse>;
  close(): Promise<void>;
};

/** One pooled client per connector: signs each call (v1.0, HMAC-SHA1) and POSTs it as a form. */
export const createAliyunRpcClient = (options: AliyunRpcClientOptions): AliyunRpcClient => {
  const { now = () => new Date(), nonce = randomUUID } = options;
  const http = createHttpClient({ baseUrl: options.baseUrl, provider: options.provider, timeoutMs: options.timeoutMs });
  return {
    call: (action, params, signal) =>
      http.request({
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: signedFormBody({ ...options, action, params, timestamp: now(), nonce: nonce() }),
        signal,
      }),
    close: () => http.close(),
  };
};
