import type { z } from 'zod';
import { defineProvider, type ConnectorTemplate, type OutgoingMessage, type ProviderDefinition, type ProviderDeps, type SendResult } from '../types.js';
import { createHttpClient, type HttpRequest, type HttpResponse } from './client.js';

/** One POST to the vendor: path and query on the connector's base URL, headers, body. */
export type VendorRequest = Pick<HttpRequest, 'path' | 'headers' | 'body'>;

/** What a connector over plain HTTP does per send: build the vendor's request, read its reply. */
export type HttpVendor = {
  /**
   * Throws a `DeliveryError` for a message the vendor cannot take (no request is made).
   * `receiptUrl`: the send's `ctx.receiptUrl`, for vendors that take a per-message callback.
   */
  request(message: OutgoingMessage, receiptUrl?: string): VendorRequest;
  /** A result, or throws the `DeliveryError` the reply means (`replyReader`). */
  reply(res: HttpResponse): SendResult;
};

/** Every HTTP connector config carries Logto's fields plus our `timeoutMs`. */
type TimedConfig = { timeoutMs?: number | undefined };

/** Who the provider is: what `defineProvider` takes besides the factory. */
export type ProviderIdentity<Schema extends z.ZodType> = Pick<ProviderDefinition<Schema>, 'id' | 'channels' | 'configSchema' | 'receipts'>;

/** How a connector reaches its vendor, from its validated config. */
export type HttpConnection<Config> = {
  /** The URL the connector's pool is opened on; its path prefixes every request path. */
  baseUrl(config: Config): string;
  /** The config's templates (Logto shapes, normalised). */
  templates(config: Config): readonly ConnectorTemplate[];
  /** @default true; false for vendors that send only their own approved templates */
  acceptsRenderedContent?: boolean;
  /** Built once per connector: what every send shares (headers, paths, keys) is computed here. `deps.receipts` is the connector's receipts block. */
  vendor(config: Config, deps: ProviderDeps): HttpVendor;
};

/**
 * A provider over one keep-alive undici client per connector (`createHttpClient`, with the
 * config's `timeoutMs`): each send POSTs `vendor.request(message, ctx.receiptUrl)` with the worker's signal and
 * hands the reply to `vendor.reply`; closing the connector closes the pool.
 */
export const httpProvider = <Schema extends z.ZodType<TimedConfig>>(
  identity: ProviderIdentity<Schema>,
  connection: HttpConnection<z.infer<Schema>>,
): ProviderDefinition<Schema> =>
  defineProvider({
    ...identity,
    create(config, deps) {
      const http = createHttpClient({ baseUrl: connection.baseUrl(config), provider: identity.id, timeoutMs: config.timeoutMs });
      const vendor = connection.vendor(config, deps);
      return {
        templates: connection.templates(config),
        acceptsRenderedContent: connection.acceptsRenderedContent ?? true,
        send: async (message, { signal, receiptUrl }) => vendor.reply(await http.request({ method: 'POST', ...vendor.request(message, receiptUrl), signal })),
        close: () => http.close(),
      };
    },
  });
