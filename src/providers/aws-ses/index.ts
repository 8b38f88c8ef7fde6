import { DEFAULT_TIMEOUT_MS } from '../shared/config-fields.js';
import { toLocalEmailTemplates } from '../shared/templates.js';
import { defineProvider } from '../types.js';
import { awsSesConfigSchema, type AwsSesConfig } from './config.js';
import { awsSesReceipts, awsSesReceiptsSchema } from './receipts.js';
import { sendSesEmail } from './request.js';
import { captureSesReplies, createSesClient } from './transport.js';

/** The config a send uses: the receipts block's `configurationSet`, when set, names the SES configuration set whose events reach SNS. */
const sendingConfig = (config: AwsSesConfig, receipts: unknown): AwsSesConfig => {
  const configurationSet = receipts === undefined ? undefined : awsSesReceiptsSchema.parse(receipts).configurationSet;
  return configurationSet === undefined ? config : { ...config, configurationSetName: configurationSet };
};

/** Amazon SES (API v2 `SendEmail`), as Logto's `connector-aws-ses` sends it. */
export const awsSesProvider = defineProvider({
  id: 'aws-ses',
  channels: ['email'],
  configSchema: awsSesConfigSchema,
  create(config, deps) {
    const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const client = createSesClient(config, timeoutMs);
    const connection = { client, calls: captureSesReplies(client) };
    const sending = sendingConfig(config, deps.receipts);
    return {
      // Logto's SES templates have no content type: their content is sent as HTML.
      templates: toLocalEmailTemplates(config.templates, 'text/html'),
      acceptsRenderedContent: true,
      send: (message, ctx) => sendSesEmail(connection, sending, timeoutMs, message, ctx),
      close: async () => client.destroy(),
    };
  },
  receipts: awsSesReceipts,
});
