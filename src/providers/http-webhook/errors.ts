import { DeliveryError, permanent } from '../../errors/delivery-error.js';
import { classifyHttpStatus } from '../http/classify-status.js';

/**
 * Any non-2xx answer from the endpoint: 410 Gone means the endpoint was retired (permanent, about
 * the connector); the rest follows the default mapping (429/5xx retried with `Retry-After`,
 * 401/403 credentials, other 4xx rejected message).
 */
export const classifyWebhookStatus = (
  provider: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
): DeliveryError =>
  status === 410
    ? permanent({ provider, code: 'http_410', message: 'endpoint is gone (HTTP 410)', scope: 'connector' })
    : classifyHttpStatus({ provider, status, headers });
