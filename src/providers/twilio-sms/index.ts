import twilio from 'twilio';
import { DEFAULT_TIMEOUT_MS } from '../shared/config-fields.js';
import { toLocalSmsTemplates } from '../shared/templates.js';
import { defineProvider } from '../types.js';
import { TWILIO_API_URL, twilioSmsConfigSchema } from './config.js';
import { twilioSmsReceipts } from './receipts.js';
import { sendTwilioSms } from './request.js';
import { createTwilioTransport } from './transport.js';

/** Twilio Programmable Messaging, as Logto's `connector-twilio-sms` sends it. */
export const twilioSmsProvider = defineProvider({
  id: 'twilio-sms',
  channels: ['sms'],
  configSchema: twilioSmsConfigSchema,
  create(config) {
    const transport = createTwilioTransport({ baseUrl: config.endpoint ?? TWILIO_API_URL, timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    // One SDK client per connector; its HTTP layer is our pooled, non-retrying transport.
    const client = twilio(config.accountSID, config.authToken, { httpClient: transport.requestClient, autoRetry: false });
    return {
      templates: toLocalSmsTemplates(config.templates),
      acceptsRenderedContent: true,
      send: (message, ctx) => sendTwilioSms(client, transport, config, message, ctx),
      close: () => transport.close(),
    };
  },
  /** Status callbacks, signed with the config's `authToken`; each send asks for them (`StatusCallback`). */
  receipts: twilioSmsReceipts,
});
