import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * Paths that may hold secrets or OTP codes: removed from every log line. Call sites log masked
 * recipients (`recipient`) and never the payload, but redaction is the safety net. Paths are
 * explicit: wildcard paths make pino run every field of every line through the redactor, which
 * cost a third of the worker's throughput in the benchmark.
 */
export const REDACT_PATHS = [
  'to',
  'code',
  'payload',
  'password',
  'pass',
  'secret',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'message.to',
  'message.payload',
  'body.to',
  'body.payload',
  'config.auth',
  'config.authToken',
  'config.apiKey',
  'config.apiSecret',
  'config.accessKeySecret',
  'config.serverToken',
  'config.signingSecret',
];

/** What `traceMixin` returns outside a trace: recognised by `mergeTrace`, which then copies nothing. */
const NO_TRACE = Object.freeze({});

/**
 * SPEC §13: a line logged inside a traced span carries its `trace_id`. Outside one (and always
 * when tracing is off: the API's no-op context has no span) the line is left as it is.
 */
const traceMixin = (): object => {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { trace_id: span.traceId } : NO_TRACE;
};

/** pino's default merge (`Object.assign(mixin, line)`), skipped for NO_TRACE: no copy per line. */
const mergeTrace = (line: object, mixin: object): object => (mixin === NO_TRACE ? line : Object.assign(mixin, line));

export const createLogger = (level: string, destination?: pino.DestinationStream, options: LoggerOptions = {}): Logger =>
  pino(
    {
      level,
      base: { service: 'otp-courier' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceMixin,
      mixinMergeStrategy: mergeTrace,
      ...options,
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );

/** `ana@example.com` → `a***@example.com`; `+821012345678` → `+82******5678`. */
export const maskRecipient = (to: string): string => {
  const at = to.lastIndexOf('@');
  if (at > 0) return `${to[0]}***${to.slice(at)}`;
  if (to.length <= 6) return '***';
  return `${to.slice(0, 3)}${'*'.repeat(Math.max(3, to.length - 7))}${to.slice(-4)}`;
};
