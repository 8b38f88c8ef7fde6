import { createHash, createHmac } from 'node:crypto';

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

export type Tc3Input = {
  secretId: string;
  secretKey: string;
  /** Product name in the credential scope (`sms`, `cvm`). */
  service: string;
  /** The `Host` header sent, e.g. `sms.tencentcloudapi.com`. */
  host: string;
  /** The `Content-Type` header sent, byte for byte. */
  contentType: string;
  /** The exact request body. */
  payload: string;
  /** `X-TC-Timestamp`: Unix seconds. */
  timestamp: number;
};

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** The UTC date of the timestamp (`2019-02-25`): the scope date, never the local one. */
export const tc3Date = (timestamp: number): string => new Date(timestamp * 1000).toISOString().slice(0, 10);

/** POST, `/`, empty query, headers `content-type` and `host` (lower-cased, trimmed), SHA-256 of the body. */
export const canonicalRequest = ({ host, contentType, payload }: Pick<Tc3Input, 'host' | 'contentType' | 'payload'>): string =>
  [
    'POST',
    '/',
    '',
    `content-type:${contentType.trim().toLowerCase()}\nhost:${host.trim().toLowerCase()}\n`,
    'content-type;host',
    sha256Hex(payload),
  ].join('\n');

export const credentialScope = (timestamp: number, service: string): string => `${tc3Date(timestamp)}/${service}/tc3_request`;

/** `TC3-HMAC-SHA256\n<timestamp>\n<date>/<service>/tc3_request\n<SHA-256 of the canonical request>`. */
export const stringToSign = (input: Omit<Tc3Input, 'secretId' | 'secretKey'>): string =>
  [TC3_ALGORITHM, String(input.timestamp), credentialScope(input.timestamp, input.service), sha256Hex(canonicalRequest(input))].join('\n');

/** Hex HMAC-SHA256 of the string to sign, keyed by `TC3<secret>` → date → service → `tc3_request`. */
export const tc3Signature = (input: Tc3Input): string => {
  const secretDate = hmac(`TC3${input.secretKey}`, tc3Date(input.timestamp));
  const secretService = hmac(secretDate, input.service);
  const secretSigning = hmac(secretService, 'tc3_request');
  return createHmac('sha256', secretSigning).update(stringToSign(input), 'utf8').digest('hex');
};

/** The `Authorization` header value. */
export const tc3Authorization = (input: Tc3Input): string =>
  `${TC3_ALGORITHM} Credential=${input.secretId}/${credentialScope(input.timestamp, input.service)}, ` +
  `SignedHeaders=content-type;host, Signature=${tc3Signature(input)}`;
