import type { Twilio } from 'twilio';
import type { MessageListInstanceCreateOptions } from 'twilio/lib/rest/api/v2010/account/message.js';
import { z } from 'zod';
import { isDeliveryError, permanent, retryable } from '../../errors/delivery-error.js';
import { acceptReply, isSuccessStatus } from '../http/accept.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import type { TwilioSmsConfig } from './config.js';
import type { TwilioCall, TwilioTransport } from './transport.js';

const PROVIDER = 'twilio-sms';

/** Logto's `To`: E.164, with the leading `+` added when the number lacks it. */
export const toE164 = (to: string): string => (to.startsWith('+') ? to : `+${to}`);

/**
 * The Messages API fields Logto sends: `To`, `MessagingServiceSid`, `Body`, `RiskCheck`; and
 * `StatusCallback` when receipts are on (`receiptUrl`), so Twilio posts this message's statuses there.
 */
export const toTwilioMessageParams = (message: OutgoingMessage, config: TwilioSmsConfig, receiptUrl?: string): MessageListInstanceCreateOptions => {
  if (message.content.kind !== 'sms') {
    throw permanent({ provider: PROVIDER, code: 'template_not_supported', message: 'twilio-sms sends rendered SMS text only' });
  }
  return {
    to: toE164(message.to),
    messagingServiceSid: config.fromMessagingServiceSID,
    body: message.content.text,
    riskCheck: config.disableRiskCheck ? 'disable' : 'enable',
    ...(receiptUrl === undefined ? {} : { statusCallback: receiptUrl }),
  };
};

/** Twilio's 201 Message resource; only its `sid` is read. */
const createdSchema = z.object({ sid: z.string().min(1) });

/**
 * `POST /2010-04-01/Accounts/{accountSID}/Messages.json` through the SDK and our transport. The
 * SDK builds and signs the request; the reply is read here, from what the transport saw.
 */
export const sendTwilioSms = async (
  client: Twilio,
  transport: TwilioTransport,
  config: TwilioSmsConfig,
  message: OutgoingMessage,
  { signal, receiptUrl }: SendContext,
): Promise<SendResult> => {
  const params = toTwilioMessageParams(message, config, receiptUrl);
  const call: TwilioCall = { signal };
  try {
    await transport.run(call, () => client.messages.create(params));
  } catch (error) {
    if (isDeliveryError(error)) throw error;
    // Twilio said 2xx and the SDK could not make a Message of it: the rule below decides.
    if (!isSuccessStatus(call.response?.status ?? 0)) {
      throw retryable({ provider: PROVIDER, code: 'unexpected_error', message: 'unexpected client error', cause: error });
    }
  }
  return acceptReply(call.response, createdSchema, (created) => ({ providerMessageId: created.sid }));
};
