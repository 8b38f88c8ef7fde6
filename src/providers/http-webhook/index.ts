import type { Channel } from '../../messages/types.js';
import { endpointParts } from '../http/client.js';
import { httpProvider } from '../http/provider.js';
import type { ProviderDefinition, ProviderImpl } from '../types.js';
import { httpWebhookConfigSchema } from './config.js';
import { webhookVendor } from './request.js';

/**
 * Receipts name our message id (`{id, …}`, SPEC §8), so a send the service answered without an
 * id of its own records `message.id` as its providerMessageId. An unexpected answer stays as it is.
 */
const withMessageId = (impl: ProviderImpl): ProviderImpl => ({
  ...impl,
  send: async (message, ctx) => {
    const result = await impl.send(message, ctx);
    return result.providerMessageId !== undefined || result.unexpectedResponse ? result : { ...result, providerMessageId: message.id };
  },
});

/**
 * Logto's `connector-http-email` / `connector-http-sms` (`id`), one channel each: POSTs
 * `{to, type, payload, ip?}` to your endpoint, optionally signed. No templates: the payload goes
 * as the producer sent it.
 */
export const httpWebhookProvider = (id: string, channel: Channel): ProviderDefinition<typeof httpWebhookConfigSchema> => {
  const definition = httpProvider({ id, channels: [channel], configSchema: httpWebhookConfigSchema }, {
    baseUrl: (config) => endpointParts(config.endpoint).origin,
    templates: () => [],
    vendor: (config) => webhookVendor(id, config),
  });
  return { ...definition, create: (config, deps) => withMessageId(definition.create(config, deps)) };
};
