import { ServerClient } from 'postmark';
import { DEFAULT_TIMEOUT_MS } from '../shared/config-fields.js';
import { defineProvider } from '../types.js';
import { POSTMARK_API_URL, postmarkConfigSchema, toPostmarkTemplates } from './config.js';
import { postmarkReceipts } from './receipts.js';
import { sendPostmarkEmail } from './request.js';
import { createPostmarkTransport } from './transport.js';

/** Postmark, as Logto's `connector-postmark` sends it, plus rendered mail for types without an alias. */
export const postmarkProvider = defineProvider({
  id: 'postmark',
  channels: ['email'],
  configSchema: postmarkConfigSchema,
  create(config) {
    const endpoint = new URL(config.endpoint ?? POSTMARK_API_URL);
    const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const transport = createPostmarkTransport({ baseUrl: endpoint.href, timeoutMs });
    // One SDK client per connector. Its own timeout (whole seconds) is only a backstop: our
    // transport enforces `timeoutMs`.
    const client = new ServerClient(config.serverToken, {
      useHttps: endpoint.protocol === 'https:',
      requestHost: `${endpoint.host}${endpoint.pathname.replace(/\/+$/, '')}`,
      timeout: Math.ceil(timeoutMs / 1000) + 1,
      fetch: transport.fetch,
    });
    return {
      templates: toPostmarkTemplates(config.templates),
      acceptsRenderedContent: true,
      send: (message, ctx) => sendPostmarkEmail(client, transport, config, message, ctx),
      close: () => transport.close(),
    };
  },
  /** Postmark's webhooks are per server and stream (no per-message callback): nothing to set on the send. */
  receipts: postmarkReceipts,
});
