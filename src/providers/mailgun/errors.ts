import { DeliveryError } from '../../errors/delivery-error.js';
import { classifyHttpStatus } from '../http/classify-status.js';

const PROVIDER = 'mailgun';

export type MailgunFailure = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
};

/**
 * Maps a non-2xx reply of the messages API (Mailgun has no error codes, only statuses and a
 * human `message`, which is never copied): 400 and 413 are this message (bad address, missing
 * part, too large); 401/403 bad key or sandbox/unauthorized sender, 402 request failed (account
 * or billing), 404 unknown domain or wrong region are the connector's; 429 rate-limited
 * (`Retry-After`); 5xx retryable.
 */
export const classifyMailgunError = ({ status, headers }: MailgunFailure): DeliveryError => {
  if (status === 402) {
    return new DeliveryError({ kind: 'permanent', provider: PROVIDER, code: 'http_402', message: 'request failed (account)', scope: 'connector' });
  }
  if (status === 404) {
    return new DeliveryError({ kind: 'permanent', provider: PROVIDER, code: 'http_404', message: 'domain not found (check domain and region endpoint)', scope: 'connector' });
  }
  return classifyHttpStatus({ provider: PROVIDER, status, headers });
};
