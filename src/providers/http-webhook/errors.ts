import type { DeliveryError } from '../../errors/delivery-error.js';
import { classifyFailure, type HttpFailure } from '../http/classify.js';
import { codeTable, connector } from '../http/rules.js';

/** 410 Gone means the endpoint was retired: permanent, about the connector. */
const WEBHOOK_STATUS_RULES = codeTable({ http_410: connector('endpoint is gone (HTTP 410)') });

/**
 * Any non-2xx answer from the endpoint: 410 as above; the rest follows the default mapping
 * (429/5xx retried with `Retry-After`, 401/403 credentials, other 4xx rejected message).
 */
export const classifyWebhookStatus = (provider: string, { status, headers }: HttpFailure): DeliveryError =>
  classifyFailure(WEBHOOK_STATUS_RULES, { provider, status, headers, code: `http_${status}` });
