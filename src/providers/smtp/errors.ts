import { DeliveryError } from '../../errors/delivery-error.js';

const PROVIDER = 'smtp';

/** nodemailer error codes that mean the connection, not the message, failed: retry. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETLS', 'EPROTOCOL']);

/** SMTP replies about the mailbox or message (RFC 5321 / RFC 3463): permanent, not the server's fault. */
const RECIPIENT_REPLIES = new Set([550, 551, 553, 554, 552, 555]);

/**
 * Maps a nodemailer error: 4xx replies and connection errors are retryable (421/450/451/452 are
 * the server asking to come back later), 535/534/530 and EAUTH are bad credentials (permanent,
 * connector), other 5xx replies are permanent for the message.
 */
export const classifySmtpError = (error: unknown): DeliveryError => {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  const reply = typeof responseCode === 'number' ? responseCode : undefined;
  const errCode = typeof code === 'string' ? code : undefined;
  const vendorCode = reply !== undefined ? String(reply) : (errCode ?? 'unknown');
  if (errCode === 'EAUTH' || errCode === 'ENOAUTH' || errCode === 'EOAUTH2' || reply === 535 || reply === 534 || reply === 530) {
    return new DeliveryError({ kind: 'permanent', provider: PROVIDER, code: vendorCode, message: 'SMTP authentication failed', scope: 'connector', cause: error });
  }
  if (reply !== undefined && reply >= 400 && reply < 500) {
    return new DeliveryError({ kind: 'retryable', provider: PROVIDER, code: vendorCode, message: 'SMTP server deferred the message', cause: error });
  }
  if (reply !== undefined && RECIPIENT_REPLIES.has(reply)) {
    return new DeliveryError({ kind: 'permanent', provider: PROVIDER, code: vendorCode, message: 'SMTP server rejected the message or recipient', cause: error });
  }
  if (reply !== undefined && reply >= 500) {
    return new DeliveryError({ kind: 'permanent', provider: PROVIDER, code: vendorCode, message: 'SMTP server refused the command', scope: 'connector', cause: error });
  }
  if (errCode === 'EENVELOPE' || errCode === 'EMESSAGE') {
    return new DeliveryError({ kind: 'permanent', provider: PROVIDER, code: errCode, message: 'message or envelope rejected', cause: error });
  }
  if (errCode !== undefined && (TRANSIENT_CODES.has(errCode) || errCode.startsWith('E'))) {
    return new DeliveryError({ kind: 'retryable', provider: PROVIDER, code: errCode, message: 'SMTP connection failed', cause: error });
  }
  return new DeliveryError({ kind: 'retryable', provider: PROVIDER, code: vendorCode, message: 'SMTP send failed', cause: error });
};

/**
 * How the send ended, as far as our signals know: `timedOut` is the connector's own `timeoutMs`,
 * `aborted` the worker's signal (message deadline, shutdown). Either wins over the error nodemailer
 * reports (its EABORT, or whatever the torn-down connection produced), as in the HTTP client.
 */
export type SendEnd = { timedOut: boolean; aborted: boolean };

/** A failed send: our timeout → `timeout`, the worker's abort → `aborted` (both retryable), else by the SMTP error. */
export const classifySmtpFailure = (error: unknown, { timedOut, aborted }: SendEnd): DeliveryError => {
  if (timedOut) return new DeliveryError({ kind: 'retryable', provider: PROVIDER, code: 'timeout', message: 'SMTP send timed out', cause: error });
  if (aborted || (error as { code?: unknown } | null)?.code === 'EABORT') {
    return new DeliveryError({ kind: 'retryable', provider: PROVIDER, code: 'aborted', message: 'send aborted', cause: error });
  }
  return classifySmtpError(error);
};
