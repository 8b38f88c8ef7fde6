import { Pool, errors as undiciErrors } from 'undici';
import { createDeadline } from '../../abort/deadline.js';
import { declaredLength, readCappedBody } from './body-limit.js';
import { DEFAULT_TIMEOUT_MS } from '../shared/config-fields.js';
import { DeliveryError, isDeliveryError } from '../../errors/delivery-error.js';

export type HttpRequest = {
  method: 'GET' | 'POST' | 'PUT';
  /** Path and query, appended to the client's origin (`/v3/mail/send`). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
};

export type HttpResponse = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /**
   * Raw body text, at most `MAX_RESPONSE_BODY_BYTES`; `''` when `bodyIncomplete`. Never copy it
   * into errors or logs: it may hold the recipient.
   */
  body: string;
  /**
   * The status arrived but the body was not read whole: over the cap, or it broke off (timeout,
   * abort, reset). A 2xx is then an unexpected answer (`acceptReply`); any other status is
   * classified by the status alone.
   */
  bodyIncomplete?: true;
};

export type HttpClientOptions = {
  /** Base URL; its path (if any) is prefixed to every request path. */
  baseUrl: string;
  provider: string;
  /** Whole-request timeout (a connector's `timeoutMs`). @default DEFAULT_TIMEOUT_MS (10000) */
  timeoutMs?: number | undefined;
  /** Keep-alive connections to the vendor (opened lazily, up to this many). @default 64 */
  connections?: number;
};

export type HttpClient = {
  request(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
};

/**
 * One keep-alive connection pool per connector (undici `Pool`), never one per message.
 * Network failures and timeouts before the status arrives become retryable `DeliveryError`s; HTTP
 * statuses are returned for the provider to classify with its vendor's error codes. `timeoutMs`
 * (and the caller's signal) bound the whole exchange, body included; the body is read up to
 * `MAX_RESPONSE_BODY_BYTES` and no further.
 */
export const createHttpClient = ({ baseUrl, provider, timeoutMs = DEFAULT_TIMEOUT_MS, connections = 64 }: HttpClientOptions): HttpClient => {
  const url = new URL(baseUrl);
  const basePath = url.pathname.replace(/\/+$/, '');
  const pool = new Pool(url.origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: Math.min(timeoutMs, 10_000) },
  });

  const request = async ({ method, path, headers, body, signal }: HttpRequest): Promise<HttpResponse> => {
    const deadline = createDeadline(timeoutMs, signal);
    try {
      const res = await pool.request({ method, path: `${basePath}${path}`, headers, body, signal: deadline.signal });
      // Read under the same deadline: a body that stalls ends with it, one that floods is cut at the cap.
      const read = await readCappedBody(res.body, undefined, declaredLength(res.headers));
      return read.complete
        ? { status: res.statusCode, headers: res.headers, body: read.bytes.toString('utf8') }
        : { status: res.statusCode, headers: res.headers, body: '', bodyIncomplete: true };
    } catch (error) {
      throw toNetworkError(provider, error, deadline.timedOut(), signal?.aborted === true);
    } finally {
      deadline.dispose();
    }
  };

  return { request, close: () => pool.close() };
};

/**
 * For connectors whose endpoint is one full URL (Logto's `endpoint`): the pool goes on its
 * origin, and every request to its path and query.
 */
export const endpointParts = (endpoint: string): { origin: string; path: string } => {
  const url = new URL(endpoint);
  return { origin: url.origin, path: `${url.pathname}${url.search}` };
};

/**
 * `timedOut`: our own `timeoutMs` fired. `aborted`: the caller's signal fired (worker shutdown,
 * message deadline), which is retryable but no network failure.
 */
const toNetworkError = (provider: string, error: unknown, timedOut: boolean, aborted: boolean): DeliveryError => {
  if (isDeliveryError(error)) return error;
  if (timedOut || error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError || error instanceof undiciErrors.ConnectTimeoutError) {
    return new DeliveryError({ kind: 'retryable', provider, code: 'timeout', message: 'request timed out', cause: error });
  }
  if (aborted) {
    return new DeliveryError({ kind: 'retryable', provider, code: 'aborted', message: 'send aborted', cause: error });
  }
  const code = (error as { code?: unknown }).code;
  return new DeliveryError({
    kind: 'retryable',
    provider,
    code: typeof code === 'string' ? code : 'network_error',
    message: 'network error',
    cause: error,
  });
};
