import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';
import { createHttpClient, type HttpClient } from '../http/client.js';
import { classifyTwilioError } from './errors.js';
import { basicAuth, parseJson } from '../http/json.js';

type RequestOptions = Parameters<twilio.RequestClient['request']>[0];
type SdkResponse<T> = Awaited<ReturnType<twilio.RequestClient['request']>> & { body: T };

export type TwilioTransportOptions = { baseUrl: string; timeoutMs: number };

export type TwilioTransport = {
  /** Given to the SDK as its `httpClient`. */
  readonly requestClient: twilio.RequestClient;
  /** Runs `fn` (an SDK call) with `signal` applied to the HTTP request it makes. */
  withSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

/**
 * The SDK's HTTP layer, replaced: the SDK still builds the request (path, form fields, auth,
 * user agent) and parses the Message, but it is sent through one undici keep-alive pool per
 * connector, never retried (retries are the worker's), with a timeout and the send's abort
 * signal, to `baseUrl` instead of `https://api.twilio.com` (only the SDK URL's path and query
 * are kept, so TWILIO_EDGE/TWILIO_REGION host rewriting has no effect either).
 * Non-2xx answers become `DeliveryError`s here, where the status, headers and body are known.
 */
export const createTwilioTransport = ({ baseUrl, timeoutMs }: TwilioTransportOptions): TwilioTransport => {
  const http = createHttpClient({ baseUrl, provider: 'twilio-sms', timeoutMs });
  const signals = new AsyncLocalStorage<AbortSignal>();
  const requestClient = new UndiciRequestClient(http, () => signals.getStore());
  return {
    requestClient,
    withSignal: (signal, fn) => signals.run(signal, fn),
    close: () => http.close(),
  };
};

class UndiciRequestClient extends twilio.RequestClient {
  readonly #http: HttpClient;
  readonly #signal: () => AbortSignal | undefined;

  constructor(http: HttpClient, signal: () => AbortSignal | undefined) {
    super({ autoRetry: false });
    this.#http = http;
    this.#signal = signal;
  }

  override async request<TData>(opts: RequestOptions & { data?: TData }): Promise<SdkResponse<TData>> {
    const signal = this.#signal();
    const res = await this.#http.request({
      method: toMethod(opts.method),
      path: toPath(opts.uri, opts.params),
      headers: toHeaders(opts),
      body: opts.data === undefined ? undefined : toForm(opts.data),
      ...(signal ? { signal } : {}),
    });
    if (res.status < 200 || res.status >= 300) throw classifyTwilioError(res);
    return { statusCode: res.status, headers: res.headers, body: parseBody(res.body) as TData };
  }
}

const toMethod = (method: string): 'GET' | 'POST' | 'PUT' => {
  const upper = method.toUpperCase();
  if (upper === 'GET' || upper === 'POST' || upper === 'PUT') return upper;
  throw new Error(`twilio-sms: unsupported method ${method}`);
};

const toPath = (uri: string, params: unknown): string => {
  const url = new URL(uri);
  for (const [key, value] of entries(params)) url.searchParams.append(key, value);
  return `${url.pathname}${url.search}`;
};

/** The SDK's headers (user agent, content type, accept) plus Basic auth; hop-by-hop ones are undici's. */
const toHeaders = (opts: RequestOptions): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(opts.headers ?? {})) {
    if (name.toLowerCase() !== 'connection') headers[name] = value;
  }
  if (opts.username !== undefined && opts.password !== undefined) {
    headers.Authorization = basicAuth(opts.username, opts.password);
  }
  return headers;
};

/** `application/x-www-form-urlencoded`, arrays as repeated keys (as the SDK's own client does). */
const toForm = (data: unknown): string => new URLSearchParams(entries(data)).toString();

const entries = (value: unknown): Array<[string, string]> => {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]): Array<[string, string]> =>
    v === undefined ? [] : Array.isArray(v) ? v.map((item): [string, string] => [key, String(item)]) : [[key, String(v)]],
  );
};

/**
 * The SDK types a response body as the request's data type; it is really the parsed JSON, which
 * the provider validates where it reads it. A 2xx body that is not JSON still means "accepted".
 */
const parseBody = (text: string): unknown => {
  const parsed = parseJson(text);
  return parsed === undefined ? {} : parsed;
};
