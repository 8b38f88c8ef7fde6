import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { isDeliveryError } from '../errors/delivery-error.js';

/** The API's tracer: a no-op until a process's `main` starts the SDK (`startTracing`). */
const tracer = trace.getTracer('otp-courier');

/** Where one provider call goes. Never the recipient, the code or the payload. */
export type AttemptFacts = { provider: string; connector: string; channel: string; attempt: number };

/** The HTTP status a DeliveryError names, in its code (`http_503`) or its fixed message (`… (HTTP 503)`). */
const httpStatusOf = (code: string, message: string): number | undefined => {
  const status = /^http_(\d{3})$/.exec(code)?.[1] ?? /\(HTTP (\d{3})\)/.exec(message)?.[1];
  return status === undefined ? undefined : Number(status);
};

/**
 * A failed call's attributes: the DeliveryError's kind, scope, vendor code and HTTP status. An error
 * that is not one (a bug) gives only its name: its message may hold anything.
 */
const failureAttributes = (error: unknown): Attributes => {
  if (!isDeliveryError(error)) return { 'otp.outcome': 'error', 'error.type': error instanceof Error ? error.name : typeof error };
  const status = httpStatusOf(error.code, error.message);
  return { 'otp.outcome': error.kind, 'otp.error.scope': error.scope, 'otp.provider_code': error.code, 'error.type': error.code, ...(status !== undefined && { 'http.response.status_code': status }) };
};

/**
 * Runs one provider call inside a client span `send <provider>` (SPEC §13: one per attempt), and
 * records how it ended. With tracing off the tracer is the API's no-op one: no span is recorded.
 */
export const inProviderSpan = <T>(facts: AttemptFacts, call: () => Promise<T>): Promise<T> =>
  tracer.startActiveSpan(
    `send ${facts.provider}`,
    { kind: SpanKind.CLIENT, attributes: { 'otp.provider': facts.provider, 'otp.connector': facts.connector, 'otp.channel': facts.channel, 'otp.attempt': facts.attempt } },
    async (span) => {
      try {
        const result = await call();
        span.setAttribute('otp.outcome', 'delivered');
        return result;
      } catch (error) {
        if (span.isRecording()) span.setAttributes(failureAttributes(error)).setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
