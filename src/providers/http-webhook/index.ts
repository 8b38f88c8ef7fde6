import type { Channel } from '../../messages/types.js';
import { endpointParts } from '../http/client.js';
import { httpProvider } from '../http/provider.js';
import type { ProviderDefinition } from '../types.js';
import { httpWebhookConfigSchema } from './config.js';
import { webhookVendor } from './request.js';

/**
 * Logto's `connector-http-email` / `connector-http-sms` (`id`), one channel each: POSTs
 * `{to, type, payload, ip?}` to your endpoint, optionally signed. No templates: the payload goes
 * as the producer sent it.
 */
export const httpWebhookProvider = (id: string, channel: Channel): ProviderDefinition<typeof httpWebhookConfigSchema> =>
  httpProvider({ id, channels: [channel], configSchema: httpWebhookConfigSchema }, {
    baseUrl: (config) => endpointParts(config.endpoint).origin,
    templates: () => [],
    vendor: (config) => webhookVendor(id, config),
  });
