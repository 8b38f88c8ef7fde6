import type { Twilio } from 'twilio';
import type { MessageListInstanceCreateOptions } from 'twilio/lib/rest/api/v2010/account/message.js';
import { isDeliveryError, permanent, retryable } from '../../errors/delivery-error.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import type { TwilioSmsConfig } from './config.js';
import type { TwilioTransport } from './transport.js';

const PROVIDER = 'twilio-sms';

/** Logto's `To`: E.164, with the leading `+` added when the number lacks it. */
export const toE164 = (to: string): string => (to.startsWith('+') ? to : `+${to}`);

/** The Messages API fields Logto sends: `To`, `MessagingServiceSid`, `Body`, `RiskCheck`. */
export const toTwilioMessageParams = (message: OutgoingMessage, config: TwilioSmsConfig): MessageListInstanceCreateOptions => {
  if (message.content.kind !== 'sms') {
    throw permanent({ provider: PROVIDER, code: 'template_not_supported', message: 'twilio-sms sends rendered SMS text only' });
  }
  return {
    to: toE164(message.to),
    messagingServiceSid: config.fromMessagingServiceSID,
    body: message.content.text,
    riskCheck: config.disableRiskCheck ? 'disable' : 'enable',
  };
};

/** `POST /2010-04-01/Accounts/{accountSID}/Messages.json` through the SDK and our transport. */
export const sendTwilioSms = async (
  client: Twilio,
  transport: TwilioTransport,
  config: TwilioSmsConfig,
  message: OutgoingMessage,
  { signal }: SendContext,
): Promise<SendResult> => {
  const params = toTwilioMessageParams(message, config);
  try {
    const created = await transport.withSignal(signal, () => client.messages.create(params));
    return typeof created.sid === 'string' && created.sid !== '' ? { providerMessageId: created.sid } : {};
  } catch (error) {
    if (isDeliveryError(error)) throw error;
    throw retryable({ provider: PROVIDER, code: 'unexpected_error', message: 'unexpected client error', cause: error });
  }
};
