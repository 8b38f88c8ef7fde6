import { AsyncLocalStorage } from 'node:async_hooks';
import { isDeliveryError, type DeliveryError } from '../../errors/delivery-error.js';
import { createHttpClient, type HttpClient, type HttpResponse } from '../http/client.js';

/** What one send shares with the fetch adapter underneath the SDK. */
export type PostmarkCall = {
  /** The worker's signal for this send. */
  signal: AbortSignal;
  /** Set by the adapter: the reply the SDK turned into a result or an error; the provider reads a 2xx itself. */
  response?: HttpResponse;
  /** Set by the adapter: the transport failure (timeout, network) the SDK would flatten. */
  failure?: DeliveryError;
};

export type PostmarkTransport = {
  /** Handed to the SDK as `ClientOptions.fetch`. */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Runs one SDK call with its per-send state. */
  run<T>(call: PostmarkCall, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

type Method = 'GET' | 'POST' | 'PUT';
const isMethod = (value: string): value is Method => value === 'GET' || value === 'POST' || value === 'PUT';

/** Statuses whose `Response` must not have a body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

const toHeaders = (raw: HttpResponse['headers']): Headers => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  return headers;
};

/**
 * The Postmark SDK speaks `fetch` and has no per-request signal. This adapter runs its requests
 * on our pooled keep-alive client (one per connector) and, through AsyncLocalStorage, ties each
 * request to its send: the worker's signal, the reply headers and the transport failure, which the
 * SDK would otherwise reduce to a bare message.
 */
export const createPostmarkTransport = ({ baseUrl, timeoutMs }: { baseUrl: string; timeoutMs: number }): PostmarkTransport => {
  const http: HttpClient = createHttpClient({ baseUrl: new URL(baseUrl).origin, provider: 'postmark', timeoutMs });
  const calls = new AsyncLocalStorage<PostmarkCall>();

  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init.method ?? 'GET').toUpperCase();
    if (!isMethod(method)) throw new Error(`unsupported method ${method}`);
    if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') throw new Error('unsupported request body');
    const call = calls.getStore();
    const signals = [init.signal, call?.signal].filter((s): s is AbortSignal => s !== undefined && s !== null);
    try {
      const res = await http.request({
        method,
        path: `${url.pathname}${url.search}`,
        headers: Object.fromEntries(new Headers(init.headers).entries()),
        body: init.body ?? undefined,
        signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
      });
      if (call) call.response = res;
      return new Response(NULL_BODY.has(res.status) ? null : res.body, { status: res.status, headers: toHeaders(res.headers) });
    } catch (error) {
      if (call && isDeliveryError(error)) call.failure = error;
      throw error;
    }
  };

  return { fetch, run: (call, fn) => calls.run(call, fn), close: () => http.close() };
};
