import { DeliveryError } from '../../errors/delivery-error.js';
import { classifyFailure } from '../http/classify.js';
import { codeTable, connector, message, retry, throttled } from '../http/rules.js';

const PROVIDER = 'aws-ses';

/**
 * SESv2 `SendEmail` errors (API reference, "Errors") and the AWS common errors, by the exception
 * name the SDK reads from `x-amzn-ErrorType` / `__type`.
 */
const SES_ERROR_RULES = codeTable({
  // SendEmail's documented errors.
  MessageRejected: message('message rejected'),
  BadRequestException: message('invalid request'),
  MailFromDomainNotVerifiedException: connector('MAIL FROM domain not verified'),
  AccountSuspendedException: connector('account suspended'),
  SendingPausedException: connector('sending paused for the account or configuration set'),
  NotFoundException: connector('configuration set or identity not found'),
  // "Maximum sending rate exceeded" is a 429 TooManyRequestsException; quotas use LimitExceeded.
  TooManyRequestsException: throttled('sending rate exceeded'),
  LimitExceededException: throttled('sending limit exceeded'),
  InternalServiceErrorException: retry('provider internal error'),
  // AWS common errors.
  ThrottlingException: throttled('request throttled'),
  Throttling: throttled('request throttled'),
  RequestLimitExceeded: throttled('request throttled'),
  InternalFailure: retry('provider internal error'),
  ServiceUnavailable: retry('provider unavailable'),
  ServiceUnavailableException: retry('provider unavailable'),
  // The signing clock is off; the SDK corrects its skew from the reply, so a retry can pass.
  RequestExpired: retry('request expired (clock skew)'),
  RequestTimeTooSkewed: retry('request expired (clock skew)'),
  AccessDeniedException: connector('access denied'),
  IncompleteSignature: connector('invalid request signature'),
  InvalidClientTokenId: connector('invalid access key id'),
  UnrecognizedClientException: connector('invalid access key id'),
  SignatureDoesNotMatch: connector('invalid secret access key'),
  MissingAuthenticationToken: connector('missing credentials'),
  NotAuthorized: connector('not authorized'),
  OptInRequired: connector('account not subscribed to SES'),
  ExpiredTokenException: connector('credentials expired'),
  ValidationError: message('invalid request'),
  ValidationException: message('invalid request'),
  InvalidParameterValue: message('invalid request'),
  InvalidParameterCombination: message('invalid request'),
  MissingParameter: message('invalid request'),
  MalformedQueryString: message('invalid request'),
});

/** Names the SDK gives when it could not read an error type from the reply. */
const GENERIC_NAMES = new Set(['Unknown', 'Error', 'SyntaxError', 'SESv2ServiceException']);

/** What the SDK throws: service exceptions carry `$metadata.httpStatusCode`; transport errors a `code`. */
export type SesFailure = {
  name: string;
  httpStatusCode?: number;
  /** Node's system error code (`ECONNREFUSED`), for transport failures. */
  systemCode?: string;
  /** Our deadline fired (timeoutMs). */
  timedOut: boolean;
  /** The worker's signal aborted the send (shutdown). */
  aborted: boolean;
};

/** The error type as a code: a name the SDK read from the reply, not one it made up. */
const errorType = (name: string): string | undefined => (/^[A-Za-z][\w.]*$/.test(name) && !GENERIC_NAMES.has(name) ? name : undefined);

/**
 * Maps an SESv2 failure to a `DeliveryError`: exception name first, then HTTP status, then transport.
 * `cause` is kept for transport failures only: service exceptions carry SES's message text, which
 * can name the recipient.
 */
export const classifySesError = (failure: SesFailure, cause?: unknown): DeliveryError => {
  const { name, httpStatusCode: status } = failure;
  if (failure.timedOut || name === 'TimeoutError') {
    return new DeliveryError({ kind: 'retryable', provider: PROVIDER, code: 'timeout', message: 'request timed out', cause });
  }
  if (failure.aborted) {
    return new DeliveryError({ kind: 'retryable', provider: PROVIDER, code: 'aborted', message: 'send aborted', cause });
  }
  // An unmodelled error type keeps its name; a body the SDK could not read (a proxy's HTML page) the status.
  const code = errorType(name);
  if ((code !== undefined && SES_ERROR_RULES.has(code)) || (status !== undefined && status >= 400)) {
    return classifyFailure(SES_ERROR_RULES, { provider: PROVIDER, status: status ?? 0, code });
  }
  return new DeliveryError({ kind: 'retryable', provider: PROVIDER, code: failure.systemCode ?? 'network_error', message: 'network error', cause });
};
