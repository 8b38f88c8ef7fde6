import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';
import { isSuccessStatus } from '../http/accept.js';
import { createHttpClient, type HttpClient, type HttpResponse } from '../http/client.js';
import { basicAuth, parseJson } from '../http/json.js';
import { classifyTwilioError } from './errors.js';

type RequestOptions = Parameters<twilio.RequestClient['request']>[0];
type SdkResponse<T> = Awaited<ReturnType<twilio.RequestClient['request']>> & { body: T };

export type TwilioTransportOptions = { baseUrl: string; timeoutMs: number };

/** What one send shares with the request client underneath the SDK. */
export type TwilioCall = {
  /** The worker's signal for this send, applied to the HTTP request the SDK makes. */
  signal: AbortSignal;
  /** Set by the request client: the reply, which the provider reads (the SDK's Message is not checked). */
  response?: HttpResponse;
};

export type TwilioTransport = {
  /** Given to the SDK as its `httpClient`. */
  readonly requestClient: twilio.RequestClient;
  /** Runs `fn` (an SDK call) with its per-send state. */
  run<T>(call: TwilioCall, fn: () => Promise<T>): Promise<T>;
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
  const calls = new AsyncLocalStorage<TwilioCall>();
  const requestClient = new UndiciRequestClient(http, () => calls.getStore());
  return {
    requestClient,
    run: (call, fn) => calls.run(call, fn),
    close: () => http.close(),
  };
};

class UndiciRequestClient extends twilio.RequestClient {
  readonly #http: HttpClient;
  readonly #call: () => TwilioCall | undefined;

  constructor(http: HttpClient, call: () => TwilioCall | undefined) {
    super({ autoRetry: false });
    this.#http = http;
    this.#call = call;
  }

  override async request<TData>(opts: RequestOptions & { data?: TData }): Promise<SdkResponse<TData>> {
    const call = this.#call();
    const signal = call?.signal;
    const res = await this.#http.request({
      method: toMethod(opts.method),
      path: toPath(opts.uri, opts.params),
      headers: toHeaders(opts),
      body: opts.data === undefined ? undefined : toForm(opts.data),
      ...(signal ? { signal } : {}),
    });
    if (call) call.response = res;
    if (!isSuccessStatus(res.status)) throw classifyTwilioError(res);
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
 * The SDK types a response body as the request's data type and builds its Message from it. It
 * always gets an object here, so it never throws on a body it cannot use: the provider reads the
 * reply itself (`acceptReply`).
 */
const parseBody = (text: string): object => {
  const parsed = parseJson(text);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : {};
};
