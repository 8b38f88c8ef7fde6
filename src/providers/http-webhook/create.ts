import { z } from 'zod';
import { acceptReply, isSuccessStatus } from '../http/accept.js';
import { createEndpointClient } from '../http/client.js';
import type { Provider, ProviderDeps } from '../types.js';
import type { HttpWebhookConfig } from './config.js';
import { classifyWebhookStatus } from './errors.js';
import { buildWebhookRequest } from './request.js';
import { signingKey } from './signature.js';

/**
 * The connector behind `http-email` and `http-sms`: `POST endpoint` with Logto's JSON body. It
 * sends the producer's payload, never rendered text, so it has no templates and ignores
 * `message.content`. Any 2xx is success; the response body is ignored, as in Logto (one over the
 * cap, or broken off, makes it an unexpected answer like any other vendor's).
 */
export const createHttpWebhookConnector = (
  id: string,
  config: HttpWebhookConfig,
  { channel }: ProviderDeps,
): Provider => {
  const { http, path } = createEndpointClient(config.endpoint, { provider: id, timeoutMs: config.timeoutMs });
  const key = config.signingSecret === undefined ? undefined : signingKey(config.signingSecret);
  return {
    id,
    channel,
    templates: [],
    acceptsRenderedContent: true,
    async send(message, { signal }) {
      const { headers, body } = buildWebhookRequest(message, {
        authorization: config.authorization,
        key,
        timestamp: Math.floor(Date.now() / 1000),
      });
      const res = await http.request({ method: 'POST', path, headers, body, signal });
      if (!isSuccessStatus(res.status)) throw classifyWebhookStatus(id, res.status, res.headers);
      return acceptReply(res, z.unknown(), () => ({}));
    },
    close: () => http.close(),
  };
};
