import { DeliveryError } from '../../errors/delivery-error.js';
import { parseRetryAfterMs } from './retry-after.js';

export type StatusContext = {
  provider: string;
  status: number;
  headers?: Record<string, string | string[] | undefined>;
  /** The vendor's own error code, when the body has one; defaults to `http_<status>`. */
  code?: string;
};

/**
 * The default mapping of an HTTP failure status:
 * 429 → rate-limited (honouring `Retry-After`); 408, 425, 5xx → retryable;
 * 401/403 → permanent, about the connector (credentials); other 4xx → permanent, about the message.
 */
export const classifyHttpStatus = ({ provider, status, headers, code }: StatusContext): DeliveryError => {
  const vendorCode = code ?? `http_${status}`;
  const retryAfterMs = parseRetryAfterMs(headers?.['retry-after']);
  if (status === 429) {
    return new DeliveryError({ kind: 'rate_limited', provider, code: vendorCode, message: 'rate limited by provider', retryAfterMs });
  }
  if (status === 408 || status === 425 || status >= 500) {
    return new DeliveryError({ kind: 'retryable', provider, code: vendorCode, message: `provider unavailable (HTTP ${status})`, retryAfterMs });
  }
  if (status === 401 || status === 403) {
    return new DeliveryError({ kind: 'permanent', provider, code: vendorCode, message: `provider rejected credentials (HTTP ${status})`, scope: 'connector' });
  }
  return new DeliveryError({ kind: 'permanent', provider, code: vendorCode, message: `provider rejected request (HTTP ${status})` });
};
