import { DEFAULT_TIMEOUT_MS } from '../shared/config-fields.js';
import { toLocalEmailTemplates } from '../shared/templates.js';
import { defineProvider } from '../types.js';
import { awsSesConfigSchema } from './config.js';
import { sendSesEmail } from './request.js';
import { captureSesReplies, createSesClient } from './transport.js';

/** Amazon SES (API v2 `SendEmail`), as Logto's `connector-aws-ses` sends it. */
export const awsSesProvider = defineProvider({
  id: 'aws-ses',
  channels: ['email'],
  configSchema: awsSesConfigSchema,
  create(config) {
    const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const client = createSesClient(config, timeoutMs);
    const connection = { client, calls: captureSesReplies(client) };
    return {
      // Logto's SES templates have no content type: their content is sent as HTML.
      templates: toLocalEmailTemplates(config.templates, 'text/html'),
      acceptsRenderedContent: true,
      send: (message, ctx) => sendSesEmail(connection, config, timeoutMs, message, ctx),
      close: async () => client.destroy(),
    };
  },
});
