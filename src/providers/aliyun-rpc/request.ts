import { randomUUID } from 'node:crypto';
import type { VendorRequest } from '../http/provider.js';
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
export const commonParams = (input: SignedFormInput): Record<string, string> => ({
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

/**
 * The `application/x-www-form-urlencoded` body: every parameter, Signature included, Aliyun-encoded.
 * The canonical query is built once: it is both what is signed and the body before `Signature`.
 */
export const signedFormBody = (input: SignedFormInput): string => {
  const query = canonicalQuery(commonParams(input));
  return `${query}&Signature=${percentEncode(signCanonical('POST', query, input.accessKeySecret))}`;
};

export type AliyunRpcOptions = {
  accessKeyId: string;
  accessKeySecret: string;
  /** API version of the product (`2015-11-23` Direct Mail, `2017-05-25` SMS). */
  version: string;
  /** @default () => new Date() */
  now?: () => Date;
  /** A fresh `SignatureNonce` per request. @default randomUUID */
  nonce?: () => string;
};

const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };

/**
 * A connector's RPC calls (signature v1.0, HMAC-SHA1): each `POST /` (on the connector's base
 * URL) carries a signed form with a fresh timestamp and nonce.
 */
export const aliyunRpcRequests = (options: AliyunRpcOptions): ((action: string, params: Readonly<Record<string, string>>) => VendorRequest) => {
  const { now = () => new Date(), nonce = randomUUID } = options;
  return (action, params) => ({ path: '/', headers: FORM_HEADERS, body: signedFormBody({ ...options, action, params, timestamp: now(), nonce: nonce() }) });
};
