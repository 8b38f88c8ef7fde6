import type { DeliveryError } from '../../errors/delivery-error.js';
import { classifyFailure, type HttpFailure } from '../http/classify.js';
import { codeTable, connector } from '../http/rules.js';

/**
 * A non-2xx reply of the messages API (Mailgun has no error codes, only statuses and a human
 * `message`, which is never copied): 400 and 413 are this message (bad address, missing part, too
 * large); 401/403 bad key or sandbox/unauthorized sender, 402 request failed (account or billing),
 * 404 unknown domain or wrong region are the connector's; 429 rate-limited (`Retry-After`); 5xx
 * retryable. Statuses not listed follow `classifyHttpStatus`.
 */
const MAILGUN_STATUS_RULES = codeTable({
  http_402: connector('request failed (account)'),
  http_404: connector('domain not found (check domain and region endpoint)'),
});

export const classifyMailgunError = ({ status, headers }: HttpFailure): DeliveryError =>
  classifyFailure(MAILGUN_STATUS_RULES, { provider: 'mailgun', status, headers, code: `http_${status}` });
